"""The demo questionnaire and its 500 synthetic respondents."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from django.urls import reverse

from jusoor.surveys import demo
from jusoor.surveys.models import Submission
from jusoor.surveys.xlsform import parse


@pytest.fixture
def loaded(world):
    return demo.load_surveys_demo(world.project)


def share(rows, test) -> float:
    rows = list(rows)
    return sum(1 for r in rows if test(r)) / len(rows)


def test_the_shipped_kii_guide_is_the_one_the_code_builds():
    shipped = parse(demo.KII_PATH.read_bytes(), "kii_guide.xlsx")
    assert shipped.questions == parse(demo.build_kii_xlsform(), "kii_guide.xlsx").questions
    assert next(q for q in shipped.questions if q["name"] == "interviewee")["pii"]


def test_the_shipped_xlsform_is_the_one_the_code_builds():
    shipped = parse(demo.XLSFORM_PATH.read_bytes(), "pve_survey.xlsx")
    built = parse(demo.build_xlsform(), "pve_survey.xlsx")
    assert shipped.questions == built.questions
    assert shipped.languages == ["Arabic (ar)", "English (en)"]
    assert shipped.unsupported == []
    areas = next(q for q in shipped.questions if q["path"] == "demographics/area")
    assert [c["name"] for c in areas["choices"]] == [a[0] for a in demo.AREAS]


def test_loading_twice_gives_500_synthetic_respondents_once(world, loaded):
    demo.load_surveys_demo(world.project)
    kii = loaded.project.survey_forms.get(form_id=demo.KII_FORM_ID)
    assert kii.is_key_informant_guide
    assert kii.submissions.filter(synthetic=True).count() == 12
    submissions = Submission.objects.filter(form=loaded)
    assert submissions.count() == 500 and Submission.objects.count() == 512
    assert not submissions.filter(synthetic=False).exists()
    assert loaded.versions.count() == 1
    per_area = Counter(s.answers["demographics/area"] for s in submissions)
    assert set(per_area) == {a[0] for a in demo.AREAS} and set(per_area.values()) == {50}


def test_respondents_are_the_same_on_every_run(loaded):
    first = Submission.objects.get(instance_id=demo.instance_id(0))
    expected = demo.respondent(0, random.Random(demo.SEED))
    assert first.answers == expected


def test_answers_differ_by_area_sex_and_age(loaded):
    rows = [s.answers for s in Submission.objects.filter(form=loaded)]
    falluja = [r for r in rows if r["demographics/area"] == "IQG01Q01N03"]
    ana = [r for r in rows if r["demographics/area"] == "IQG01Q05N01"]
    injustice = lambda r: "injustice" in r["views/causes"].split()  # noqa: E731
    assert share(falluja, injustice) > share(ana, injustice) + 0.1
    trust = lambda rs: sum(int(r["trust/trust_police"]) for r in rs) / len(rs)  # noqa: E731
    assert trust(ana) > trust(falluja) + 0.5
    young = [r for r in rows if r["demographics/age_band"] in ("18-24", "25-29")]
    older = [r for r in rows if r not in young]
    often = lambda r: r["hate_speech/hate_online"] in ("sometimes", "often")  # noqa: E731
    assert share(young, often) > share(older, often) + 0.15
    women = [r for r in rows if r["demographics/sex"] == "f"]
    men = [r for r in rows if r["demographics/sex"] == "m"]
    education = lambda r: "weak_education" in r["views/causes"].split()  # noqa: E731
    assert share(women, education) > share(men, education)


def test_the_synthetic_label_shows_in_the_pages(client, world, loaded):
    client.force_login(world.users["shams_me_officer"])
    listing = client.get(reverse("surveys:submissions", kwargs={"pk": loaded.pk}))
    assert 'class="synthetic"' in listing.content.decode()
    one = Submission.objects.filter(form=loaded).first()
    page = client.get(reverse("surveys:submission", kwargs={"pk": one.pk}))
    assert 'class="synthetic"' in page.content.decode()


def test_the_demo_data_exports_to_spss_with_arabic_labels(
    client, world, loaded, tmp_path, settings
):
    import pyreadstat

    from jusoor.jobs.testing import run_queued_jobs

    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(world.users["shams_me_officer"])
    client.post(
        reverse("surveys:export", kwargs={"pk": loaded.pk}), {"format": "sav", "headers": "ar"}
    )
    (job,) = run_queued_jobs()
    response = client.get(reverse("jobs:download", args=[job.pk]))
    path = tmp_path / "demo.sav"
    path.write_bytes(b"".join(response.streaming_content))
    frame, meta = pyreadstat.read_sav(str(path))
    assert len(frame) == 500
    assert meta.variable_value_labels["area"]["IQG01Q03N03"] == "مركز الرمادي"
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["dialogue"] == "هل تود المشاركة في حوار مجتمعي؟"
    assert "phone" not in frame.columns


def test_the_demo_questionnaire_can_be_filled_on_the_web(client, world, loaded):
    client.force_login(world.users["shams_enumerator"])
    url = reverse("surveys:entry", kwargs={"pk": loaded.pk})
    page = client.get(url).content.decode()
    assert "هل توافق على المشاركة في هذا الاستبيان؟" in page
    assert "الجنس" not in page  # asked only once consent is given
    page = client.post(url, {"q__consent": "yes", "action": "draft"}).content.decode()
    assert "الجنس" in page and "مركز الرمادي" in page
