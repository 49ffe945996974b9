from django.urls import path

from jusoor.library import views

app_name = "library"

urlpatterns = [
    path("library/", views.index, name="index"),
    path("library/<int:pk>/", views.resource_detail, name="resource"),
    path("library/<int:pk>/download/", views.download, name="download"),
    path("workspace/library/", views.manage, name="manage"),
    path(
        "workspace/organisations/<slug:slug>/library/new/",
        views.resource_create,
        name="resource_create",
    ),
    path("workspace/library/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("workspace/library/<int:pk>/versions/new/", views.version_add, name="version_add"),
    path("workspace/library/<int:pk>/delete/", views.resource_delete, name="resource_delete"),
]
