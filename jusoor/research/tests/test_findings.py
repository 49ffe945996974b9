from django.urls import reverse

from jusoor.core.models import AuditEvent
from jusoor.research import services
from jusoor.research.models import Evidence, Finding, FindingStatus
from jusoor.research.public import published_findings
from jusoor.research.tests import builders
from jusoor.surveys.models import Submission


def _estimate(world, breakdown="sex"):
    builders.survey_form(world)
    finding = services.save_finding(
        None, Finding(project=world.project, statement_ar="البطالة", statement_en="Jobs"), []
    )
    services.add_evidence(
        None,
        finding,
        "estimate",
        {
            "form": "anbar_pve_survey_2023",
            "question": "views/causes",
            "category": "unemployment",
            "breakdown": breakdown,
            "weighted": True,
        },
    )
    return finding


def test_an_estimate_keeps_its_interval_n_and_labels_in_both_languages(world):
    finding = _estimate(world)
    snapshot = finding.evidence.get().snapshot
    overall = snapshot["overall"]
    assert overall["n"] == 80 and overall["ci_low"] < overall["estimate"] < overall["ci_high"]
    assert {r["group"] for r in snapshot["rows"]} == {"f", "m"}
    assert sum(r["n"] for r in snapshot["rows"]) == 80
    assert snapshot["category"] == {"ar": "البطالة", "en": "Unemployment"}
    assert snapshot["synthetic"] is True and finding.synthetic
    # The world has population figures for one area only: the figures are not weighted.
    assert snapshot["method"]["weighted"] is False


def test_small_groups_are_hidden_in_the_snapshot(world):
    finding = _estimate(world, breakdown="area")
    rows = finding.evidence.get().snapshot["rows"]
    # 80 respondents over ten areas: 8 each, enough; the suppression follows the counts.
    assert all(r["n"] >= 5 for r in rows if not r["suppressed"])
    assert all(r["estimate"] is None for r in rows if r["suppressed"])


def test_a_snapshot_does_not_move_when_data_change_until_refreshed(client, world):
    finding = _estimate(world)
    evidence = finding.evidence.get()
    before = evidence.snapshot["overall"]["n"]
    Submission.objects.filter(form__project=world.project).order_by("pk").first().delete()
    assert Evidence.objects.get().snapshot["overall"]["n"] == before
    client.force_login(world.users["shams_me_officer"])
    client.cookies["jusoor_language"] = "en"
    page = client.get(reverse("research:finding", args=[finding.pk])).content.decode()
    assert "the data have changed since" in page
    client.post(reverse("research:finding_refresh", args=[finding.pk]))
    assert Evidence.objects.get().snapshot["overall"]["n"] == before - 1


def test_publishing_needs_evidence_and_the_approving_capability(client, world):
    finding = builders.draft_finding(world)
    client.force_login(world.users["shams_me_officer"])
    status = reverse("research:finding_status", args=[finding.pk])
    client.post(status, {"status": "reviewed"})
    finding.refresh_from_db()
    assert finding.status == FindingStatus.REVIEWED
    assert client.post(status, {"status": "published"}).status_code == 403
    client.force_login(world.users["shams_programme_manager"])
    client.cookies["jusoor_language"] = "en"
    page = client.post(status, {"status": "published"}, follow=True).content.decode()
    assert "needs evidence before it is published" in page
    finding.refresh_from_db()
    assert finding.status == FindingStatus.REVIEWED


def test_a_published_finding_cannot_be_refreshed_or_edited(world):
    import pytest
    from django.core.exceptions import ValidationError

    finding = builders.published_finding(world)
    with pytest.raises(ValidationError):
        services.refresh(None, finding)
    with pytest.raises(ValidationError):
        services.save_finding(None, finding, [])
    assert AuditEvent.objects.filter(action="research.finding.status", data__new="published")


def test_viewers_read_published_findings_only_and_quotes_are_anonymised(client, world):
    published = builders.published_finding(world)
    draft = builders.draft_finding(world)
    client.force_login(world.users["partner_viewer"])
    home = client.get(reverse("research:home", args=[world.project.pk])).content.decode()
    assert published.statement_ar in home and draft.statement_ar not in home
    assert client.get(reverse("research:finding", args=[draft.pk])).status_code == 403
    page = client.get(reverse("research:finding", args=[published.pk])).content.decode()
    assert "البطالة بين الشباب" in page
    assert "الدليمي" not in page and "أحمد" not in page


def test_published_findings_for_the_public_page(world):
    published = builders.published_finding(world)
    builders.draft_finding(world)
    found = published_findings(world.project, "en")
    assert [f["id"] for f in found] == [published.pk]
    assert found[0]["statement"] == "Key informants link extremism to unemployment"
    assert found[0]["nodes"] == [{"code": "1.1", "title": "Result"}]
    quotes = [b for b in found[0]["evidence"] if b["kind"] == "quote"]
    assert quotes and all("الدليمي" not in q["text"] for q in quotes)
    assert quotes[0]["source"] == "Key-informant interview"


def test_an_analyst_writes_a_finding_with_a_crosstab(client, world):
    builders.survey_form(world)
    client.force_login(world.users["shams_me_officer"])
    response = client.post(
        reverse("research:finding_create", args=[world.project.pk]),
        {"statement_ar": "خطاب الكراهية والعمر", "statement_en": "Hate speech and age"},
    )
    finding = Finding.objects.get()
    assert response["Location"] == reverse("research:evidence_add", args=[finding.pk])
    client.post(
        reverse("research:evidence_add", args=[finding.pk]),
        {
            "kind": "crosstab",
            "form": finding.project.survey_forms.get().pk,
            "rows": "demographics/sex",
            "cols": "hate_speech/hate_online",
            "weighted": "on",
            "limit": 3,
        },
    )
    snapshot = finding.evidence.get().snapshot
    assert [r["group"] for r in snapshot["rows"]] == ["f", "m"]
    assert 0 <= snapshot["test"]["p_value"] <= 1
    cells = [c for r in snapshot["rows"] for c in r["cells"]]
    assert all(c["percent"] is None for c in cells if c["suppressed"])
    assert all(c["n"] >= 5 for c in cells if not c["suppressed"] and c["n"])
