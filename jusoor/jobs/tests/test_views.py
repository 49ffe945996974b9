"""The status page, its JSON, the download (audited) and cancelling."""

from __future__ import annotations

from django.urls import reverse

from jusoor.core.models import AuditEvent
from jusoor.jobs.models import Job, JobStatus
from jusoor.jobs.tests.builders import finished_job, make_job


def english(client, user):
    client.force_login(user)
    client.cookies["jusoor_language"] = "en"
    return client


def test_a_running_job_shows_its_progress_and_reloads_itself_without_javascript(client, world):
    job = make_job(
        world,
        status=JobStatus.RUNNING,
        progress_done=250,
        progress_total=1000,
        message="Writing submissions",
    )
    page = english(client, world.users["shams_me_officer"]).get(job.get_absolute_url())
    text = page.content.decode()
    assert page.status_code == 200
    assert '<progress max="100" value="25"' in text
    assert "Writing submissions" in text and "250 / 1000" in text
    assert '<noscript><meta http-equiv="refresh"' in text
    assert "jobs/progress.js" in text
    assert reverse("jobs:download", args=[job.pk]) in text  # present, hidden until done
    assert 'data-job-field="download"' in text and "hidden" in text


def test_the_json_status_says_how_far_the_job_is(client, world):
    job = make_job(world, status=JobStatus.RUNNING, progress_done=3, progress_total=4)
    client = english(client, world.users["shams_programme_manager"])
    state = client.get(reverse("jobs:status_json", args=[job.pk])).json()
    assert state["status"] == "running" and state["status_label"] == "Running"
    assert (state["done"], state["total"], state["percent"]) == (3, 4, 75)
    assert state["finished"] is False and state["download_url"] == ""


def test_a_finished_job_offers_its_file_and_the_download_is_audited(client, world):
    job = finished_job(world, content=b"x,y\r\n")
    client = english(client, world.users["shams_me_officer"])
    state = client.get(reverse("jobs:status_json", args=[job.pk])).json()
    assert state["finished"] and state["percent"] == 100
    assert state["download_url"] == reverse("jobs:download", args=[job.pk])
    response = client.get(state["download_url"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"x,y\r\n"
    assert 'filename="survey.csv"' in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="job.download")
    assert event.actor == world.users["shams_me_officer"]
    assert event.data["kind"] == "surveys.export" and event.organisation_id == world.shams.pk


def test_an_unfinished_job_has_nothing_to_download(client, world):
    job = make_job(world, status=JobStatus.RUNNING)
    client.force_login(world.users["shams_me_officer"])
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="job.download").exists()


def test_an_outsider_gets_404_and_a_viewer_403(client, world):
    job = finished_job(world)
    client.force_login(world.users["outsider"])
    for name in ("jobs:status", "jobs:status_json", "jobs:download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    client.force_login(world.users["shams_viewer"])
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action="job.download").exists()


def test_an_export_with_personal_data_needs_the_right_to_see_it(client, world):
    job = finished_job(world, params={"form": 0, "format": "csv", "include_personal": True})
    client.force_login(world.users["shams_me_officer"])
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 200
    client.force_login(world.users["shams_facilitator"])  # personal data, but no forms
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 403


def test_cancelling_a_queued_job_stops_it(client, world):
    job = make_job(world)
    client = english(client, world.users["shams_me_officer"])
    response = client.post(reverse("jobs:cancel", args=[job.pk]), follow=True)
    assert "The job was cancelled." in response.content.decode()
    assert Job.objects.get(pk=job.pk).status == JobStatus.CANCELLED
    assert AuditEvent.objects.filter(action="job.cancel").exists()
