"""The workspace pages, as the people who use them would."""

from decimal import Decimal

from django.urls import reverse
from django.utils import translation

from jusoor.core.models import AuditEvent
from jusoor.programmes.models import IndicatorTarget, IndicatorValue, Project, ResultNode


def test_me_officer_enters_an_actual_in_eastern_arabic_digits(client, world):
    client.force_login(world.users["shams_me_officer"])
    response = client.post(
        reverse("programmes:indicator", args=[world.indicator.pk]),
        {
            "period": world.period.pk,
            "kind": "actual",
            "dimension": "sex",
            "category": "f",
            "value": "١٢٣",
            "note": "",
        },
    )
    assert response.status_code == 302
    assert IndicatorValue.objects.get().value == Decimal(123)


def test_target_on_a_locked_period_is_refused_next_to_the_field_in_arabic(client, world):
    world.period.status = "locked"
    world.period.save()
    client.force_login(world.users["shams_me_officer"])
    response = client.post(
        reverse("programmes:indicator", args=[world.indicator.pk]),
        {
            "period": world.period.pk,
            "kind": "target",
            "value": "50",
        },
        HTTP_ACCEPT_LANGUAGE="ar",
    )
    assert response.status_code == 200
    assert not IndicatorTarget.objects.exists()
    with translation.override("ar"):
        html = response.content.decode()
    assert "errorlist" in html and "2023-08" in html


def test_indicator_edit_saves_and_is_audited(client, world):
    client.force_login(world.users["shams_me_officer"])
    response = client.post(
        reverse("programmes:indicator_edit", args=[world.indicator.pk]),
        {
            "node": world.activity.pk,
            "code": "1.1.1a",
            "name_ar": "عدد المشاركات",
            "name_en": "Women taking part",
            "measure": "count",
            "counts_people": "on",
            "baseline": "٠",
            "disaggregations": ["sex", "area"],
            "order": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    world.indicator.refresh_from_db()
    assert world.indicator.name_en == "Women taking part"
    assert world.indicator.disaggregations == ["sex", "area"]
    assert AuditEvent.objects.filter(action="indicator.update").exists()


def test_result_under_an_activity_is_refused_with_a_message(client, world):
    client.force_login(world.users["shams_programme_manager"])
    response = client.post(
        reverse("programmes:node_create", args=[world.project.pk]),
        {
            "kind": "result",
            "parent": world.objective.pk,
            "order": "2",
            "title_ar": "نتيجة ثانية",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("programmes:node_create", args=[world.project.pk]),
        {
            "kind": "activity",
            "parent": world.objective.pk,
            "order": "3",
            "title_ar": "نشاط يتيم",
        },
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not ResultNode.objects.filter(title_ar="نشاط يتيم").exists()
    assert ResultNode.objects.get(title_ar="نتيجة ثانية").code == "1.2"


def test_project_created_from_the_organisation_page(client, world):
    client.force_login(world.users["shams_programme_manager"])
    response = client.post(
        reverse("programmes:project_create", args=["shams"]),
        {
            "title_ar": "مشروع جديد",
            "title_en": "New",
            "slug": "new-project",
            "start_date": "٢٠٢٤-٠١-٠١",
            "end_date": "2024-06-30",
            "status": "2",
            "sector": "15220",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    project = Project.objects.get(slug="new-project")
    assert project.owner == world.shams
    assert str(project.start_date) == "2024-01-01"


def test_project_end_before_start_is_shown_next_to_the_end_date(client, world):
    client.force_login(world.users["shams_programme_manager"])
    response = client.post(
        reverse("programmes:project_edit", args=[world.project.pk]),
        {
            "title_ar": "x",
            "slug": world.project.slug,
            "start_date": "2024-06-01",
            "end_date": "2024-01-01",
            "status": "2",
            "sector": "15220",
        },
    )
    assert response.status_code == 200
    assert (
        "The end date is before the start date." in response.content.decode()
        or "errorlist" in response.content.decode()
    )


def test_target_area_by_pcode_and_unknown_pcode(client, world):
    client.force_login(world.users["shams_programme_manager"])
    url = reverse("programmes:target_area_add", args=[world.project.pk])
    assert client.post(url, {"unit": "IQG01Q07N04"}).status_code == 302
    response = client.post(url, {"unit": "IQG99Q99N99"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    response = client.post(url, {"unit": "IQG01Q07N04"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert world.project.target_areas.count() == 2


def test_project_page_lists_framework_partners_and_areas(client, world):
    client.force_login(world.users["partner_viewer"])
    html = client.get(reverse("programmes:project", args=[world.project.pk])).content.decode()
    assert "1.1.1" in html and "مركز الرمادي" in html and "world-vision" in html
    assert reverse("programmes:project_edit", args=[world.project.pk]) not in html


def test_workspace_lists_only_projects_the_person_may_see(client, world):
    client.force_login(world.users["outsider"])
    html = client.get(reverse("programmes:workspace")).content.decode()
    assert world.project.title_en not in html and world.project.title_ar not in html
    client.force_login(world.users["partner_viewer"])
    html = client.get(reverse("programmes:workspace")).content.decode()
    assert world.project.title_ar in html


def test_workspace_project_list_query_count_does_not_grow_with_projects(
    client, world, django_assert_max_num_queries
):
    from jusoor.conftest import make_project

    for n in range(10):
        make_project(world.shams, slug=f"p{n}")
    client.force_login(world.users["shams_viewer"])
    with django_assert_max_num_queries(8):
        client.get(reverse("programmes:workspace"))


def test_population_figures_are_entered_in_arabic_digits_and_replace_old_ones(client, world):
    from jusoor.geo.models import AreaPopulation

    AreaPopulation.objects.create(area=world.area, sex="f", age_band="60+", count=99)
    client.force_login(world.users["shams_programme_manager"])
    url = reverse("programmes:area_population", args=[world.area.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"n_f_18-24": "١٢٠٠", "n_m_18-24": "1100", "n_f_60+": "", "source": "CSO 2020"}
    )
    assert response.status_code == 302
    figures = {(p.sex, p.age_band): p.count for p in world.area.population.all()}
    assert figures == {("f", "18-24"): 1200, ("m", "18-24"): 1100}
    assert AuditEvent.objects.filter(action="project.target_area.population").exists()


def test_negative_population_is_refused_next_to_its_cell(client, world):
    client.force_login(world.users["shams_programme_manager"])
    url = reverse("programmes:area_population", args=[world.area.pk])
    response = client.post(url, {"n_f_18-24": "-5"})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not world.area.population.exists()


def test_programme_created_and_partner_sees_it_through_its_project(client, world):
    client.force_login(world.users["shams_programme_manager"])
    response = client.post(
        reverse("programmes:programme_create", args=["shams"]),
        {"title_ar": "برنامج جديد", "slug": "new-programme", "governorates": []},
    )
    assert response.status_code == 302
    client.force_login(world.users["partner_viewer"])
    html = client.get(reverse("programmes:programme", args=[world.programme.slug])).content.decode()
    assert world.project.title_ar in html
    assert client.get(reverse("programmes:programme", args=["new-programme"])).status_code == 404
