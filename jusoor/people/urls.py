from django.urls import path

from jusoor.people import views

app_name = "people"

urlpatterns = [
    path("workspace/organisations/<slug:slug>/people/", views.person_list, name="list"),
    path("workspace/organisations/<slug:slug>/people/new/", views.person_create, name="create"),
    path(
        "workspace/organisations/<slug:slug>/people/duplicates/",
        views.duplicates,
        name="duplicates",
    ),
    path(
        "workspace/organisations/<slug:slug>/people/duplicates/find/",
        views.find_duplicates,
        name="find_duplicates",
    ),
    path(
        "workspace/organisations/<slug:slug>/people/import/",
        views.import_upload,
        name="import_upload",
    ),
    path(
        "workspace/organisations/<slug:slug>/stakeholders/",
        views.stakeholder_list,
        name="stakeholder_list",
    ),
    path(
        "workspace/organisations/<slug:slug>/stakeholders/new/",
        views.stakeholder_create,
        name="stakeholder_create",
    ),
    path("workspace/stakeholders/<int:pk>/", views.stakeholder_detail, name="stakeholder"),
    path("workspace/stakeholders/<int:pk>/edit/", views.stakeholder_edit, name="stakeholder_edit"),
    path(
        "workspace/stakeholders/<int:pk>/active/",
        views.stakeholder_active,
        name="stakeholder_active",
    ),
    path("workspace/people/<int:pk>/", views.person_detail, name="detail"),
    path("workspace/people/<int:pk>/edit/", views.person_edit, name="edit"),
    path("workspace/people/<int:pk>/consent/", views.consent, name="consent"),
    path("workspace/people/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("workspace/duplicates/<int:pk>/decide/", views.decide, name="decide"),
    path("workspace/merges/<int:pk>/undo/", views.merge_undo, name="merge_undo"),
    path("workspace/imports/<int:pk>/", views.import_preview, name="import_preview"),
    path("workspace/imports/<int:pk>/commit/", views.import_commit, name="import_commit"),
]
