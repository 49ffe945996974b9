from jusoor.events import reach
from jusoor.events.demo import CONFERENCE_SLUG, load_people_events_demo
from jusoor.events.models import Commitment, Event, MediaEntry, Meeting, Registration, Takeaway
from jusoor.geo.models import AdminUnit, TargetArea
from jusoor.people import services
from jusoor.people.models import DuplicateSuggestion, Person


def test_demo_builds_the_conference_and_running_it_twice_changes_nothing(world):
    first = load_people_events_demo(world.project)
    counts = [
        m.objects.count() for m in (Person, Registration, Meeting, Takeaway, Commitment, MediaEntry)
    ]
    second = load_people_events_demo(world.project)
    assert first["registrants"] == second["registrants"] == 210
    assert counts == [
        m.objects.count() for m in (Person, Registration, Meeting, Takeaway, Commitment, MediaEntry)
    ]
    event = Event.objects.get(slug=CONFERENCE_SLUG)
    assert Registration.objects.filter(event=event, is_guest=False).count() == 200
    assert Registration.objects.filter(event=event, is_guest=True).count() == 10
    assert event.sessions.filter(kind="panel").count() == 3
    assert not Person.objects.filter(is_synthetic=False).exists()


def test_demo_people_under_spelling_variants_are_found_and_merging_lowers_unique_reach(world):
    units = AdminUnit.objects.filter(level=3, pcode__startswith="IQG01").exclude(
        pk=world.area.unit_id
    )[:9]
    for unit in units:
        TargetArea.objects.create(project=world.project, unit=unit)
    load_people_events_demo(world.project)
    assert Meeting.objects.count() == 10
    before = reach.project_reach(world.project)
    assert services.find_duplicate_suggestions(None, world.shams) >= 20
    merged = 0
    for suggestion in DuplicateSuggestion.objects.filter(likely=True):
        services.merge_people(None, suggestion.left, suggestion.right, suggestion=suggestion)
        merged += 1
    after = reach.project_reach(world.project)
    assert after.reached == before.reached
    assert after.unique == before.unique - merged
    # A second run leaves merged records alone rather than bringing them back.
    load_people_events_demo(world.project)
    assert reach.project_reach(world.project).unique == after.unique


def test_demo_directory_has_the_ten_mayors_and_the_sub_committee_at_the_meetings(world):
    from jusoor.people.models import Stakeholder

    units = AdminUnit.objects.filter(level=3, pcode__startswith="IQG01").exclude(
        pk=world.area.unit_id
    )[:9]
    for unit in units:
        TargetArea.objects.create(project=world.project, unit=unit)
    first = load_people_events_demo(world.project)
    assert first["stakeholders"] == {"mayors": 10, "sub_committee": 8, "meetings": 10}
    mayors = Stakeholder.objects.filter(kind="mayor")
    assert mayors.count() == 10 and all(s.is_synthetic for s in Stakeholder.objects.all())
    assert {m.area_id for m in mayors} == {t.unit_id for t in world.project.target_areas.all()}
    for meeting in Meeting.objects.all():
        present = list(meeting.stakeholders.all())
        assert len(present) == 3 and any(
            s.kind == "mayor" and s.area == meeting.area for s in present
        )
    Stakeholder.objects.filter(kind="mayor").update(is_active=False)
    load_people_events_demo(world.project)
    assert Stakeholder.objects.count() == 18  # nothing duplicated
    assert not Stakeholder.objects.filter(kind="mayor", is_active=True).exists()
