from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "jusoor.people"
    label = "people"
    verbose_name = _("Participants")

    def ready(self) -> None:
        from jusoor.people import erasure

        erasure.register()
