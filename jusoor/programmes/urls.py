from django.urls import path

from jusoor.programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.home, name="home"),
    path("p/<slug:slug>/", views.public_project, name="public_project"),
    path("workspace/", views.workspace, name="workspace"),
    path(
        "workspace/organisations/<slug:slug>/projects/new/",
        views.project_create,
        name="project_create",
    ),
    path(
        "workspace/organisations/<slug:slug>/programmes/new/",
        views.programme_create,
        name="programme_create",
    ),
    path("workspace/programmes/<slug:slug>/", views.programme_detail, name="programme"),
    path("workspace/programmes/<slug:slug>/edit/", views.programme_edit, name="programme_edit"),
    path("workspace/areas/<int:pk>/population/", views.area_population, name="area_population"),
    path("workspace/projects/<int:pk>/", views.project_detail, name="project"),
    path("workspace/projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path(
        "workspace/projects/<int:pk>/partners/add/", views.participant_add, name="participant_add"
    ),
    path(
        "workspace/participants/<int:pk>/remove/",
        views.participant_remove,
        name="participant_remove",
    ),
    path("workspace/projects/<int:pk>/framework/new/", views.node_create, name="node_create"),
    path("workspace/nodes/<int:pk>/edit/", views.node_edit, name="node_edit"),
    path("workspace/nodes/<int:pk>/delete/", views.node_delete, name="node_delete"),
    path(
        "workspace/projects/<int:pk>/indicators/new/",
        views.indicator_create,
        name="indicator_create",
    ),
    path("workspace/indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path("workspace/indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path(
        "workspace/indicators/<int:pk>/recompute/",
        views.indicator_recompute,
        name="indicator_recompute",
    ),
    path(
        "workspace/indicators/<int:pk>/periods/<int:period>/records/",
        views.indicator_records,
        name="indicator_records",
    ),
    path(
        "workspace/indicator-values/<int:pk>/evidence/",
        views.indicator_evidence,
        name="indicator_evidence",
    ),
    path("workspace/projects/<int:pk>/periods/new/", views.period_create, name="period_create"),
    path("workspace/periods/<int:pk>/status/", views.period_status, name="period_status"),
    path("workspace/projects/<int:pk>/areas/add/", views.target_area_add, name="target_area_add"),
    path("workspace/areas/<int:pk>/remove/", views.target_area_remove, name="target_area_remove"),
]
