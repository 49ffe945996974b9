"""Password reset by e-mail: the page answers the same for any address, the link sets a new
password once, and the reset is audited."""

from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse

from jusoor.core.models import AuditEvent


def _ask(client, email: str):
    client.cookies["jusoor_language"] = "en"
    return client.post(reverse("accounts:password_reset"), {"email": email}, follow=True)


def _main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_the_answer_does_not_say_whether_an_account_has_the_address(client, world):
    user = world.users["shams_viewer"]
    user.email = "viewer@shams.example"
    user.save()
    known = _ask(client, "viewer@shams.example")
    unknown = _ask(client, "nobody@example.org")
    assert known.redirect_chain == unknown.redirect_chain
    assert _main(known) == _main(unknown)
    assert "If the address belongs to an account" in known.content.decode()
    assert [m.to for m in mail.outbox] == [["viewer@shams.example"]]


def test_the_link_sets_a_new_password_once_and_is_audited(client, world):
    user = world.users["shams_viewer"]
    user.email = "viewer@shams.example"
    user.save()
    _ask(client, "viewer@shams.example")
    link = re.search(r"https?://[^/]+(/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    new = {"new_password1": "a-new-long-passphrase-77", "new_password2": "a-new-long-passphrase-77"}
    assert client.post(set_url, new).status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-new-long-passphrase-77")
    assert AuditEvent.objects.filter(action="auth.password_reset", actor=user).count() == 1
    again = client.get(link, follow=True)
    assert not again.context["validlink"]
    assert "has been used or has expired" in again.content.decode()
