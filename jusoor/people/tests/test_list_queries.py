from django.urls import reverse

from jusoor.events.tests.builders import make_event, make_registration
from jusoor.people.tests.builders import make_person


def test_participant_list_costs_the_same_queries_for_five_or_forty_people(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.users["shams_programme_manager"])
    for i in range(5):
        make_person(world.shams, phone=f"077000001{i:02d}", area=world.area.unit)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("people:list", args=["shams"]))
    for i in range(35):
        make_person(world.shams, phone=f"077000002{i:02d}", area=world.area.unit)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("people:list", args=["shams"])).content.decode()
    assert page.count("P-") >= 40


def test_registration_list_costs_the_same_queries_for_any_number_of_people(
    client, world, django_assert_max_num_queries
):
    event = make_event(world)
    client.force_login(world.users["shams_facilitator"])
    make_registration(world, event, phone="07700000300")
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("events:registrations", args=[event.pk]))
    for i in range(20):
        make_registration(world, event, phone=f"077000004{i:02d}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("events:registrations", args=[event.pk]))
