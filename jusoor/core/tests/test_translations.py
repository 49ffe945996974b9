"""Both languages are complete, compiled, and actually used by the pages."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LOCALE = Path(settings.LOCALE_PATHS[0])


def parse_po(path: Path) -> list[dict]:
    """Minimal .po reader: enough to find untranslated and fuzzy entries."""
    entries, current, key = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if current:
                entries.append(current)
            current, key = None, None
            continue
        current = current or {"flags": "", "ctx": None, "msgid": "", "plural": None, "msgstr": {}}
        if line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("msgctxt "):
            key = None
            current["ctx"] = eval(line[8:])  # noqa: S307
        elif line.startswith("msgid "):
            key = "msgid"
            current["msgid"] = eval(line[6:])  # noqa: S307  (a quoted .po string)
        elif line.startswith("msgid_plural"):
            key = "plural"
            current["plural"] = eval(line[13:])  # noqa: S307
        elif line.startswith("msgstr"):
            index = re.match(r"msgstr(?:\[(\d)\])?", line).group(1) or "0"
            key = ("msgstr", index)
            current["msgstr"][index] = eval(line.split(" ", 1)[1])  # noqa: S307
        elif line.startswith('"') and key == "msgid":
            current["msgid"] += eval(line)  # noqa: S307
        elif line.startswith('"') and key == "plural":
            current["plural"] += eval(line)  # noqa: S307
        elif line.startswith('"') and isinstance(key, tuple):
            current["msgstr"][key[1]] += eval(line)  # noqa: S307
    return [e for e in entries if e["msgid"]]


@pytest.mark.parametrize("language", ["ar", "en"])
def test_po_file_has_no_untranslated_or_fuzzy_entry(language):
    entries = parse_po(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert len(entries) > 100
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("language", ["ar", "en"])
def test_compiled_catalogue_matches_the_po_file(language):
    entries = parse_po(LOCALE / language / "LC_MESSAGES" / "django.po")
    with open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    stale = [
        e["msgid"]
        for e in entries
        if (
            catalogue.pgettext(e["ctx"], e["msgid"]) != e["msgstr"]["0"]
            if e["ctx"] is not None
            else catalogue.gettext(e["msgid"]) != e["msgstr"]["0"]
            if e["plural"] is None
            else catalogue.ngettext(e["msgid"], e["plural"], 1) not in e["msgstr"].values()
        )
    ]
    assert stale == [], "run `python manage.py compilemessages`"


def test_arabic_placeholders_match_the_english(language="ar"):
    for entry in parse_po(LOCALE / language / "LC_MESSAGES" / "django.po"):
        wanted = sorted(re.findall(r"%\(\w+\)[sd]", entry["msgid"]))
        for form, text in entry["msgstr"].items():
            found = sorted(re.findall(r"%\(\w+\)[sd]", text))
            if entry["plural"] is not None and form in ("0", "1", "2"):
                # Arabic says "no row", "one row", "two rows" in words: the zero, one and two
                # forms may leave the count out, but nothing else.
                assert set(found) <= set(wanted), entry["msgid"]
            else:
                assert found == wanted, entry["msgid"]


@pytest.mark.django_db
def test_arabic_page_shows_no_english_interface_text(client):
    html = client.get(reverse("geo:units")).content.decode()
    assert 'dir="rtl"' in html
    assert "Gazetteer" not in html and "Sign in" not in html
    assert "تسجيل الدخول" in html or "الدخول" in html


@pytest.mark.django_db
def test_english_page_is_left_to_right(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("geo:units")).content.decode()
    assert '<html lang="en" dir="ltr">' in html and "Sign in" in html
