from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResearchConfig(AppConfig):
    name = "jusoor.research"
    label = "research"
    verbose_name = _("Research")

    def ready(self) -> None:
        from jusoor.reports.donor import register_section
        from jusoor.research.donor_section import findings_section

        register_section(findings_section)
        __import__("jusoor.research.erasure", fromlist=["register"]).register()
