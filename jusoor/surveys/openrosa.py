"""Reading and writing submission XML, and the OpenRosa response documents.

Submissions come from phones we do not control, so they are parsed with defusedxml: a DTD (and
with it every entity trick: billion laughs, external entities) is refused outright.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from xml.etree import ElementTree as ET  # noqa: S405  (only to build documents, never to parse)

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from lxml import etree as LXML  # only to build documents; parsing goes through defusedxml

OPENROSA_VERSION = "1.0"
FORMLIST_NS = "http://openrosa.org/xforms/xformsList"
RESPONSE_NS = "http://openrosa.org/http/response"

# HTTP Digest (RFC 7616, MD5 with qop=auth: what ODK Collect's HTTP client speaks). The realm is
# part of every stored HA1, so changing it invalidates them all.
DIGEST_REALM = "Jusoor"
# A nonce is good for this long; after it the phone is told ``stale=true`` and retries by itself.
DIGEST_NONCE_SECONDS = 600
# How far apart the clocks of the servers answering one phone may be: a nonce stamped this much in
# the future is still taken, and a nonce's uses are remembered this much past its end.
DIGEST_CLOCK_SKEW_SECONDS = 60
_AUTH_PARAM = re.compile(r'([A-Za-z][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


class SubmissionXMLError(ValueError):
    pass


@dataclass
class ParsedSubmission:
    form_id: str
    version: str
    instance_id: str
    deprecated_id: str
    root: Any  # the parsed root element
    sha256: str


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if "}" in tag else tag.split(":")[-1]


def parse_submission(raw: bytes) -> ParsedSubmission:
    try:
        root = fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise SubmissionXMLError(
            _("The submission XML declares a DTD or entities, which are refused.")
        ) from exc
    except ET.ParseError as exc:
        raise SubmissionXMLError(
            _("The submission is not well-formed XML: %(error)s") % {"error": exc}
        ) from exc
    # ODK Collect names the form ``id``; KoboToolbox's stored instances (formpack) ``id_string``.
    form_id = root.get("id") or root.get("id_string") or ""
    if not form_id:
        raise SubmissionXMLError(_("The submission's root element has no form id attribute."))
    meta = {}
    for child in root:
        if _local(child.tag) == "meta":
            meta = {_local(m.tag): (m.text or "").strip() for m in child}
    instance_id = meta.get("instanceID", "")
    if not instance_id:
        raise SubmissionXMLError(_("The submission has no meta/instanceID."))
    return ParsedSubmission(
        form_id=form_id,
        version=root.get("version") or "",
        instance_id=instance_id,
        deprecated_id=meta.get("deprecatedID", ""),
        root=root,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def answers_from_xml(root: Any, repeat_paths: set[str]) -> dict[str, Any]:
    """{question path: value}; a repeat's path holds a list of such dicts, one per entry."""
    answers: dict[str, Any] = {}
    _collect(root, "", repeat_paths, answers)
    return answers


def _collect(element: Any, prefix: str, repeats: set[str], into: dict[str, Any]) -> None:
    for child in element:
        path = f"{prefix}{_local(child.tag)}"
        if path in repeats:
            entry: dict[str, Any] = {}
            _collect(child, f"{path}/", repeats, entry)
            into.setdefault(path, []).append(entry)
        elif len(child):
            _collect(child, f"{path}/", repeats, into)
        else:
            text = (child.text or "").strip()
            if text:
                into[path] = text


def split_personal(
    answers: dict[str, Any], personal: set[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Take personal-data answers out: (plain answers, personal answers), same shape."""
    plain: dict[str, Any] = {}
    private: dict[str, Any] = {}
    for key, value in answers.items():
        if isinstance(value, list):
            parts = [split_personal(entry, personal) for entry in value]
            plain[key] = [p for p, _ in parts]
            if any(q for _, q in parts):
                private[key] = [q for _, q in parts]
        elif key in personal:
            private[key] = value
        else:
            plain[key] = value
    return plain, private


def merge_personal(plain: dict[str, Any], private: dict[str, Any]) -> dict[str, Any]:
    merged = dict(plain)
    for key, value in private.items():
        if isinstance(value, list):
            entries = merged.get(key) or [{} for _ in value]
            merged[key] = [
                merge_personal(entry, extra) for entry, extra in zip(entries, value, strict=False)
            ]
        else:
            merged[key] = value
    return merged


def build_xml(
    definition: dict[str, Any], form_id: str, version: str, answers: dict[str, Any]
) -> bytes:
    """The XML ODK Collect would send for these answers (used by imports and the demo).

    Built with lxml (an import builds one per row; about 1.5 times as fast as the standard
    library's writer here). Characters XML cannot hold (control characters a spreadsheet cell
    may carry) are left out of the document; the answers keep them."""
    root = LXML.Element(definition.get("name") or "data", {"id": form_id, "version": version})
    _build(root, definition.get("children") or [], "", answers)
    return LXML.tostring(root, encoding="utf-8", xml_declaration=False)


_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _build(parent: Any, children: list[dict[str, Any]], prefix: str, answers: dict[str, Any]):
    for child in children:
        name = child.get("name")
        if not name:
            continue
        path = f"{prefix}{name}"
        kind = child.get("type")
        if kind == "repeat":
            for entry in answers.get(path) or []:
                element = LXML.SubElement(parent, name)
                _build(element, child.get("children") or [], f"{path}/", entry)
        elif kind == "group" or child.get("children"):
            element = LXML.SubElement(parent, name)
            _build(element, child.get("children") or [], f"{path}/", answers)
        else:
            element = LXML.SubElement(parent, name)
            value = answers.get(path)
            if value not in (None, ""):
                element.text = _NOT_IN_XML.sub("", str(value))


def form_list_xml(entries: list[dict[str, str]]) -> bytes:
    root = ET.Element("xforms", {"xmlns": FORMLIST_NS})
    for entry in entries:
        xform = ET.SubElement(root, "xform")
        for key in ("formID", "name", "version", "hash", "downloadUrl"):
            ET.SubElement(xform, key).text = entry[key]
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")


@lru_cache(maxsize=256)
def response_xml(message: str, nature: str = "") -> bytes:
    """The OpenRosa answer document; the same few messages are sent thousands of times."""
    root = ET.Element("OpenRosaResponse", {"xmlns": RESPONSE_NS})
    attributes = {"nature": nature} if nature else {}
    ET.SubElement(root, "message", attributes).text = message
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")


# --- HTTP Digest ---------------------------------------------------------------------------------


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()


def digest_ha1(username: str, password: str, realm: str = DIGEST_REALM) -> str:
    """What the server keeps instead of the password: MD5(username:realm:password)."""
    return _md5(f"{username}:{realm}:{password}")


def make_nonce(now: float | None = None) -> str:
    """A nonce the server can check later without storing it: time stamp, salt and their HMAC.

    The random salt makes every challenge new: a phone refused for a spent nonce is given
    another, even within the same second, and no two phones are given the same one.
    """
    body = f"{int(time.time() if now is None else now)}.{secrets.token_hex(8)}"
    return f"{body}.{_nonce_mac(body)}"


def _nonce_mac(body: str) -> str:
    return salted_hmac("jusoor.openrosa.nonce", body).hexdigest()[:32]


def nonce_age(nonce: str, now: float | None = None) -> float | None:
    """Seconds since this server made ``nonce``, or None when it did not make it.

    A nonce without a salt (``stamp.mac``, made before the salt was added) still reads.
    """
    body, _dot, mac = nonce.rpartition(".")
    stamp = body.partition(".")[0]
    if not stamp.isdigit() or not hmac.compare_digest(mac, _nonce_mac(body)):
        return None
    return (time.time() if now is None else now) - int(stamp)


def nonce_use_key(params: dict[str, str]) -> str:
    """What identifies one use of a nonce: the nonce, request count, client nonce and user name.

    RFC 7616 wants each (nonce, nc, cnonce) taken once. The server keeps no record of whom it
    gave a nonce to, so two phones may answer the same one: the user name keeps their counts
    apart. All of it crossed the network in clear, so a plain SHA-256 is enough; it only makes
    the key short and of one length. (A keyed hash would change with the personal-data key, and
    a rotation would then forget the uses of live nonces.)
    """
    parts = [params.get(name, "") for name in ("nonce", "nc", "cnonce", "username")]
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()


def digest_challenge(stale: bool = False, basic: bool = True) -> str:
    """The ``WWW-Authenticate`` value: Digest first (what Collect prefers), then Basic."""
    stale_part = ", stale=true" if stale else ""
    challenge = (
        f'Digest realm="{DIGEST_REALM}", qop="auth", algorithm=MD5, '
        f'nonce="{make_nonce()}", opaque="{_md5(DIGEST_REALM)}"{stale_part}'
    )
    return challenge + (f', Basic realm="{DIGEST_REALM}", charset="UTF-8"' if basic else "")


def parse_digest(header: str) -> dict[str, str] | None:
    """The parameters of an ``Authorization: Digest ...`` header, or None for another scheme."""
    scheme, _space, rest = header.strip().partition(" ")
    if scheme.lower() != "digest":
        return None
    params = {}
    for match in _AUTH_PARAM.finditer(rest):
        quoted = match.group(2)
        value = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else match.group(3)
        params[match.group(1).lower()] = value
    return params


def digest_response(ha1: str, method: str, params: dict[str, str]) -> str:
    """The ``response`` a client holding ``ha1`` must send (qop=auth)."""
    ha2 = _md5(f"{method}:{params.get('uri', '')}")
    return _md5(
        f"{ha1}:{params.get('nonce', '')}:{params.get('nc', '')}:"
        f"{params.get('cnonce', '')}:{params.get('qop', '')}:{ha2}"
    )
