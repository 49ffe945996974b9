from django.core.management import call_command
from django.urls import reverse

from jusoor.accounts.models import User
from jusoor.programmes.models import Project
from jusoor.research.demo import load_research_demo
from jusoor.research.models import Coding, Finding, ResearchReport, Segment, Suggestion


def test_the_demo_codes_the_interviews_and_publishes_a_dozen_findings(
    client, db, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    project = Project.objects.get(slug="anbar-prevention-conference-2023")

    interviews = Segment.objects.filter(project=project, kind="answer")
    assert interviews.values("submission").distinct().count() == 12
    assert all(s.codings.exists() for s in interviews)
    assert Suggestion.objects.filter(segment__project=project, status="pending").exists()
    assert not Coding.objects.filter(segment__kind="takeaway").exists()  # only suggested

    findings = Finding.objects.filter(project=project)
    assert findings.count() == 12
    assert all(f.status == "published" and f.synthetic for f in findings)
    assert all(f.nodes.exists() for f in findings)
    kinds = {e.kind for f in findings for e in f.evidence.all()}
    assert kinds == {"estimate", "crosstab", "quotes"}
    first = findings.get(key="unemployment-by-area")
    assert "%" in first.statement_ar and first.evidence.get().snapshot["method"]["weighted"]
    report = ResearchReport.objects.get(project=project)
    assert report.presented_at.slug == "ramadi-prevention-conference-2023"

    counts = (Segment.objects.count(), Coding.objects.count(), Finding.objects.count())
    snapshot = first.evidence.get().snapshot
    load_research_demo(project)
    assert (Segment.objects.count(), Coding.objects.count(), Finding.objects.count()) == counts
    assert Finding.objects.get(pk=first.pk).evidence.get().snapshot == snapshot

    client.force_login(User.objects.get(username="undp-viewer"))
    page = client.get(reverse("research:report", args=[project.pk])).content.decode()
    assert first.statement_ar in page and "مؤتمر الوقاية والصد" in page
