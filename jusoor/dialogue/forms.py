"""Forms for taking part, moderating and running a conversation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jusoor.core.forms import BaseForm, BaseModelForm
from jusoor.dialogue import services
from jusoor.dialogue.models import (
    MAX_STATEMENT_CHARS,
    Conversation,
    Reason,
    ReportReason,
    VoteValue,
)
from jusoor.geo.models import AdminUnit, AgeBand, Sex, TargetArea


class ConversationForm(BaseModelForm):
    seeds = forms.CharField(
        label=_("Seed statements"),
        help_text=_("One per line. They are moderated like any other statement."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    class Meta:
        model = Conversation
        fields = [
            "slug",
            "topic_ar",
            "topic_en",
            "description_ar",
            "description_en",
            "is_open",
            "access",
            "mode",
            "engine_policy",
            "report_threshold",
        ]
        widgets = {
            "description_ar": forms.Textarea(attrs={"rows": 3, "dir": "rtl"}),
            "description_en": forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
            "topic_ar": forms.TextInput(attrs={"dir": "rtl"}),
            "topic_en": forms.TextInput(attrs={"dir": "ltr"}),
        }

    def seed_lines(self) -> list[str]:
        return [line for line in self.cleaned_data.get("seeds", "").splitlines() if line.strip()]


class StatementForm(BaseForm):
    text = forms.CharField(
        label=_("Your statement"),
        help_text=_("One short point that others can agree or disagree with."),
        strip=False,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_STATEMENT_CHARS}),
    )

    def clean_text(self) -> str:
        return services.clean_statement_text(self.cleaned_data.get("text") or "")


class VoteForm(BaseForm):
    statement = forms.IntegerField(widget=forms.HiddenInput)
    value = forms.TypedChoiceField(choices=VoteValue.choices, coerce=int)


class JoinForm(BaseForm):
    code = forms.CharField(label=_("Invitation code"), max_length=40)


class ProfileForm(BaseForm):
    sex = forms.ChoiceField(
        label=_("Sex"), choices=[("", _("Prefer not to say")), *Sex.choices], required=False
    )
    age_band = forms.ChoiceField(
        label=_("Age"), choices=[("", _("Prefer not to say")), *AgeBand.choices], required=False
    )
    area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=AdminUnit.objects.none(),
        required=False,
        empty_label=_("Prefer not to say"),
    )

    def __init__(self, *args: Any, conversation: Conversation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = TargetArea.objects.filter(project=conversation.project).values("unit_id")
        self.fields["area"].queryset = AdminUnit.objects.filter(pk__in=areas)


class ReportForm(BaseForm):
    reason = forms.ChoiceField(label=_("What is wrong with it?"), choices=ReportReason.choices)


class AppealForm(BaseForm):
    text = forms.CharField(
        label=_("Why should it be published?"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DecisionForm(BaseForm):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Publish")), ("reject", _("Do not publish"))]
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=Reason.choices)
    note = forms.CharField(label=_("Note for the record"), required=False, max_length=2000)


class CodesForm(BaseForm):
    count = forms.IntegerField(label=_("How many codes"), min_value=1, max_value=500, initial=20)
    max_uses = forms.IntegerField(
        label=_("Uses per code"),
        min_value=1,
        max_value=10_000,
        initial=1,
        help_text=_("1 for a personal code; more for a code read out to a whole room."),
    )
    label = forms.CharField(label=_("Where they are handed out"), max_length=200, required=False)


class OfflineStatementsForm(BaseForm):
    session = forms.CharField(label=_("Session"), max_length=200)
    statements = forms.CharField(
        label=_("Statements"),
        help_text=_("One per line, as written on the panel's cards."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class TallyForm(BaseForm):
    statement = forms.IntegerField(widget=forms.HiddenInput)
    session = forms.CharField(label=_("Session"), max_length=200)
    agree = forms.IntegerField(label=_("Agree"), min_value=0, initial=0)
    disagree = forms.IntegerField(label=_("Disagree"), min_value=0, initial=0)
    passed = forms.IntegerField(label=_("Pass"), min_value=0, initial=0)
