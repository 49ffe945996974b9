from django.urls import path

from jusoor.jobs import views

app_name = "jobs"

urlpatterns = [
    path("workspace/jobs/<int:pk>/", views.status, name="status"),
    path("workspace/jobs/<int:pk>/status.json", views.status_json, name="status_json"),
    path("workspace/jobs/<int:pk>/download/", views.download, name="download"),
    path("workspace/jobs/<int:pk>/cancel/", views.cancel, name="cancel"),
]
