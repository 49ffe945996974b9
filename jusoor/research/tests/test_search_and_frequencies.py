from django.urls import reverse

from jusoor.research.tests import builders


def test_keyword_in_context_finds_a_word_across_interviews_and_meetings(client, world):
    builders.kii_form(world)
    builders.minutes_meeting(world)
    client.force_login(world.users["shams_me_officer"])
    page = client.get(
        reverse("research:search", args=[world.project.pk]), {"q": "البطاله"}
    ).content.decode()
    assert page.count("<mark>البطالة</mark>") == 3  # two interviews, one meeting
    assert "الشباب وشعورهم بالتهميش" in page


def test_code_frequencies_count_coded_passages_by_respondent_type(client, world):
    builders.coded_world(world)
    client.force_login(world.users["shams_me_officer"])
    client.cookies["jusoor_language"] = "en"
    page = client.get(
        reverse("research:frequencies", args=[world.project.pk]), {"group": "respondent_type"}
    ).content.decode()
    assert "Mayor or sub-district director" in page and "Local official" in page
    row = page.split("Unemployment</td>")[1].split("</tr>")[0]
    assert row.count('<td class="number">1</td>') == 2 and "<strong>2</strong>" in row


def test_frequencies_by_area_name_the_areas(client, world):
    from jusoor.research.qualitative import frequencies

    builders.coded_world(world)
    table = frequencies(world.project, "area")
    assert table.levels == ["IQG01Q03N03"]
    unemployment = next(r for r in table.rows if r[0].key == "unemployment")
    assert unemployment[1] == [2]
