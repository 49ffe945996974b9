"""The choices of the analysis pages, as GET forms (the page is computed from its address)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jusoor.core.forms import BaseForm
from jusoor.surveys.analysis import columns as cols
from jusoor.surveys.analysis.core import Catalogue

WEIGHTS = [("raked", _("Weighted to the population")), ("none", _("Unweighted"))]
LONELY = [
    ("fail", _("Stop and tell me")),
    ("certainty", _("Treat it as certain (no variance)")),
    ("adjust", _("Centre it on the average (conservative)")),
]


def _weights_initial(cat: Catalogue, can_weight: bool) -> str:
    return "raked" if can_weight else "none"


class DesignFields(BaseForm):
    """What every analysis page asks: weights, strata, what to do with one-cluster areas."""

    weights = forms.ChoiceField(label=_("Weights"), choices=WEIGHTS, widget=forms.RadioSelect)
    stratify = forms.BooleanField(label=_("Areas as strata"), required=False)
    lonely = forms.ChoiceField(
        label=_("An area with a single cluster"), choices=LONELY, required=False
    )

    def __init__(self, *args: Any, catalogue: Catalogue, can_weight: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        if "area" not in catalogue.variables:
            del self.fields["stratify"]
        if "cluster" not in catalogue.roles:
            del self.fields["lonely"]

    def design(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "weighted": data["weights"] == "raked",
            "stratify": bool(data.get("stratify")),
            "lonely_psu": data.get("lonely") or "fail",
        }


def _question_choices(cat: Catalogue) -> list[tuple[str, str]]:
    return [(q.name, cat.question_label(q)) for q in cat.questions]


def _variable_choices(cat: Catalogue) -> list[tuple[str, str]]:
    return [(key, var.label) for key, var in cat.variables.items()]


class AnalysisForm(DesignFields):
    questions = forms.MultipleChoiceField(label=_("Questions"), widget=forms.CheckboxSelectMultiple)
    breakdowns = forms.MultipleChoiceField(
        label=_("Break down by"), widget=forms.CheckboxSelectMultiple, required=False
    )
    combine_a = forms.ChoiceField(label=_("Combine"), required=False)
    combine_b = forms.ChoiceField(label=_("with"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cat = self.catalogue
        self.fields["questions"].choices = _question_choices(cat)
        variables = _variable_choices(cat)
        self.fields["breakdowns"].choices = variables
        self.fields["combine_a"].choices = [("", "—"), *variables]
        self.fields["combine_b"].choices = [("", "—"), *variables]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        a, b = data.get("combine_a"), data.get("combine_b")
        if bool(a) != bool(b) or (a and a == b):
            self.add_error("combine_b", _("Choose two different variables to combine."))
        return data

    def breakdown_list(self) -> list[str]:
        data = self.cleaned_data
        found = list(data.get("breakdowns") or [])
        if data.get("combine_a") and data.get("combine_b"):
            found.append(f"{data['combine_a']}+{data['combine_b']}")
        return found


def default_data(cat: Catalogue, can_weight: bool) -> dict[str, Any]:
    """What the page shows before anything is chosen: the first substantive question by sex."""
    roles = {q.name for q in cat.roles.values()}
    first = next(
        (q.name for q in cat.questions if q.name not in roles and q.kind != "numeric"),
        cat.questions[0].name if cat.questions else "",
    )
    data: dict[str, Any] = {"questions": [first], "weights": _weights_initial(cat, can_weight)}
    if "sex" in cat.variables:
        data["breakdowns"] = ["sex"]
    return data


class CrossTabForm(DesignFields):
    row = forms.ChoiceField(label=_("Rows"))
    column = forms.ChoiceField(label=_("Columns (the answers compared)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        variables = [
            (k, label)
            for k, label in _variable_choices(self.catalogue)
            if not self.catalogue.variables[k].derived_from_age
        ]
        self.fields["row"].choices = variables
        self.fields["column"].choices = variables

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("row") and data.get("row") == data.get("column"):
            self.add_error("column", _("Choose a column variable different from the rows."))
        return data


def _level_options(cat: Catalogue) -> list[tuple[str, list[tuple[str, str]]]]:
    groups = []
    for key, var in cat.variables.items():
        if var.derived_from_age:
            from jusoor.geo.models import AgeBand

            levels = [
                (f"{key}={code}", str(AgeBand(code).label)) for code, _lo, _hi in cols.AGE_BANDS
            ]
        else:
            q = next(q for q in cat.questions if q.name == var.question)
            levels = [(f"{key}={c['name']}", cat.choice_label(q, c["name"])) for c in q.choices]
        groups.append((var.label, levels))
    return groups


def _figure_options(cat: Catalogue) -> list[tuple[str, list[tuple[str, str]]]]:
    groups = []
    for q in cat.questions:
        label = cat.question_label(q)
        if q.kind in ("select_one", "likert", "select_multiple"):
            options = [(f"{q.name}={c['name']}", cat.choice_label(q, c["name"])) for c in q.choices]
            if q.kind == "likert":
                options.append((q.name, str(_("Mean score"))))
        elif q.kind == "numeric":
            options = [(q.name, str(_("Mean")))]
        else:
            continue
        groups.append((label, options))
    return groups


class DifferenceForm(DesignFields):
    figure = forms.ChoiceField(label=_("What to compare"))
    group_a = forms.ChoiceField(label=_("Group"))
    group_b = forms.ChoiceField(label=_("minus group"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["figure"].choices = _figure_options(self.catalogue)
        levels = _level_options(self.catalogue)
        self.fields["group_a"].choices = levels
        self.fields["group_b"].choices = levels

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        a, b = data.get("group_a") or "", data.get("group_b") or ""
        if a and b and (a.split("=")[0] != b.split("=")[0] or a == b):
            self.add_error(
                "group_b",
                _("Choose two different groups of the same variable (e.g. women and men)."),
            )
        return data

    def parts(self) -> dict[str, Any]:
        data = self.cleaned_data
        question, _sep, category = data["figure"].partition("=")
        variable, _sep, a = data["group_a"].partition("=")
        b = data["group_b"].partition("=")[2]
        return {
            "question": question,
            "category": category or None,
            "variable": variable,
            "a": a,
            "b": b,
        }
