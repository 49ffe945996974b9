from django.urls import path

from jusoor.dialogue import participate, views

app_name = "dialogue"

urlpatterns = [
    # Taking part: public, no account.
    path("d/<slug:slug>/", participate.conversation_page, name="conversation"),
    path("d/<slug:slug>/join/", participate.join, name="join"),
    path("d/<slug:slug>/vote/", participate.vote, name="vote"),
    path("d/<slug:slug>/statements/new/", participate.submit, name="submit"),
    path("d/<slug:slug>/mine/", participate.mine, name="mine"),
    path("d/<slug:slug>/statements/<int:pk>/appeal/", participate.appeal, name="appeal"),
    path("d/<slug:slug>/statements/<int:pk>/report/", participate.report, name="report"),
    path("d/<slug:slug>/map/", participate.opinion_map, name="map"),
    path("d/<slug:slug>/moderation/", participate.moderation_stats, name="moderation_stats"),
    # Workspace.
    path(
        "workspace/projects/<int:pk>/dialogue/",
        views.project_conversations,
        name="project_conversations",
    ),
    path("workspace/projects/<int:pk>/dialogue/new/", views.conversation_create, name="create"),
    path("workspace/dialogue/<int:pk>/", views.conversation_detail, name="detail"),
    path("workspace/dialogue/<int:pk>/edit/", views.conversation_edit, name="edit"),
    path("workspace/dialogue/<int:pk>/codes/", views.codes, name="codes"),
    path("workspace/dialogue/<int:pk>/offline/", views.offline, name="offline"),
    path("workspace/dialogue/statements/<int:pk>/tally/", views.tally, name="tally"),
    path("workspace/dialogue/<int:pk>/moderation/", views.queue, name="queue"),
    path("workspace/dialogue/statements/<int:pk>/decide/", views.decide, name="decide"),
    path("workspace/dialogue/appeals/<int:pk>/decide/", views.decide_appeal, name="decide_appeal"),
    path("workspace/dialogue/<int:pk>/analysis/", views.facilitator, name="facilitator"),
    path("workspace/dialogue/<int:pk>/recompute/", views.recompute, name="recompute"),
    path("workspace/dialogue/<int:pk>/export/<slug:kind>.csv", views.export, name="export"),
    path("workspace/dialogue/<int:pk>/report.docx", views.report_docx, name="report_docx"),
    path(
        "workspace/organisations/<slug:slug>/moderation/models/",
        views.moderation_models,
        name="moderation_models",
    ),
    path(
        "workspace/organisations/<slug:slug>/moderation/models/train/",
        views.moderation_model_train,
        name="moderation_model_train",
    ),
    path(
        "workspace/organisations/<slug:slug>/moderation/models/shipped/",
        views.moderation_model_deactivate,
        name="moderation_model_deactivate",
    ),
    path(
        "workspace/moderation/models/<int:pk>/activate/",
        views.moderation_model_activate,
        name="moderation_model_activate",
    ),
]
