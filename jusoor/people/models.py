"""The participant registry: pseudonymous people, their consent, and deduplication history.

Names, phones and exact addresses are encrypted at rest; everything else (sex, age band, target
group, area) is what counts are made of and stays readable. A person who withdraws consent keeps
a tombstone with those fields only, so past counts do not change.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jusoor.core.fields import BlindIndexField, EncryptedTextField
from jusoor.engines.arabic import normalise_phone
from jusoor.geo.models import AgeBand, Sex
from jusoor.programmes.models import TargetGroup

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed


def new_code(prefix: str, length: int = 5) -> str:
    return prefix + "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def youth_band() -> tuple[int, int]:
    """Youngest and oldest age counted as youth (15–29 unless settings say otherwise)."""
    return tuple(getattr(settings, "JUSOOR_YOUTH_AGE_BAND", (15, 29)))  # type: ignore[return-value]


def age_band_for(age: int) -> str:
    for band, low in (
        (AgeBand.FROM_60, 60),
        (AgeBand.FROM_45, 45),
        (AgeBand.FROM_30, 30),
        (AgeBand.FROM_25, 25),
        (AgeBand.FROM_18, 18),
        (AgeBand.FROM_15, 15),
    ):
        if age >= low:
            return band
    return AgeBand.UNDER_15


class Displacement(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    IDP = "idp", _("Internally displaced")
    RETURNEE = "returnee", _("Returnee")


class Person(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    code = models.CharField(_("code"), max_length=12, unique=True, editable=False)
    name = EncryptedTextField(_("full name"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_index = BlindIndexField(source="phone", normaliser=normalise_phone)
    address = EncryptedTextField(_("address"), blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    age_band = models.CharField(_("age band"), max_length=8, choices=AgeBand.choices, blank=True)
    target_group = models.CharField(
        _("target group"), max_length=30, choices=TargetGroup.choices, blank=True
    )
    affiliation = models.CharField(
        _("organisation or office"),
        max_length=200,
        blank=True,
        help_text=_("Where the person comes from: a council, a ministry, a partner NGO."),
    )
    disability = models.BooleanField(_("has a disability"), default=False)
    displacement = models.CharField(
        _("displacement status"),
        max_length=10,
        choices=Displacement.choices,
        default=Displacement.RESIDENT,
    )
    area = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
    )
    withdrawn_at = models.DateTimeField(_("consent withdrawn"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        # The code only: this is what audit entries and logs keep.
        return self.code

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        if not self.code:
            self.code = new_code("P-")
            while Person.objects.filter(code=self.code).exists():
                self.code = new_code("P-")
        if self.birth_year and not self.age_band:
            self.age_band = age_band_for(dt.date.today().year - self.birth_year)
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.merged_into_id is None and self.withdrawn_at is None

    def age_in(self, year: int) -> int | None:
        return year - self.birth_year if self.birth_year else None

    def is_youth(self, year: int | None = None) -> bool:
        low, high = youth_band()
        age = self.age_in(year or timezone.now().year)
        if age is not None:
            return low <= age <= high
        if not self.age_band or self.age_band.endswith("+"):
            return False
        band_low, band_high = (int(x) for x in self.age_band.split("-"))
        return low <= band_low and band_high <= high


class Consent(models.Model):
    """What a person agreed to, when, and who wrote it down. The latest row is the one in force."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    participation = models.BooleanField(_("takes part and is counted"), default=True)
    photos = models.BooleanField(_("may be photographed"), default=False)
    follow_up = models.BooleanField(_("may be contacted later"), default=False)
    given_at = models.DateTimeField(_("when"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField(_("how"), max_length=60, blank=True)
    withdrawn = models.BooleanField(_("withdrawal"), default=False)

    class Meta:
        ordering = ["-given_at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.person} {self.given_at:%Y-%m-%d}"


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", _("To review")
    CONFIRMED = "confirmed", _("Same person (merged)")
    REJECTED = "rejected", _("Different people")


class DuplicateSuggestion(models.Model):
    """A pair the matcher thinks may be one person, waiting for a person to decide."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    left = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"))
    likely = models.BooleanField(_("likely the same"), default=False)
    reasons = models.JSONField(_("why"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-likely", "-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["left", "right"], name="one_suggestion_per_pair")
        ]
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")

    def __str__(self) -> str:
        return f"{self.left} ~ {self.right} ({self.score})"


class Merge(models.Model):
    """One person folded into another: what moved, by whom, and whether it was undone."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_absorbed")
    suggestion = models.ForeignKey(
        DuplicateSuggestion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moved = models.JSONField(_("records moved"), default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-id"]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")

    def __str__(self) -> str:
        return f"{self.merged} → {self.survivor}"


class ImportStatus(models.TextChoices):
    DRAFT = "draft", _("Being checked")
    DONE = "done", _("Imported")


class ImportBatch(models.Model):
    """An uploaded participant list kept (encrypted) between mapping, preview and import."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(_("file"), max_length=200)
    content = EncryptedTextField(_("rows"))  # JSON: {"headers": [...], "rows": [[...], ...]}
    mapping = models.JSONField(_("columns"), default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.DRAFT
    )
    meeting = models.ForeignKey(
        "events.Meeting",
        verbose_name=_("add the people to this meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("participant list import")
        verbose_name_plural = _("participant list imports")

    def __str__(self) -> str:
        return self.filename


class StakeholderKind(models.TextChoices):
    MAYOR = "mayor", _("Mayor or head of a district or sub-district")
    SUB_COMMITTEE = "sub_committee", _("Member of the sub-committee")
    OFFICIAL = "official", _("Government official")
    PARTNER_STAFF = "partner_staff", _("Staff of a partner organisation")
    COMMUNITY_LEADER = "community_leader", _("Tribal, religious or community leader")
    OTHER = "other", _("Other")


class Stakeholder(models.Model):
    """Someone the programme works with in their public capacity: a mayor, a member of the
    counter-extremism sub-committee, an official, a partner's staff member.

    Unlike participants they are not counted in reach: they are whom the programme meets, not
    whom it serves. Their name and office are visible to the organisation's members; their phone
    and e-mail are personal data, encrypted and shown only to roles that may see personal data.
    """

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="stakeholders",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=StakeholderKind.choices)
    name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(
        _("position"), max_length=200, blank=True, help_text=_("For example: قائممقام قضاء هيت.")
    )
    affiliation = models.CharField(
        _("organisation or office"),
        max_length=200,
        blank=True,
        help_text=_("A council, a ministry, a directorate, a partner NGO."),
    )
    partner = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation in Jusoor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("If the office is an organisation that has an account here."),
    )
    area = models.ForeignKey(
        "geo.AdminUnit",
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_index = BlindIndexField(source="phone", normaliser=normalise_phone)
    email = EncryptedTextField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["kind", "name", "id"]
        verbose_name = _("stakeholder")
        verbose_name_plural = _("stakeholders")

    def __str__(self) -> str:
        return f"{self.name} — {self.position}" if self.position else self.name

    @property
    def office(self) -> str:
        """The organisation as written, or the one with an account here."""
        return self.affiliation or (str(self.partner) if self.partner_id else "")
