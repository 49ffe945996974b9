from django.conf import settings
from django.urls import include, path
from django.views.static import serve

from jusoor.reports.api import api

urlpatterns = [
    path("", include("jusoor.accounts.urls")),
    path("", include("jusoor.geo.urls")),
    path("", include("jusoor.programmes.urls")),
    path("", include("jusoor.people.urls")),
    path("", include("jusoor.events.urls")),
    path("", include("jusoor.surveys.urls")),
    path("", include("jusoor.dialogue.urls")),
    path("", include("jusoor.library.urls")),
    path("", include("jusoor.reports.urls")),
    path("", include("jusoor.core.urls")),
    path("", include("jusoor.jobs.urls")),
    path("", include("jusoor.research.urls")),
    path("api/", api.urls),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
