from django.urls import reverse
from django.utils import timezone

from jusoor.events import reach
from jusoor.events.models import Registration
from jusoor.events.tests.builders import make_event, make_meeting, make_registration
from jusoor.people.tests.builders import make_person


def _checked_in(world, event, **person):
    registration = make_registration(world, event, **person)
    Registration.objects.filter(pk=registration.pk).update(checked_in_at=timezone.now())
    return registration


def test_unique_people_count_a_person_at_two_activities_once(world):
    event = make_event(world)
    meeting = make_meeting(world)
    both = _checked_in(world, event, phone="07700000001").person
    _checked_in(world, event, phone="07700000002", sex="f")
    meeting.attendees.add(both, make_person(world.shams, phone="07700000003"))
    figures = reach.project_reach(world.project)
    assert figures.reached == 4  # 2 at the event + 2 at the meeting
    assert figures.unique == 3


def test_guests_of_partners_are_counted_apart(world):
    event = make_event(world)
    _checked_in(world, event, phone="07700000001")
    guest = _checked_in(world, event, phone="07700000002")
    Registration.objects.filter(pk=guest.pk).update(is_guest=True, guest_of=world.partner)
    figures = reach.project_reach(world.project)
    assert (figures.unique, figures.guests) == (1, 1)


def test_registered_but_absent_people_are_not_reached(world):
    event = make_event(world)
    make_registration(world, event)
    assert reach.project_reach(world.project).unique == 0


def test_breakdown_by_sex_and_its_small_cells_hidden_for_publication(world, settings):
    settings.SMALL_CELL_THRESHOLD = 5
    event = make_event(world)
    for i in range(7):
        _checked_in(world, event, phone=f"077000001{i:02d}", sex="m")
    for i in range(2):
        _checked_in(world, event, phone=f"077000002{i:02d}", sex="f")
    figures = reach.project_reach(world.project)
    sexes = dict(figures.breakdown["sex"])
    assert sexes == {"Female": 2, "Male": 7} or sorted(sexes.values()) == [2, 7]
    published = dict(reach.suppress(figures).breakdown["sex"])
    # Hiding only the 2 would let anyone work it out from the total: both are hidden.
    assert list(published.values()) == [None, None]


def test_public_event_page_hides_small_groups(client, world):
    event = make_event(world)
    for i in range(6):
        _checked_in(world, event, phone=f"077000001{i:02d}", target_group="youth")
    _checked_in(world, event, phone="07700000300", target_group="tribal_leader")
    page = client.get(reverse("events:public_event", args=[event.slug])).content.decode()
    # 7 men are shown; the lone tribal leader is hidden, and so are the 6 young people, or
    # the tribal leader would be 7 - 6.
    assert "<td>7</td>" in page
    assert "<td>1</td>" not in page and "<td>6</td>" not in page
    assert page.count("<td>—</td>") == 2


def test_reach_page_shows_unique_and_reached_to_a_partner_viewer(client, world):
    event = make_event(world)
    _checked_in(world, event)
    client.force_login(world.users["partner_viewer"])
    page = client.get(reverse("events:project_reach", args=[world.project.pk])).content.decode()
    assert 'id="unique">1<' in page and 'id="reached">1<' in page
