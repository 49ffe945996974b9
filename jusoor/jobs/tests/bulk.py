"""Many synthetic submissions of the demo survey, quickly: for the export benchmark and the
worker tests. Each is flagged synthetic, as in the demo."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import uuid
from typing import Any

from jusoor.programmes.models import Project
from jusoor.surveys import demo, openrosa, services
from jusoor.surveys.models import Channel, Form, Submission, SubmissionStatus

NAMESPACE = uuid.UUID("8a4e0c2b-5f1d-4e7a-9c3b-6d2f1e0a9b87")


def demo_form(project: Project) -> Form:
    """The demo questionnaire, uploaded into ``project`` (a fresh form with no submissions)."""
    content = demo.XLSFORM_PATH.read_bytes()
    return services.upload_form(None, project, content, demo.XLSFORM_PATH.name).form


def add_submissions(form: Form, count: int, *, chunk: int = 2000, seed: int = 7) -> int:
    """Bulk-insert ``count`` synthetic respondents into ``form``; returns how many."""
    version = form.current_version
    assert version is not None
    personal = services.personal_paths(version)
    rng = random.Random(seed)
    start = dt.datetime(2023, 8, 5, 6, 0, tzinfo=dt.UTC)
    batch: list[Submission] = []
    for index in range(count):
        answers: dict[str, Any] = demo.respondent(index, rng)
        key = f"uuid:{uuid.uuid5(NAMESPACE, f'{form.form_id}-{index}')}"
        raw = openrosa.build_xml(
            version.definition, form.form_id, version.version, {**answers, "meta/instanceID": key}
        )
        plain, private = openrosa.split_personal(answers, personal)
        batch.append(
            Submission(
                form=form,
                version=version,
                instance_id=key,
                xml=raw.decode("utf-8"),
                xml_sha256=hashlib.sha256(raw).hexdigest(),
                answers=plain,
                pii=json.dumps(private, ensure_ascii=False) if private else "",
                channel=Channel.DEMO,
                received_at=start + dt.timedelta(minutes=index),
                status=SubmissionStatus.APPROVED if index % 10 else SubmissionStatus.RECEIVED,
                synthetic=True,
            )
        )
        if len(batch) >= chunk:
            Submission.objects.bulk_create(batch)
            batch = []
    Submission.objects.bulk_create(batch)
    return count
