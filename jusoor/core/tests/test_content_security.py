"""Pages keep to a Content Security Policy without inline scripts or styles."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from jusoor.core.paths import REPOSITORY

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)


def templates() -> list[Path]:
    return sorted(p for p in (REPOSITORY / "jusoor").rglob("templates/**/*.html"))


@pytest.mark.parametrize("path", templates(), ids=lambda p: str(p.relative_to(REPOSITORY)))
def test_template_has_no_inline_script_handler_or_style(path):
    text = path.read_text(encoding="utf-8")
    if path.name == "500.html":
        return  # rendered without context or static files; it has no script either
    assert not INLINE_SCRIPT.search(text), "move the script to a static file"
    assert not INLINE_HANDLER.search(text), "attach handlers from a static script"
    assert not INLINE_STYLE.search(text), "use a class in the stylesheet"


@pytest.mark.django_db
def test_every_page_carries_the_policy(client):
    response = client.get(reverse("geo:units"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "camera=(self)" in response["Permissions-Policy"]
