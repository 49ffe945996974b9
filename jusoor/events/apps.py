from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "jusoor.events"
    label = "events"
    verbose_name = _("Meetings and events")

    def ready(self) -> None:
        from jusoor.events import erasure
        from jusoor.events.donor_sections import PROVIDERS
        from jusoor.reports.donor import register_section

        erasure.register()
        for provider in PROVIDERS:
            register_section(provider)
