"""QR codes for confirmations and badges."""

from __future__ import annotations

import qrcode
import qrcode.image.svg
from django.http import HttpRequest
from django.urls import reverse

from jusoor.events.models import Registration


def check_in_url(request: HttpRequest | None, registration: Registration) -> str:
    """What the QR code holds: the door's check-in page with the code filled in.

    A facilitator's phone camera opens it and one tap checks the person in; typed into the
    form, the code alone works as well.
    """
    path = reverse("events:check_in", args=[registration.event_id]) + f"?code={registration.code}"
    return request.build_absolute_uri(path) if request is not None else path


def qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    return svg.replace("<svg ", '<svg role="img" class="qr" ', 1)
