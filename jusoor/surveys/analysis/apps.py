from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveyAnalysisConfig(AppConfig):
    """No models: an app only so that its ``tasks`` module (the analysis job) is found at start-up
    by every process, the background worker included."""

    name = "jusoor.surveys.analysis"
    label = "survey_analysis"
    verbose_name = _("Survey analysis")
