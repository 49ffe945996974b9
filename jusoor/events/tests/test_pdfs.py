import io
import unicodedata

import pypdf
from django.urls import reverse
from django.utils import timezone

from jusoor.core.models import AuditEvent
from jusoor.events.models import Registration
from jusoor.events.tests.builders import make_event, make_registration


def _text(response) -> str:  # type: ignore[no-untyped-def]
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Shaped Arabic is stored as presentation forms; NFKC folds them back to letters.
    return unicodedata.normalize("NFKC", text)


def test_attendance_sheet_has_arabic_names_in_reading_order_and_a_signature_column(client, world):
    registration = make_registration(world, name="فاطمة علي حسن", sex="f")
    client.force_login(world.users["shams_facilitator"])
    text = _text(client.get(reverse("events:attendance_sheet", args=[registration.event_id])))
    assert "فاطمة علي حسن" in text
    assert "أنثى" in text or "Female" in text
    assert AuditEvent.objects.filter(action="export.attendance_sheet").exists()


def test_attendance_sheet_of_many_people_runs_over_several_pages(client, world):
    event = make_event(world)
    for i in range(20):
        make_registration(world, event, phone=f"077000001{i:02d}")
    client.force_login(world.users["shams_admin"])
    response = client.get(reverse("events:attendance_sheet", args=[event.pk]))
    assert len(pypdf.PdfReader(io.BytesIO(response.content)).pages) == 2


def test_badges_carry_the_check_in_code(client, world):
    registration = make_registration(world)
    client.force_login(world.users["shams_facilitator"])
    text = _text(client.get(reverse("events:badges", args=[registration.event_id])))
    assert registration.code in text and "عبد الله محمد حسين الدليمي" in text


def test_certificate_names_the_person_and_the_event(client, world):
    registration = make_registration(world)
    Registration.objects.filter(pk=registration.pk).update(checked_in_at=timezone.now())
    client.force_login(world.users["shams_facilitator"])
    text = _text(client.get(reverse("events:certificate", args=[registration.pk])))
    assert "عبد الله محمد حسين الدليمي" in text and "مؤتمر الوقاية والصد" in text
