from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jusoor.accounts.roles import Role
from jusoor.library.models import Visibility
from jusoor.reports.models import ReportLanguage


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Who or what uses it, for example “UNDP dashboard”."),
    )
    role = forms.ChoiceField(
        label=_("Acts as"),
        choices=Role.choices,
        initial=Role.VIEWER,
        help_text=_("The token may do what a member with this role may do, nothing more."),
    )


class SectionsForm(forms.Form):
    challenges = forms.CharField(label=_("Challenges"), widget=forms.Textarea, required=False)
    lessons = forms.CharField(label=_("Lessons learned"), widget=forms.Textarea, required=False)
    next_steps = forms.CharField(label=_("Next steps"), widget=forms.Textarea, required=False)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=ReportLanguage.choices, required=False)


class PublishForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=ReportLanguage.choices)
    visibility = forms.ChoiceField(
        label=_("Who may see it in the library"),
        choices=Visibility.choices,
        initial=Visibility.ORGANISATION,
    )
