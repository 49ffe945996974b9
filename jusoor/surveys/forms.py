from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jusoor.accounts.models import User
from jusoor.core.forms import BaseForm
from jusoor.surveys import kobo_import
from jusoor.surveys.analysis.columns import analysable, find_roles
from jusoor.surveys.models import Form, SubmissionStatus
from jusoor.surveys.xlsform import label_of

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class UploadForm(BaseForm):
    file = forms.FileField(
        label=_("XLSForm file (.xlsx)"),
        help_text=_(
            "Mark personal-data questions with a column jusoor::pii (yes). A file with the "
            "form_id of a form already here becomes its new version."
        ),
    )
    key_informant = forms.BooleanField(
        label=_("This is a key-informant interview guide"), required=False
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class StatusForm(BaseForm):
    status = forms.ChoiceField(label=_("status"), choices=SubmissionStatus.choices)
    comment = forms.CharField(
        label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SubmissionFilterForm(BaseForm):
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=[("", _("any"))] + SubmissionStatus.choices
    )
    enumerator = forms.ModelChoiceField(
        label=_("enumerator"), required=False, queryset=User.objects.none()
    )
    received_from = forms.DateField(label=_("received from"), required=False)
    received_to = forms.DateField(label=_("received until"), required=False)

    def __init__(self, *args, form: Form, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["enumerator"].queryset = User.objects.filter(
            survey_submissions__form=form
        ).distinct()
        # The area question (named or tagged as the analysis recognises it), when the form has
        # one: its answers are filtered on in the stored answers.
        self.area_path = ""
        version = form.current_version
        area = find_roles(analysable(version)).get("area") if version else None
        if area is not None:
            language = get_language() or "ar"
            self.area_path = area.path
            self.fields["area"] = forms.ChoiceField(
                label=_("area"),
                required=False,
                choices=[("", _("any"))]
                + [
                    (c["name"], label_of(c, language, version.default_language))
                    for c in area.choices
                ],
            )

    def filter(self, submissions: QuerySet) -> QuerySet:
        """The submissions that match the valid filters."""
        data = self.cleaned_data
        if data["status"]:
            submissions = submissions.filter(status=data["status"])
        if data["enumerator"]:
            submissions = submissions.filter(enumerator=data["enumerator"])
        if data["received_from"]:
            submissions = submissions.filter(received_at__date__gte=data["received_from"])
        if data["received_to"]:
            submissions = submissions.filter(received_at__date__lte=data["received_to"])
        if self.area_path and data.get("area"):
            submissions = submissions.filter(**{f"answers__{self.area_path}": data["area"]})
        return submissions


FORMAT_CHOICES = [
    ("csv", _("CSV (UTF-8)")),
    ("xlsx", _("Excel (XLSX)")),
    ("sav", _("SPSS (.sav)")),
]
HEADER_CHOICES = [
    ("ar", _("labels in Arabic")),
    ("en", _("labels in English")),
    ("xml", _("XML names and values")),
]


class ExportForm(BaseForm):
    format = forms.ChoiceField(label=_("format"), choices=FORMAT_CHOICES)
    headers = forms.ChoiceField(
        label=_("headers and values"), choices=HEADER_CHOICES, initial="xml"
    )
    hxl = forms.BooleanField(label=_("add an HXL hashtag row (CSV)"), required=False)
    personal_data = forms.BooleanField(
        label=_("include personal-data columns (recorded in the audit log)"), required=False
    )


class ImportForm(BaseForm):
    file = forms.FileField(
        label=_("KoboToolbox export (.xlsx or .csv) or ODK Central export (.zip)"),
        help_text=_(
            "Labels or XML values, with or without group names; CSV in UTF-8 or Windows-1256."
        ),
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        if upload.size > 100 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 100 MB."))
        if not upload.name.lower().endswith(kobo_import.FILE_SUFFIXES):
            raise forms.ValidationError(kobo_import.WRONG_FILE_TYPE)
        return upload


class TokenForm(BaseForm):
    label = forms.CharField(label=_("label (e.g. the phone)"), required=False, max_length=100)
    forms = forms.ModelMultipleChoiceField(
        label=_("forms"), queryset=Form.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, queryset, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["forms"].queryset = queryset
