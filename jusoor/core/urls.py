from django.urls import path

from jusoor.core import audit_views

app_name = "core"

urlpatterns = [
    path(
        "workspace/organisations/<slug:slug>/audit/events/",
        audit_views.audit_events,
        name="audit_events",
    ),
    path(
        "workspace/organisations/<slug:slug>/audit/events.csv",
        audit_views.audit_export,
        name="audit_export",
    ),
]
