"""Forms of meetings and events. Dates and numbers accept Eastern Arabic digits."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from jusoor.accounts.models import Organisation
from jusoor.core.forms import BaseForm, BaseModelForm
from jusoor.events.models import (
    Commitment,
    CommitmentStatus,
    CommitmentUpdate,
    Event,
    JoinDialogue,
    MediaEntry,
    Meeting,
    Session,
    Takeaway,
    TakeawayKind,
    Usefulness,
)
from jusoor.geo.models import AdminUnit, Sex
from jusoor.people.forms import clean_phone_value
from jusoor.people.models import Displacement, Stakeholder
from jusoor.programmes.models import Project, ResultNode, TargetGroup


def _https_links(field, **kwargs):  # type: ignore[no-untyped-def]
    """Links typed without a scheme are https (Django 6's default, chosen now)."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _areas():  # type: ignore[no-untyped-def]
    return AdminUnit.objects.filter(level__gte=2).select_related("parent")


class OrganisationScoped(BaseModelForm):
    """Offers only the organisation's own projects, activities, events and meetings."""

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        projects = Project.objects.filter(owner=organisation)
        for name, field in self.fields.items():
            if name == "project":
                field.queryset = projects
            elif name == "activity":
                field.queryset = ResultNode.objects.filter(project__in=projects, kind="activity")
            elif name == "area":
                field.queryset = _areas()
            elif name == "event":
                field.queryset = Event.objects.filter(organisation=organisation)
            elif name == "meeting":
                field.queryset = Meeting.objects.filter(organisation=organisation)


class MeetingForm(OrganisationScoped):
    class Meta:
        model = Meeting
        fields = ["title", "date", "place", "area", "project", "activity", "agenda", "minutes"]
        widgets = {"date": DATE}


class AttendeesForm(BaseForm):
    codes = forms.CharField(
        label=_("Participant codes"),
        widget=forms.Textarea(attrs={"rows": 3, "dir": "ltr"}),
        help_text=_("Codes such as P-7K3Q9, separated by spaces, commas or lines."),
    )

    def code_list(self) -> list[str]:
        return self.cleaned_data["codes"].replace(",", " ").replace("،", " ").split()


class TakeawayForm(BaseModelForm):
    class Meta:
        model = Takeaway
        fields = ["kind", "text", "theme", "area"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3, "dir": "auto"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _areas()


class TakeawaySearchForm(BaseForm):
    q = forms.CharField(label=_("Words"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", "—"), *TakeawayKind.choices]
    )
    theme = forms.CharField(label=_("Theme"), required=False)
    area = forms.ModelChoiceField(
        label=_("Area"), required=False, queryset=AdminUnit.objects.none()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _areas()


class EventForm(OrganisationScoped):
    class Meta:
        model = Event
        fields = [
            "slug",
            "kind",
            "title_ar",
            "title_en",
            "description_ar",
            "description_en",
            "place",
            "area",
            "start_date",
            "end_date",
            "capacity",
            "registration_open",
            "publish_commitments",
            "project",
            "activity",
        ]
        widgets = {"start_date": DATE, "end_date": DATE}


class SessionForm(BaseModelForm):
    class Meta:
        model = Session
        fields = ["kind", "topic", "starts_at", "ends_at", "room", "moderator", "speakers"]
        widgets = {
            "starts_at": DATETIME,
            "ends_at": DATETIME,
            "speakers": forms.Textarea(attrs={"rows": 3}),
        }


class QuotaForm(BaseForm):
    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        current = {q.target_group: q.places for q in event.quotas.all()}
        super().__init__(*args, initial=current, **kwargs)
        for value, label in TargetGroup.choices:
            self.fields[value] = forms.IntegerField(
                label=label, required=False, min_value=0, help_text=_("Empty: no quota.")
            )

    def places(self) -> dict[str, int | None]:
        return {group: self.cleaned_data.get(group) for group in TargetGroup.values}


class PersonDetailsForm(BaseForm):
    """Who someone is, asked on the public page and at the door."""

    name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"dir": "auto", "autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "dir": "ltr", "autocomplete": "tel"}),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    birth_year = forms.IntegerField(
        label=_("Year of birth"), required=False, min_value=1900, max_value=2030
    )
    target_group = forms.ChoiceField(label=_("You take part as"), choices=TargetGroup.choices)
    affiliation = forms.CharField(
        label=_("Organisation or office (if any)"), max_length=200, required=False
    )
    area = forms.ModelChoiceField(
        label=_("Area where you live"), queryset=AdminUnit.objects.none(), required=False
    )
    displacement = forms.ChoiceField(
        label=_("Displacement status"), choices=Displacement.choices, initial=Displacement.RESIDENT
    )
    disability = forms.BooleanField(label=_("I have a disability"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _areas()

    def clean_phone(self) -> str:
        return clean_phone_value(self.cleaned_data.get("phone", ""))


class PublicRegistrationForm(PersonDetailsForm):
    participation = forms.BooleanField(
        label=_(
            "I agree to take part and that my attendance is counted in the programme's figures (my name and phone are kept private)"
        ),
        error_messages={"required": _("You can only register if you agree to take part.")},
    )
    photos = forms.BooleanField(label=_("I agree to be photographed"), required=False)
    follow_up = forms.BooleanField(label=_("You may contact me after the event"), required=False)
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # left empty by people

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Leave this field empty."))
        return ""


class WalkInForm(PersonDetailsForm):
    code = forms.CharField(
        label=_("Participant code, if already registered"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    is_guest = forms.BooleanField(label=_("Guest of a partner organisation"), required=False)
    guest_of = forms.ModelChoiceField(
        label=_("Guest team of"), required=False, queryset=Organisation.objects.all()
    )
    photos = forms.BooleanField(label=_("Agrees to be photographed"), required=False)
    participation = PublicRegistrationForm.base_fields["participation"]

    field_order = [
        "code",
        "name",
        "phone",
        "sex",
        "birth_year",
        "target_group",
        "affiliation",
        "area",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("name", "sex", "target_group"):
            self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("code"):
            for name in ("name", "sex", "target_group"):
                if not data.get(name):
                    self.add_error(name, _("Needed for someone who is not registered yet."))
        return data


class CheckInForm(BaseForm):
    code = forms.CharField(
        label=_("Code on the confirmation (type it or scan the QR code)"),
        max_length=300,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "dir": "ltr",
                "autocapitalize": "characters",
            }
        ),
    )
    session = forms.ModelChoiceField(
        label=_("Session"),
        required=False,
        queryset=Session.objects.none(),
        empty_label=_("Arrival at the event"),
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = event.sessions.all()


class CommitmentForm(BaseModelForm):
    class Meta:
        model = Commitment
        fields = ["what", "owner", "due_date", "status", "is_public", "takeaway"]
        widgets = {"due_date": DATE, "what": forms.Textarea(attrs={"rows": 3, "dir": "auto"})}

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["takeaway"].queryset = Takeaway.objects.filter(
            session__event=event, kind=TakeawayKind.SOLUTION
        )


class CommitmentUpdateForm(BaseModelForm):
    status = forms.ChoiceField(label=_("Status now"), choices=CommitmentStatus.choices)

    class Meta:
        model = CommitmentUpdate
        formfield_callback = _https_links
        fields = ["date", "note", "link"]
        widgets = {"date": DATE, "note": forms.Textarea(attrs={"rows": 3, "dir": "auto"})}


class MediaForm(OrganisationScoped):
    class Meta:
        model = MediaEntry
        formfield_callback = _https_links
        fields = [
            "outlet",
            "kind",
            "link",
            "date",
            "language",
            "reach",
            "event",
            "meeting",
            "activity",
            "note",
        ]
        widgets = {"date": DATE}


class StakeholderAttendeesForm(BaseForm):
    stakeholders = forms.ModelMultipleChoiceField(
        label=_("From the stakeholder directory"),
        queryset=Stakeholder.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (or long-press on a phone) to choose several."),
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stakeholders"].queryset = (
            Stakeholder.objects.filter(organisation_id=meeting.organisation_id, is_active=True)
            .exclude(meetings=meeting)
            .select_related("area")
            .order_by("kind", "name")
        )
        self.fields["stakeholders"].label_from_instance = _stakeholder_label


def _stakeholder_label(stakeholder: Stakeholder) -> str:
    parts = [stakeholder.name, stakeholder.position or stakeholder.get_kind_display()]
    if stakeholder.area_id:
        parts.append(str(stakeholder.area))
    return " — ".join(str(p) for p in parts if p)


class FeedbackForm(BaseForm):
    """Four questions after the event, Arabic first, no account."""

    usefulness = forms.TypedChoiceField(
        label=_("How useful was the event for you?"),
        choices=Usefulness.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    learned = forms.CharField(
        label=_("What did you learn?"),
        required=False,
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    improve = forms.CharField(
        label=_("What should we do better?"),
        required=False,
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    join_dialogue = forms.ChoiceField(
        label=_("Would you join the community dialogue?"),
        choices=JoinDialogue.choices,
        widget=forms.RadioSelect,
    )
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # left empty by people

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Leave this field empty."))
        return ""
