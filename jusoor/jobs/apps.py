from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jusoor.jobs"
    verbose_name = _("Background jobs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Handlers register themselves with @handler in each app's tasks.py; a worker process
        # serves no URLs, so nothing else would import them there.
        autodiscover_modules("tasks")
