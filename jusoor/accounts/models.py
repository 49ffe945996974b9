"""People who log in, the organisations they belong to, and their roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jusoor.accounts.roles import Role
from jusoor.core.fields import BlindIndexField, EncryptedTextField


def phone_key(value: str) -> str | None:
    """Phones compare in E.164 form, whatever way they were typed."""
    from jusoor.engines.arabic.phone import normalise_phone

    return normalise_phone(value)


class User(AbstractUser):
    language = models.CharField(
        _("language"), max_length=8, choices=[("ar", "العربية"), ("en", "English")], default="ar"
    )
    phone = EncryptedTextField(_("phone"), blank=True, default="")
    phone_hash = BlindIndexField(source="phone", normaliser=phone_key)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class OrganisationKind(models.TextChoices):
    NGO = "ngo", _("Non-governmental organisation")
    INTERNATIONAL_NGO = "international_ngo", _("International NGO")
    UN_AGENCY = "un_agency", _("UN agency")
    DONOR_GOVERNMENT = "donor_government", _("Donor government")
    GOVERNMENT_BODY = "government_body", _("Government body")
    COMMUNITY_ORGANISATION = "community_organisation", _("Community organisation")


# IATI OrganisationType codes, for the activity XML.
IATI_ORGANISATION_TYPE = {
    OrganisationKind.NGO: "22",
    OrganisationKind.INTERNATIONAL_NGO: "21",
    OrganisationKind.UN_AGENCY: "40",
    OrganisationKind.DONOR_GOVERNMENT: "10",
    OrganisationKind.GOVERNMENT_BODY: "10",
    OrganisationKind.COMMUNITY_ORGANISATION: "23",
}


class Bilingual:
    """Models with ``<name>_ar`` and ``<name>_en`` fields show the one of the active language."""

    def in_language(self, name: str, language: str | None = None) -> str:
        language = (language or get_language() or "ar")[:2]
        first, second = (
            (f"{name}_en", f"{name}_ar")
            if language == "en"
            else (
                f"{name}_ar",
                f"{name}_en",
            )
        )
        return getattr(self, first) or getattr(self, second)


def default_two_factor_roles() -> list[str]:
    """Administrators and M&E officers hold the keys to personal data: 2FA on by default."""
    return [Role.ADMIN.value, Role.ME_OFFICER.value]


class translated:
    """``title = translated()`` on a Bilingual model reads ``title_ar`` or ``title_en`` by language."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: object, owner: type | None = None) -> object:
        if instance is None:
            return self
        return instance.in_language(self.name)  # type: ignore[attr-defined]


class Organisation(Bilingual, models.Model):
    slug = models.SlugField(_("short name in addresses"), max_length=60, unique=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    iati_ref = models.CharField(
        _("IATI organisation identifier"),
        max_length=100,
        blank=True,
        help_text=_("For example XM-DAC-41114 for UNDP."),
    )
    website = models.URLField(_("website"), blank=True)
    two_factor_roles = models.JSONField(
        _("roles that must use two-factor sign-in"),
        default=default_two_factor_roles,
        blank=True,
        help_text=_("Members with these roles set up an authenticator app before they can work."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name_en", "name_ar"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.in_language("name")

    name = translated()


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


class TwoFactorDevice(models.Model):
    """An authenticator app (TOTP, RFC 6238) bound to one account."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor")
    secret = EncryptedTextField(_("secret"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # The last time step accepted: a code is never accepted twice (no replay).
    last_step = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("two-factor device")
        verbose_name_plural = _("two-factor devices")

    def __str__(self) -> str:
        return f"{self.user} TOTP"


class RecoveryCode(models.Model):
    """A single-use code for when the phone with the authenticator is lost; stored hashed."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64, db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self) -> str:
        return f"{self.user} recovery code"
