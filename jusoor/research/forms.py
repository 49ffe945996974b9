from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jusoor.core.forms import BaseForm, BaseModelForm
from jusoor.programmes.models import Project
from jusoor.research.models import Code, EvidenceKind, Finding, ResearchReport
from jusoor.research.qualitative import GROUPS, group_title
from jusoor.surveys.models import Form


class CodeForm(BaseModelForm):
    class Meta:
        model = Code
        fields = ["category", "name_ar", "name_en", "description", "keywords"]


class SegmentForm(BaseForm):
    passage = forms.CharField(
        label=_("Passage"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Copy the words to code from the text above; leave empty to code all of it."),
    )
    codes = forms.ModelMultipleChoiceField(
        label=_("Codes"), queryset=Code.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["codes"].queryset = Code.objects.filter(codebook__project=project)


class SegmentCodesForm(BaseForm):
    codes = forms.ModelMultipleChoiceField(
        label=_("Codes"),
        queryset=Code.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["codes"].queryset = Code.objects.filter(codebook__project=project)


class SearchForm(BaseForm):
    q = forms.CharField(label=_("Word or phrase"), max_length=100)


class GroupForm(BaseForm):
    group = forms.ChoiceField(label=_("Count by"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [(g, group_title(g)) for g in GROUPS]


class FindingForm(BaseModelForm):
    class Meta:
        model = Finding
        fields = ["statement_ar", "statement_en", "nodes"]
        widgets = {
            "statement_ar": forms.Textarea(attrs={"rows": 3, "dir": "rtl", "lang": "ar"}),
            "statement_en": forms.Textarea(attrs={"rows": 3, "dir": "ltr", "lang": "en"}),
            "nodes": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nodes"].queryset = project.nodes.all()


class EvidenceForm(BaseForm):
    """The parameters of one piece of evidence; which fields count depends on the kind."""

    kind = forms.ChoiceField(label=_("Kind"), choices=EvidenceKind.choices)
    form = forms.ModelChoiceField(
        label=_("Survey form"), queryset=Form.objects.none(), required=False
    )
    question = forms.CharField(
        label=_("Question (its name in the form, e.g. views/causes)"), required=False
    )
    category = forms.CharField(label=_("Answer (its name, e.g. unemployment)"), required=False)
    breakdown = forms.ChoiceField(
        label=_("By"),
        required=False,
        choices=[
            ("", _("Overall only")),
            ("area", _("Area")),
            ("sex", _("Sex")),
            ("age_band", _("Age band")),
        ],
    )
    rows = forms.CharField(label=_("Table rows: question name"), required=False)
    cols = forms.CharField(label=_("Table columns: question name"), required=False)
    weighted = forms.BooleanField(
        label=_("Weighted to the population"), required=False, initial=True
    )
    codes = forms.ModelMultipleChoiceField(
        label=_("Codes (for quotes)"),
        queryset=Code.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    limit = forms.IntegerField(label=_("Quotes to show"), min_value=1, max_value=10, initial=3)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["form"].queryset = Form.objects.filter(project=project)
        self.fields["codes"].queryset = Code.objects.filter(codebook__project=project)

    def parameters(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = data["kind"]
        if kind == EvidenceKind.QUOTES:
            return {
                "codes": [c.key or str(c.pk) for c in data["codes"]],
                "limit": data.get("limit") or 3,
            }
        form_id = data["form"].form_id if data.get("form") else ""
        if kind == EvidenceKind.ESTIMATE:
            return {
                "form": form_id,
                "question": data["question"].strip(),
                "category": data["category"].strip(),
                "breakdown": data["breakdown"],
                "weighted": data["weighted"],
            }
        return {
            "form": form_id,
            "rows": data["rows"].strip(),
            "cols": data["cols"].strip(),
            "weighted": data["weighted"],
        }


class ReportForm(BaseModelForm):
    class Meta:
        model = ResearchReport
        fields = [
            "title_ar",
            "title_en",
            "introduction_ar",
            "introduction_en",
            "limitations_ar",
            "limitations_en",
            "presented_at",
        ]

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["presented_at"].queryset = project.events.all()
