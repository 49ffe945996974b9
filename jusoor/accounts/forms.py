from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jusoor.accounts.models import Organisation, User
from jusoor.accounts.roles import Role
from jusoor.core.forms import BaseForm, BaseModelForm


class MemberForm(BaseForm):
    username = forms.CharField(label=_("Username of the person"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise forms.ValidationError(_("No account has this username."))
        return user


class RoleForm(BaseForm):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class LanguageForm(BaseForm):
    language = forms.ChoiceField(choices=[("ar", "العربية"), ("en", "English")])
    next = forms.CharField(required=False)


class OrganisationForm(BaseModelForm):
    class Meta:
        model = Organisation
        fields = ["name_ar", "name_en", "acronym", "kind", "iati_ref", "website"]
        widgets = {
            "name_ar": forms.TextInput(attrs={"dir": "rtl"}),
            "name_en": forms.TextInput(attrs={"dir": "ltr"}),
            "iati_ref": forms.TextInput(attrs={"dir": "ltr"}),
            "website": forms.URLInput(attrs={"dir": "ltr"}),
        }


class CodeForm(BaseForm):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "dir": "ltr"}
        ),
        help_text=_("The 6 digits your authenticator app shows, or one of your recovery codes."),
    )

    def clean_code(self) -> str:
        from jusoor.engines.arabic import to_western_digits

        return to_western_digits(self.cleaned_data["code"]).strip()
