from django.urls import path

from jusoor.surveys import urls_analysis, views, views_openrosa, views_self_completion

app_name = "surveys"

urlpatterns = [
    *urls_analysis.urlpatterns,
    path("workspace/projects/<int:pk>/forms/", views.form_list, name="form_list"),
    path("workspace/projects/<int:pk>/forms/upload/", views.form_upload, name="form_upload"),
    path("workspace/projects/<int:pk>/collect/", views.tokens, name="tokens"),
    path("workspace/survey-tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("workspace/forms/<int:pk>/", views.form_detail, name="form"),
    path("workspace/forms/<int:pk>/fill/", views.entry, name="entry"),
    path(
        "workspace/forms/<int:pk>/self-completion/",
        views_self_completion.control,
        name="self_completion",
    ),
    path("workspace/forms/<int:pk>/submissions/", views.submission_list, name="submissions"),
    path("workspace/forms/<int:pk>/export/", views.export, name="export"),
    path("workspace/forms/<int:pk>/import/", views.import_upload, name="import_upload"),
    path("workspace/survey-imports/<int:pk>/", views.import_preview, name="import_preview"),
    path("workspace/survey-imports/<int:pk>/write/", views.import_commit, name="import_commit"),
    path("workspace/submissions/<int:pk>/", views.submission_detail, name="submission"),
    path(
        "workspace/submissions/<int:pk>/status/",
        views.submission_status,
        name="submission_status",
    ),
    # Self-completion: respondents fill a form through its public link, no account needed.
    path("f/<slug:token>/", views_self_completion.fill, name="self_fill"),
    path("f/<slug:token>/thanks/", views_self_completion.thanks, name="self_thanks"),
    # OpenRosa (ODK Collect, KoboCollect): no language prefix, own authentication.
    path(
        "openrosa/projects/<int:pk>/formList",
        views_openrosa.form_list,
        name="openrosa_form_list",
    ),
    path(
        "openrosa/projects/<int:pk>/forms/<str:form_id>/form.xml",
        views_openrosa.form_download,
        name="openrosa_form_download",
    ),
    path(
        "openrosa/projects/<int:pk>/submission",
        views_openrosa.submission,
        name="openrosa_submission",
    ),
    path(
        "openrosa/key/<str:token>/projects/<int:pk>/formList",
        views_openrosa.form_list,
        name="openrosa_key_form_list",
    ),
    path(
        "openrosa/key/<str:token>/projects/<int:pk>/forms/<str:form_id>/form.xml",
        views_openrosa.form_download,
        name="openrosa_key_form_download",
    ),
    path(
        "openrosa/key/<str:token>/projects/<int:pk>/submission",
        views_openrosa.submission,
        name="openrosa_key_submission",
    ),
]
