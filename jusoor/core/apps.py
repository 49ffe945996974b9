from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jusoor.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from jusoor.core import crypto, signals  # noqa: F401  (signal handlers register on import)

        crypto.check_configuration()
