"""Template filters shared by every page."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.translation import get_language

register = template.Library()


@register.filter
def names(items: Iterable[object]) -> str:
    """Join names with the comma of the active language (، in Arabic)."""
    separator = "، " if (get_language() or "ar").startswith("ar") else ", "
    return separator.join(str(item) for item in items)


@register.filter
def has(capabilities: Iterable[str], name: str) -> bool:
    return name in capabilities
