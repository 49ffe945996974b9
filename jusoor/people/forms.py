"""Forms of the registry. Phones are checked with the Arabic engine's Iraqi phone rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import validators
from django.utils.translation import gettext_lazy as _

from jusoor.accounts.models import Organisation
from jusoor.core.forms import BaseForm, BaseModelForm
from jusoor.engines.arabic import normalise_phone
from jusoor.geo.models import AdminUnit
from jusoor.people.models import Person, Stakeholder, StakeholderKind


def clean_phone_value(value: str) -> str:
    value = (value or "").strip()
    if value and normalise_phone(value) is None:
        raise forms.ValidationError(
            _("“%(value)s” is not an Iraqi phone number (for example 0770 123 4567)."),
            params={"value": value},
        )
    return value


class PersonForm(BaseModelForm):
    class Meta:
        model = Person
        fields = [
            "name",
            "phone",
            "address",
            "sex",
            "birth_year",
            "age_band",
            "target_group",
            "affiliation",
            "disability",
            "displacement",
            "area",
        ]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "off", "dir": "auto"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "dir": "ltr"}),
            "address": forms.TextInput(attrs={"dir": "auto"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.fields["area"].queryset = AdminUnit.objects.filter(level__gte=2).select_related(
            "parent"
        )

    def clean_phone(self) -> str:
        return clean_phone_value(self.cleaned_data.get("phone", ""))

    def clean_birth_year(self) -> int | None:
        year = self.cleaned_data.get("birth_year")
        if year is not None and not 1900 <= year <= 2030:
            raise forms.ValidationError(_("Give a year of birth such as 1995."))
        return year


class ConsentForm(BaseForm):
    participation = forms.BooleanField(
        label=_("Agrees to take part and to be counted in the programme's figures"),
        required=True,
        error_messages={"required": _("Nobody can be registered without this consent.")},
    )
    photos = forms.BooleanField(label=_("Agrees to be photographed"), required=False)
    follow_up = forms.BooleanField(label=_("Agrees to be contacted later"), required=False)
    channel = forms.CharField(
        label=_("How consent was given"),
        max_length=60,
        required=False,
        help_text=_("For example: signed paper form, read aloud, online form."),
    )


class NewPersonForm(PersonForm):
    """A new person comes with their consent."""

    participation = ConsentForm.base_fields["participation"]
    photos = ConsentForm.base_fields["photos"]
    follow_up = ConsentForm.base_fields["follow_up"]

    def consent(self) -> dict[str, bool]:
        return {k: self.cleaned_data[k] for k in ("participation", "photos", "follow_up")}


class SearchForm(BaseForm):
    q = forms.CharField(label=_("Code or phone"), required=False, max_length=64)


class StakeholderForm(BaseModelForm):
    class Meta:
        model = Stakeholder
        fields = ["kind", "name", "position", "affiliation", "partner", "area", "phone", "email"]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "off", "dir": "auto"}),
            "position": forms.TextInput(attrs={"dir": "auto"}),
            "affiliation": forms.TextInput(attrs={"dir": "auto"}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "dir": "ltr"}),
            "email": forms.EmailInput(attrs={"dir": "ltr"}),
        }

    def __init__(self, *args: Any, personal: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = AdminUnit.objects.filter(level__gte=2).select_related(
            "parent"
        )
        self.fields["partner"].queryset = Organisation.objects.order_by("name_ar")
        self.fields["email"].required = False
        if not personal:
            # Without the right to see contact details, nobody may overwrite them unseen.
            del self.fields["phone"]
            del self.fields["email"]

    def clean_phone(self) -> str:
        return clean_phone_value(self.cleaned_data.get("phone", ""))

    def clean_email(self) -> str:
        value = (self.cleaned_data.get("email") or "").strip()
        if value:
            validators.validate_email(value)
        return value


class StakeholderFilterForm(BaseForm):
    q = forms.CharField(label=_("Name, position or office"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", "—"), *StakeholderKind.choices]
    )
    area = forms.ModelChoiceField(
        label=_("Area"), required=False, queryset=AdminUnit.objects.none()
    )
    inactive = forms.BooleanField(label=_("Include inactive"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = AdminUnit.objects.filter(level__gte=2).select_related(
            "parent"
        )
