from django.urls import reverse

from jusoor.research.models import Finding
from jusoor.research.tests import builders


def test_the_research_index_lists_the_projects_a_person_takes_part_in(client, world):
    client.force_login(world.users["partner_viewer"])
    page = client.get(reverse("research:index")).content.decode()
    assert reverse("research:home", args=[world.project.pk]) in page
    client.force_login(world.users["outsider"])
    page = client.get(reverse("research:index")).content.decode()
    assert reverse("research:home", args=[world.project.pk]) not in page


def test_editing_a_finding_links_it_to_the_framework_and_is_audited(client, world):
    from jusoor.core.models import AuditEvent

    finding = builders.draft_finding(world)
    client.force_login(world.users["shams_me_officer"])
    client.post(
        reverse("research:finding_edit", args=[finding.pk]),
        {"statement_ar": "نتيجة معدلة", "statement_en": "Edited", "nodes": [world.activity.pk]},
    )
    finding = Finding.objects.get(pk=finding.pk)
    assert finding.statement_ar == "نتيجة معدلة"
    assert list(finding.nodes.all()) == [world.activity]
    assert AuditEvent.objects.filter(action="research.finding.update").exists()


def test_evidence_with_a_question_the_form_lacks_is_refused_in_the_users_language(client, world):
    builders.survey_form(world, respondents=20)
    finding = builders.draft_finding(world)
    client.force_login(world.users["shams_me_officer"])
    client.cookies["jusoor_language"] = "en"
    page = client.post(
        reverse("research:evidence_add", args=[finding.pk]),
        {
            "kind": "estimate",
            "form": world.project.survey_forms.get().pk,
            "question": "views/nothing",
            "category": "x",
            "limit": 3,
        },
    ).content.decode()
    assert "Choose a single- or multiple-choice question of the form." in page
    assert not finding.evidence.exists()


def test_the_home_page_counts_coded_passages_for_analysts(client, world):
    builders.coded_world(world)
    client.force_login(world.users["shams_me_officer"])
    client.cookies["jusoor_language"] = "en"
    page = client.get(reverse("research:home", args=[world.project.pk])).content.decode()
    assert '<span class="figure">3</span>passages' in page
    assert '<span class="figure">2</span>coded passages' in page
