import datetime as dt

from django.db import connection
from django.urls import reverse

from jusoor.core.models import AuditEvent
from jusoor.events import services
from jusoor.events.feedback import feedback_summary
from jusoor.events.models import Feedback, RegistrationStatus
from jusoor.events.tests.builders import make_event, make_registration
from jusoor.people.tests.builders import in_english

ANSWERS = {
    "usefulness": "5",
    "learned": "تعلمت أن الحوار بين العشائر يخفف التوتر",
    "improve": "وقت أطول للنقاش",
    "join_dialogue": "yes",
}


def _url(registration):
    return reverse("events:feedback", args=[registration.event.slug, registration.code])


def test_a_participant_answers_once_without_an_account_in_arabic(client, world):
    registration = make_registration(world)
    page = client.get(_url(registration)).content.decode()
    assert 'dir="rtl"' in page and 'lang="ar"' in page and 'name="usefulness"' in page
    with in_english(client):
        response = client.post(_url(registration), ANSWERS)
    assert "Your answers were received" in response.content.decode()
    feedback = Feedback.objects.get()
    assert feedback.registration == registration and feedback.usefulness == 5
    assert feedback.text_review == "pending"
    with in_english(client):
        again = client.post(_url(registration), {**ANSWERS, "usefulness": "1"}).content.decode()
    assert "we already have your answers" in again
    assert Feedback.objects.get().usefulness == 5


def test_written_answers_are_encrypted_and_the_audit_keeps_no_text(client, world):
    registration = make_registration(world)
    client.post(_url(registration), ANSWERS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT learned FROM events_feedback")
        (stored,) = cursor.fetchone()
    assert "العشائر" not in stored
    event = AuditEvent.objects.get(action="event.feedback")
    assert "العشائر" not in str(event.data) and event.data["usefulness"] == 5


def test_a_cancelled_or_waiting_registration_cannot_answer(client, world):
    registration = make_registration(world)
    registration.status = RegistrationStatus.WAITING
    registration.save()
    with in_english(client):
        page = client.post(_url(registration), ANSWERS).content.decode()
    assert "Only confirmed participants can answer" in page
    assert not Feedback.objects.exists()


def test_the_form_opens_on_the_first_day_of_the_event(client, world):
    event = make_event(
        world, slug="next-year", start_date=dt.date(2099, 1, 1), end_date=dt.date(2099, 1, 2)
    )
    registration = make_registration(world, event)
    with in_english(client):
        page = client.get(_url(registration)).content.decode()
        confirmation = client.get(
            reverse("events:confirmation", args=[event.slug, registration.code])
        ).content.decode()
    assert "opens on the first day of the event (2099-01-01)" in page
    assert _url(registration) not in confirmation


def test_the_confirmation_page_links_to_the_form_after_the_event(client, world):
    registration = make_registration(world)
    page = client.get(
        reverse("events:confirmation", args=[registration.event.slug, registration.code])
    ).content.decode()
    assert _url(registration) in page


def test_an_unknown_code_is_a_404(client, world):
    event = make_event(world)
    assert client.get(reverse("events:feedback", args=[event.slug, "ZZZZ2222"])).status_code == 404


def test_results_show_the_distribution_with_n_and_only_reviewed_text(client, world):
    event = make_event(world)
    for rating, phone in [(5, "07701000001"), (5, "07701000002"), (3, "07701000003")]:
        registration = make_registration(world, event, phone=phone)
        services.submit_feedback(
            registration,
            usefulness=rating,
            join_dialogue="yes" if rating == 5 else "no",
            learned=f"درس رقم {rating} {phone}",
        )
    first = Feedback.objects.order_by("id").first()
    services.review_feedback(world.users["shams_facilitator"], first, approve=True)
    client.force_login(world.users["shams_viewer"])
    with in_english(client):
        page = client.get(reverse("events:feedback_results", args=[event.pk])).content.decode()
    assert "n = 3 answers" in page and "Average: 4.33 out of 5 (n = 3)" in page
    assert first.learned in page
    assert "07701000002" not in page and "07701000003" not in page  # not reviewed
    assert "Waiting for review" not in page  # the queue is for those who run events


def test_a_facilitator_reviews_written_answers_and_the_engine_opinion_is_shown(client, world):
    registration = make_registration(world)
    services.submit_feedback(
        registration, usefulness=2, join_dialogue="maybe", improve="اتصلوا بي على 07701234567"
    )
    feedback = Feedback.objects.get()
    assert feedback.engine["action"] == "hold" and "phone" in feedback.engine["reasons"]
    client.force_login(world.users["shams_facilitator"])
    url = reverse("events:feedback_results", args=[registration.event_id])
    with in_english(client):
        page = client.get(url).content.decode()
        assert "Waiting for review" in page and "07701234567" in page
        client.post(reverse("events:feedback_review", args=[feedback.pk]), {"decision": "reject"})
        page = client.get(url).content.decode()
    assert "07701234567" not in page
    feedback.refresh_from_db()
    assert feedback.text_review == "rejected" and feedback.reviewed_by
    assert AuditEvent.objects.filter(action="event.feedback_review").exists()


def test_feedback_summary_counts_for_reports_and_hides_small_cells_when_public(world):
    event = make_event(world)
    for i in range(7):
        registration = make_registration(world, event, phone=f"077020000{i:02d}")
        services.submit_feedback(
            registration, usefulness=5 if i < 6 else 1, join_dialogue="yes" if i < 5 else "no"
        )
    make_registration(world, event, phone="07703000000")  # registered, did not answer
    summary = feedback_summary(event)
    assert summary.responses == 7 and summary.invited == 8 and summary.response_rate == 87.5
    assert {v: n for v, _l, n in summary.ratings} == {1: 1, 2: 0, 3: 0, 4: 0, 5: 6}
    assert summary.would_join == 5 and summary.written["none"] == 7
    public = feedback_summary(event, public=True)
    assert {v: n for v, _l, n in public.ratings}[1] is None
    # "no" (2) is hidden, so "yes" is too: with the total shown, one would give the other away.
    assert {v: n for v, _l, n in public.join_dialogue} == {
        "yes": None,
        "maybe": 0,
        "no": None,
    }


def test_the_certificate_carries_the_feedback_link(client, world):
    import io

    from pypdf import PdfReader

    registration = make_registration(world)
    client.force_login(world.users["shams_facilitator"])
    response = client.get(reverse("events:certificate", args=[registration.pk]))
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert _url(registration) in text.replace("\n", "")


def test_the_project_reach_page_shows_feedback_per_event(client, world):
    event = make_event(world)
    for i in range(3):
        registration = make_registration(world, event, phone=f"077040000{i:02d}")
        services.submit_feedback(registration, usefulness=4, join_dialogue="yes")
    client.force_login(world.users["shams_viewer"])
    with in_english(client):
        page = client.get(reverse("events:project_reach", args=[world.project.pk])).content.decode()
    assert "Feedback after events" in page and "3 (100.0%)" in page and "4.0" in page
