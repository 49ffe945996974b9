from django.urls import reverse

from jusoor.events.models import Feedback, Registration
from jusoor.events.tests.builders import make_event, make_registration
from jusoor.events.tests.test_registration import FORM
from jusoor.people.tests.builders import in_english


def test_registration_past_the_limit_gets_429_with_a_translated_message(client, world, settings):
    settings.JUSOOR_PUBLIC_FORM_PER_EVENT = 3
    event = make_event(world)
    url = reverse("events:register", args=[event.slug])
    for i in range(3):
        client.post(url, {**FORM, "phone": f"0770 555 00{i:02d}", "name": f"مشارك {i}"})
    with in_english(client):
        response = client.post(url, {**FORM, "phone": "0770 555 0099", "name": "مشارك آخر"})
    assert response.status_code == 429
    assert "sent too many times from your connection" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert Registration.objects.count() == 3
    arabic = client.post(url, {**FORM, "phone": "0770 555 0098"})
    assert arabic.status_code == 429 and 'dir="rtl"' in arabic.content.decode()


def test_the_limit_is_per_address_and_per_event(client, world, settings):
    settings.JUSOOR_PUBLIC_FORM_PER_EVENT = 1
    first = make_event(world)
    second = make_event(world, slug="second", title_ar="ورشة ثانية")
    client.post(reverse("events:register", args=[first.slug]), FORM)
    other_address = client.post(
        reverse("events:register", args=[first.slug]),
        {**FORM, "phone": "0770 555 7777", "name": "شخص آخر"},
        REMOTE_ADDR="10.1.2.3",
    )
    other_event = client.post(
        reverse("events:register", args=[second.slug]),
        {**FORM, "phone": "0770 555 8888", "name": "شخص ثالث"},
    )
    again = client.post(
        reverse("events:register", args=[first.slug]),
        {**FORM, "phone": "0770 555 9999", "name": "شخص رابع"},
    )
    assert other_address.status_code == 302 and other_event.status_code == 302
    assert again.status_code == 429
    assert Registration.objects.count() == 3


def test_all_events_together_have_a_limit_per_address(client, world, settings):
    settings.JUSOOR_PUBLIC_FORM_PER_ADDRESS = 2
    for i in range(3):
        event = make_event(world, slug=f"event-{i}")
        response = client.post(
            reverse("events:register", args=[event.slug]),
            {**FORM, "phone": f"0770 555 11{i:02d}", "name": f"مشارك {i}"},
        )
    assert response.status_code == 429 and Registration.objects.count() == 2


def test_the_proxy_address_header_is_what_counts(client, world, settings):
    settings.JUSOOR_PUBLIC_FORM_PER_EVENT = 1
    event = make_event(world)
    url = reverse("events:register", args=[event.slug])
    client.post(url, FORM, HTTP_X_REAL_IP="203.0.113.5")
    second = client.post(
        url, {**FORM, "phone": "0770 555 6666", "name": "ب"}, HTTP_X_REAL_IP="203.0.113.6"
    )
    third = client.post(
        url, {**FORM, "phone": "0770 555 6667", "name": "ج"}, HTTP_X_REAL_IP="203.0.113.5"
    )
    assert second.status_code == 302 and third.status_code == 429


def test_reading_the_form_is_not_counted(client, world, settings):
    settings.JUSOOR_PUBLIC_FORM_PER_EVENT = 1
    event = make_event(world)
    url = reverse("events:register", args=[event.slug])
    for _ in range(5):
        assert client.get(url).status_code == 200
    assert client.post(url, FORM).status_code == 302


def test_the_feedback_form_is_rate_limited_too(client, world, settings):
    settings.JUSOOR_PUBLIC_FORM_PER_EVENT = 2
    event = make_event(world)
    registrations = [make_registration(world, event, phone=f"0771 000 00{i:02d}") for i in range(3)]
    answers = {"usefulness": "4", "join_dialogue": "maybe"}
    codes = []
    for registration in registrations:
        url = reverse("events:feedback", args=[event.slug, registration.code])
        codes.append(client.post(url, answers).status_code)
    assert codes == [200, 200, 429]
    assert Feedback.objects.count() == 2


def test_redis_url_shares_the_count_between_processes():
    """With REDIS_URL every server process counts in Redis (skipped where none is running)."""
    import os
    import socket
    import subprocess
    import sys
    import uuid

    import pytest

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    key = f"jusoor-test-{uuid.uuid4().hex}"
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings; from django.core.cache import cache\n"
        "print(settings.CACHES['default']['BACKEND'])\n"
        f"cache.add('{key}', 0, 30); print(cache.incr('{key}'))\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jusoor.settings",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
    }
    outputs = [
        subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        ).stdout.split()
        for _ in range(2)
    ]
    assert outputs[0][0].endswith("RedisCache")
    assert [out[1] for out in outputs] == ["1", "2"]  # two processes, one count


def test_a_new_window_starts_a_new_count(client, world, settings, rate_clock):
    settings.JUSOOR_PUBLIC_FORM_PER_EVENT = 1
    event = make_event(world)
    url = reverse("events:register", args=[event.slug])
    assert client.post(url, FORM).status_code == 302
    refused = client.post(url, {**FORM, "phone": "0770 555 4444", "name": "ب"})
    assert refused.status_code == 429 and refused["Retry-After"] == "300"
    rate_clock.now += 300
    assert client.post(url, {**FORM, "phone": "0770 555 4445", "name": "ج"}).status_code == 302
