from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from jusoor.core.forms import BaseForm, BaseModelForm
from jusoor.library.models import (
    Audience,
    Kind,
    Language,
    Resource,
    Theme,
    join_tags,
)
from jusoor.programmes.models import Project


def _formfield(field: models.Field, **kwargs: Any) -> forms.Field | None:
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ResourceForm(BaseModelForm):
    audience = forms.MultipleChoiceField(
        label=_("audience"),
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    themes = forms.MultipleChoiceField(
        label=_("themes"),
        choices=Theme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    link = forms.URLField(
        label=_("web address"),
        required=False,
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"dir": "ltr"}),
    )
    file = forms.FileField(
        label=_("file"),
        required=False,
        help_text=_("PDF, Word (.docx), Excel (.xlsx) or an image. Or give a web address below."),
    )

    class Meta:
        model = Resource
        formfield_callback = _formfield
        fields = [
            "title_ar",
            "title_en",
            "summary_ar",
            "summary_en",
            "kind",
            "language",
            "audience",
            "themes",
            "file",
            "link",
            "licence",
            "published_on",
            "visibility",
            "project",
        ]
        widgets = {
            "published_on": forms.DateInput(attrs={"type": "date"}),
            "summary_ar": forms.Textarea(attrs={"rows": 4, "dir": "rtl"}),
            "summary_en": forms.Textarea(attrs={"rows": 4, "dir": "ltr"}),
            "title_ar": forms.TextInput(attrs={"dir": "rtl"}),
            "title_en": forms.TextInput(attrs={"dir": "ltr"}),
        }

    def __init__(self, *args: Any, with_file: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance: Resource = self.instance
        self.fields["project"].queryset = Project.objects.filter(owner_id=instance.owner_id)
        if instance.pk:
            self.initial["audience"] = instance.audience_list
            self.initial["themes"] = instance.theme_list
        if not with_file:
            del self.fields["file"]

    def clean_audience(self) -> str:
        return join_tags(self.cleaned_data.get("audience") or [])

    def clean_themes(self) -> str:
        return join_tags(self.cleaned_data.get("themes") or [])


class VersionForm(BaseForm):
    file = forms.FileField(
        label=_("new file"),
        help_text=_("The new file becomes the current version; earlier versions are kept."),
    )


def _blank(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    return [("", _("all")), *choices]


class SearchForm(BaseForm):
    q = forms.CharField(label=_("search"), required=False, max_length=300)
    kind = forms.ChoiceField(label=_("kind"), choices=_blank(Kind.choices), required=False)
    language = forms.ChoiceField(
        label=_("language"), choices=_blank(Language.choices), required=False
    )
    audience = forms.ChoiceField(
        label=_("audience"), choices=_blank(Audience.choices), required=False
    )
    theme = forms.ChoiceField(label=_("theme"), choices=_blank(Theme.choices), required=False)
    year = forms.IntegerField(label=_("year"), required=False, min_value=1900, max_value=2100)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)

    def filters(self) -> dict[str, str]:
        """The valid filters; a wrong value in the address is dropped, not an error page."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            name: str(data[name])
            for name in ("kind", "language", "audience", "theme", "year")
            if data.get(name) not in (None, "")
        }
