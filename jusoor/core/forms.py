"""Form helpers shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from jusoor.engines.arabic import to_western_digits

_NUMERIC_FIELDS = (
    forms.IntegerField,
    forms.DecimalField,
    forms.FloatField,
    forms.DateField,
    forms.TimeField,
    forms.DateTimeField,
)


class ArabicDigitsMixin:
    """Accept Eastern Arabic digits (٠١٢٣) wherever a number or a date is typed.

    Number fields are rendered as text with a numeric keyboard hint, because browsers' own number
    inputs refuse Arabic digits.
    """

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        data = getattr(self, "data", None)
        for field in self.fields.values():
            if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField) and (
                not isinstance(field.widget, forms.HiddenInput)
            ):
                field.widget = forms.TextInput(attrs={**field.widget.attrs, "inputmode": "decimal"})
        if data is not None and hasattr(data, "copy"):
            data = data.copy()
            for name, field in self.fields.items():
                key = self.add_prefix(name)  # type: ignore[attr-defined]
                if isinstance(field, _NUMERIC_FIELDS) and isinstance(data.get(key), str):
                    data[key] = to_western_digits(data[key]).strip()
            self.data = data


class BaseForm(ArabicDigitsMixin, forms.Form):
    pass


class BaseModelForm(ArabicDigitsMixin, forms.ModelForm):
    pass


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError next to the fields it names, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
