"""Learning from the organisation's own moderators."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jusoor.dialogue import learning, services
from jusoor.dialogue.learning import confirmed_examples
from jusoor.dialogue.models import EngineModelStatus, OrganisationModerationModel, Reason
from jusoor.dialogue.tests.builders import add_statement, make_conversation
from jusoor.engines import moderation

pytestmark = pytest.mark.django_db


def test_only_human_decisions_about_language_become_examples(world):
    conversation = make_conversation(world.project)
    moderator = world.users["shams_moderator"]
    insult = add_statement(conversation, "انت حمار وما تفهم شي")
    fine = add_statement(conversation, "الرياضة تجمع شباب الأنبار")
    phone = add_statement(conversation, "اتصلوا على 07701234567 للتفاصيل")
    add_statement(conversation, "التعليم أهم شيء")  # no human decision: not an example
    services.decide(moderator, insult, False, Reason.SECTARIAN)
    services.decide(moderator, fine, False, Reason.OFF_TOPIC)
    services.decide(moderator, fine, True, Reason.ACCEPTABLE)  # the last decision counts
    services.decide(moderator, phone, False, Reason.PHONE)
    examples = {e.text: (e.offensive, e.hate) for e in confirmed_examples(world.shams.pk)}
    assert examples == {insult.text: (True, True), fine.text: (False, False)}
    assert confirmed_examples(world.other.pk) == []


def test_the_retrain_command_shows_metrics_and_does_not_switch_the_model(world, monkeypatch):
    conversation = make_conversation(world.project)
    statement = add_statement(conversation, "انت حمار وما تفهم شي")
    services.decide(world.users["shams_moderator"], statement, False, Reason.INSULT)
    for text in [
        "الرياضة تجمع شباب الأنبار",
        "التعليم أهم شيء",
        "فرص العمل مهمة",
        "المكتبة مفتوحة",
    ]:
        services.decide(
            world.users["shams_moderator"],
            add_statement(conversation, text),
            True,
            Reason.ACCEPTABLE,
        )
    seen = {}

    def fake_retrain(examples):
        seen["examples"] = list(examples)
        return moderation.RetrainResult(
            moderation.default_model(), {"cv_macro_f1": 0.88}, {"cv_macro_f1": 0.87}, []
        )

    monkeypatch.setattr(moderation, "retrain", fake_retrain)
    out = io.StringIO()
    call_command("moderation_retrain", "--organisation", "shams", stdout=out)
    assert "5 confirmed decisions (1 offensive, 4 acceptable)" in out.getvalue()
    assert '"cv_macro_f1": 0.88' in out.getvalue()
    assert seen["examples"][0].offensive
    # The retrained model is kept as a candidate, not switched on.
    candidate = OrganisationModerationModel.objects.get()
    assert candidate.status == EngineModelStatus.CANDIDATE
    assert f"Kept as candidate #{candidate.pk} (not switched on)" in out.getvalue()
    assert learning.active_model(world.shams.pk) is None
    with pytest.raises(CommandError, match="No confirmed"):
        call_command("moderation_retrain", "--organisation", "another-ngo", stdout=io.StringIO())
