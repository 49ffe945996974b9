from django.urls import path

from jusoor.research import views

app_name = "research"

P = "workspace/projects/<int:pk>/research/"

urlpatterns = [
    path("workspace/research/", views.index, name="index"),
    path(P, views.home, name="home"),
    path(P + "codebook/", views.codebook, name="codebook"),
    path(P + "codebook/new/", views.code_create, name="code_create"),
    path("workspace/research/codes/<int:pk>/", views.code_edit, name="code_edit"),
    path(P + "sources/", views.sources, name="sources"),
    path(P + "sources/<str:kind>/<int:object_id>/", views.source, name="source"),
    path("workspace/research/segments/<int:pk>/codes/", views.segment_codes, name="segment_codes"),
    path(P + "search/", views.search, name="search"),
    path(P + "frequencies/", views.frequencies, name="frequencies"),
    path(P + "suggestions/", views.suggestions, name="suggestions"),
    path(P + "suggestions/generate/", views.suggestions_generate, name="suggestions_generate"),
    path(
        "workspace/research/suggestions/<int:pk>/decide/",
        views.suggestion_decide,
        name="suggestion_decide",
    ),
    path(P + "findings/new/", views.finding_create, name="finding_create"),
    path("workspace/research/findings/<int:pk>/", views.finding, name="finding"),
    path("workspace/research/findings/<int:pk>/edit/", views.finding_edit, name="finding_edit"),
    path("workspace/research/findings/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path(
        "workspace/research/findings/<int:pk>/refresh/",
        views.finding_refresh,
        name="finding_refresh",
    ),
    path(
        "workspace/research/findings/<int:pk>/status/", views.finding_status, name="finding_status"
    ),
    path(P + "report/", views.report, name="report"),
    path(P + "report/edit/", views.report_edit, name="report_edit"),
    path(P + "report.docx", views.report_docx, name="report_docx"),
    path(P + "report.pdf", views.report_pdf, name="report_pdf"),
]
