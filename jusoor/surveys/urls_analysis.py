from django.urls import path

from jusoor.surveys import views_analysis

urlpatterns = [
    path("workspace/forms/<int:pk>/analysis/", views_analysis.analysis, name="analysis"),
    path(
        "workspace/forms/<int:pk>/analysis/download.<str:fmt>",
        views_analysis.analysis_download,
        name="analysis_download",
    ),
    path(
        "workspace/forms/<int:pk>/analysis/crosstab/",
        views_analysis.crosstab,
        name="analysis_crosstab",
    ),
    path(
        "workspace/forms/<int:pk>/analysis/difference/",
        views_analysis.difference,
        name="analysis_difference",
    ),
]
