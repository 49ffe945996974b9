from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jusoor.accounts.models import Organisation
from jusoor.core.forms import BaseForm, BaseModelForm
from jusoor.engines.arabic import to_western_digits
from jusoor.geo.models import AdminUnit, AgeBand, Level, Sex, TargetArea
from jusoor.programmes.models import (
    Dimension,
    Indicator,
    PeriodStatus,
    Programme,
    Project,
    ProjectOrganisation,
    ReportingPeriod,
    ResultNode,
    TargetGroup,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProjectForm(BaseModelForm):
    governorates = forms.ModelMultipleChoiceField(
        label=_("Governorates"),
        required=False,
        queryset=AdminUnit.objects.filter(level=Level.GOVERNORATE),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Project
        fields = [
            "title_ar",
            "title_en",
            "slug",
            "code",
            "summary_ar",
            "summary_en",
            "impact_ar",
            "impact_en",
            "start_date",
            "end_date",
            "status",
            "sector",
            "programme",
            "governorates",
            "is_public",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "summary_ar": forms.Textarea(attrs={"rows": 4, "dir": "rtl"}),
            "impact_ar": forms.Textarea(attrs={"rows": 3, "dir": "rtl"}),
            "summary_en": forms.Textarea(attrs={"rows": 4, "dir": "ltr"}),
            "impact_en": forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
            "title_ar": forms.TextInput(attrs={"dir": "rtl"}),
            "title_en": forms.TextInput(attrs={"dir": "ltr"}),
        }

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # Only programmes the owner leads or already works in: listing every programme would
        # show other organisations' programme titles.
        owner = self.instance.owner
        current = self.instance.programme_id
        self.fields["programme"].queryset = Programme.objects.filter(
            Q(owner=owner) | Q(projects__participants__organisation=owner) | Q(pk=current)
        ).distinct()

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        return data


class ParticipantForm(BaseModelForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.all()
    )

    class Meta:
        model = ProjectOrganisation
        fields = ["organisation", "role", "access_role"]


class NodeForm(BaseModelForm):
    class Meta:
        model = ResultNode
        fields = [
            "kind",
            "parent",
            "order",
            "title_ar",
            "title_en",
            "description_ar",
            "description_en",
        ]
        widgets = {
            "title_ar": forms.Textarea(attrs={"rows": 2, "dir": "rtl"}),
            "title_en": forms.Textarea(attrs={"rows": 2, "dir": "ltr"}),
            "description_ar": forms.Textarea(attrs={"rows": 3, "dir": "rtl"}),
            "description_en": forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
        }

    def __init__(self, *args, project: Project, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.instance.project = project
        parents = project.nodes.exclude(kind="activity")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents


class IndicatorForm(BaseModelForm):
    disaggregations = forms.MultipleChoiceField(
        label=_("Disaggregated by"),
        required=False,
        choices=Dimension.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    computation = forms.ChoiceField(
        label=_("Actual values"),
        required=False,
        help_text=_(
            "Entered by hand (with evidence), or computed from the project's records: the "
            "fields below say what to count."
        ),
    )
    p_node = forms.ModelChoiceField(
        label=_("Count under this framework entry"),
        required=False,
        queryset=ResultNode.objects.none(),
        help_text=_("Empty: the indicator's own entry and everything under it."),
    )
    p_form = forms.ModelChoiceField(
        label=_("Survey form"), required=False, queryset=ResultNode.objects.none()
    )
    p_question = forms.CharField(
        label=_("Question (its path in the form)"),
        required=False,
        max_length=200,
        help_text=_("For example views/causes."),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    p_answers = forms.CharField(
        label=_("Answers counted (choice names)"),
        required=False,
        max_length=300,
        help_text=_("Separated by spaces, for example: yes maybe."),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    p_weighted = forms.BooleanField(label=_("Weighted to the population"), required=False)
    p_sex = forms.ChoiceField(
        label=_("Only this sex"), required=False, choices=[("", "—"), *Sex.choices]
    )
    p_age_band = forms.ChoiceField(
        label=_("Only this age band"), required=False, choices=[("", "—"), *AgeBand.choices]
    )
    p_target_group = forms.ChoiceField(
        label=_("Only this target group"),
        required=False,
        choices=[("", "—"), *TargetGroup.choices],
    )
    PARAMETER_FIELDS = (
        "node",
        "form",
        "question",
        "answers",
        "weighted",
        "sex",
        "age_band",
        "target_group",
    )

    class Meta:
        model = Indicator
        fields = [
            "node",
            "code",
            "name_ar",
            "name_en",
            "definition_ar",
            "definition_en",
            "measure",
            "unit_ar",
            "unit_en",
            "counts_people",
            "baseline",
            "baseline_note",
            "disaggregations",
            "means_of_verification",
            "headline",
            "order",
        ]
        widgets = {
            "definition_ar": forms.Textarea(attrs={"rows": 2, "dir": "rtl"}),
            "definition_en": forms.Textarea(attrs={"rows": 2, "dir": "ltr"}),
            "means_of_verification": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, project: Project, **kwargs):  # type: ignore[no-untyped-def]
        from jusoor.programmes.computations import choices
        from jusoor.surveys.models import Form

        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["node"].queryset = project.nodes.all()
        self.fields["computation"].choices = choices()
        self.fields["p_node"].queryset = project.nodes.all()
        self.fields["p_form"].queryset = Form.objects.filter(project=project)
        if not self.is_bound and self.instance.pk:
            self.initial["computation"] = self.instance.computation
            params = self.instance.parameters or {}
            for name in self.PARAMETER_FIELDS:
                if name in params:
                    value = params[name]
                    self.initial[f"p_{name}"] = " ".join(value) if name == "answers" else value

    def clean(self):  # type: ignore[no-untyped-def]
        from django.core.exceptions import ValidationError

        from jusoor.programmes.computations import clean_parameters

        data = super().clean()
        key = data.get("computation") or ""
        self.instance.computation = key
        if not key:
            self.instance.parameters = {}
            return data
        raw = {name: data.get(f"p_{name}") for name in self.PARAMETER_FIELDS}
        try:
            self.instance.parameters = clean_parameters(key, raw, self.project)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                target = f"p_{field}" if f"p_{field}" in self.fields else None
                for message in messages:
                    self.add_error(target, message)
        return data


class PeriodForm(BaseModelForm):
    class Meta:
        model = ReportingPeriod
        fields = ["label", "start_date", "end_date"]
        widgets = {"start_date": DATE, "end_date": DATE}

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        return data


class FigureForm(BaseForm):
    """A target or an actual value for one period."""

    period = forms.ModelChoiceField(
        label=_("Reporting period"), queryset=ReportingPeriod.objects.none()
    )
    kind = forms.ChoiceField(
        label=_("Figure"), choices=[("target", _("Target")), ("actual", _("Actual"))]
    )
    dimension = forms.ChoiceField(
        label=_("Disaggregated by"),
        required=False,
        choices=[("", _("Total"))] + list(Dimension.choices),
    )
    category = forms.CharField(label=_("Group"), required=False, max_length=40)
    value = forms.DecimalField(label=_("Value"), max_digits=14, decimal_places=2)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    evidence = forms.FileField(
        label=_("Evidence (file)"),
        required=False,
        help_text=_("An attendance sheet, a report or photographs that back the figure."),
    )

    def __init__(self, *args, indicator: Indicator, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["period"].queryset = indicator.node.project.periods.all()
        if indicator.is_computed:
            self.fields["kind"].choices = [("target", _("Target"))]
            for name in ("dimension", "category", "note", "evidence"):
                del self.fields[name]

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if data.get("kind") == "target" and data.get("dimension"):
            self.add_error("dimension", _("Targets are set for the total only."))
        if data.get("kind") == "actual" and self.indicator.is_computed:
            self.add_error(
                "kind",
                _("This indicator is computed from the data; only its targets are entered."),
            )
        return data


class PeriodStatusForm(BaseForm):
    status = forms.ChoiceField(choices=PeriodStatus.choices)


class TargetAreaForm(BaseForm):
    unit = forms.ModelChoiceField(
        label=_("Area"),
        queryset=AdminUnit.objects.filter(level__gte=Level.DISTRICT),
        to_field_name="pcode",
        help_text=_("A district or sub-district, by p-code (for example IQG01Q03N03)."),
        widget=forms.TextInput(attrs={"list": "units", "dir": "ltr"}),
        error_messages={"invalid_choice": _("No district or sub-district has this p-code.")},
    )


class ProgrammeForm(BaseModelForm):
    governorates = forms.ModelMultipleChoiceField(
        label=_("Governorates"),
        required=False,
        queryset=AdminUnit.objects.filter(level=Level.GOVERNORATE),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Programme
        fields = ["title_ar", "title_en", "slug", "summary_ar", "summary_en", "governorates"]
        widgets = {
            "title_ar": forms.TextInput(attrs={"dir": "rtl"}),
            "title_en": forms.TextInput(attrs={"dir": "ltr"}),
            "summary_ar": forms.Textarea(attrs={"rows": 4, "dir": "rtl"}),
            "summary_en": forms.Textarea(attrs={"rows": 4, "dir": "ltr"}),
        }


class PopulationForm(BaseForm):
    """Population of one target area: a number for every sex × age band."""

    source = forms.CharField(label=_("Source of the figures"), required=False, max_length=200)

    def __init__(self, *args, area: TargetArea, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        current = {(p.sex, p.age_band): p for p in area.population.all()}
        self.cells = []
        for sex, sex_label in Sex.choices:
            for band, band_label in AgeBand.choices:
                name = f"n_{sex}_{band}"
                figure = current.get((sex, band))
                self.fields[name] = forms.IntegerField(
                    label=f"{sex_label} · {band_label}",
                    required=False,
                    min_value=0,
                    initial=figure.count if figure else None,
                    widget=forms.TextInput(attrs={"inputmode": "numeric"}),
                )
                self.cells.append((sex, band, name))
        if current and not self.is_bound:
            self.fields["source"].initial = next(iter(current.values())).source
        if self.is_bound:
            # Digits were normalised before these fields existed; do it for them too.
            data = self.data.copy()
            for _sex, _band, name in self.cells:
                if isinstance(data.get(name), str):
                    data[name] = to_western_digits(data[name]).strip()
            self.data = data

    def figures(self) -> dict[tuple[str, str], int | None]:
        return {(sex, band): self.cleaned_data.get(name) for sex, band, name in self.cells}
