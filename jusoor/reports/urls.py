from django.urls import path

from jusoor.reports import views

app_name = "reports"

urlpatterns = [
    path("workspace/projects/<int:pk>/reports/", views.project_reports, name="project_reports"),
    path(
        "workspace/projects/<int:pk>/dashboard/", views.project_dashboard, name="project_dashboard"
    ),
    path(
        "workspace/programmes/<slug:slug>/dashboard/",
        views.programme_dashboard,
        name="programme_dashboard",
    ),
    path("workspace/projects/<int:pk>/iati.xml", views.iati_export, name="iati"),
    path("workspace/projects/<int:pk>/hxl.csv", views.hxl_export, name="hxl"),
    path("workspace/periods/<int:pk>/report/", views.donor_report, name="donor_report"),
    path(
        "workspace/periods/<int:pk>/report/edit/",
        views.donor_report_edit,
        name="donor_report_edit",
    ),
    path(
        "workspace/periods/<int:pk>/report/publish/",
        views.donor_report_publish,
        name="donor_report_publish",
    ),
    path("workspace/periods/<int:pk>/report.docx", views.donor_report_docx, name="donor_docx"),
    path("workspace/periods/<int:pk>/report.pdf", views.donor_report_pdf, name="donor_pdf"),
    path("workspace/periods/<int:pk>/annex.xlsx", views.donor_report_xlsx, name="donor_xlsx"),
    path("workspace/organisations/<slug:slug>/api-tokens/", views.api_tokens, name="api_tokens"),
    path("workspace/api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api_token_revoke"),
]
