from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "jusoor.programmes"
    label = "programmes"
    verbose_name = _("Programmes and projects")

    def ready(self) -> None:
        from jusoor.programmes import signals

        signals.connect()
