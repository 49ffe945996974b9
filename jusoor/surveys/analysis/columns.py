"""A form's submissions as numpy columns, one per question, across all its versions.

Questions are known by their XLSForm ``name`` (the last part of their path), which stays the same
when a question moves between groups in a later version; each submission is read with the question
map of the version it was made with. Personal-data questions (``jusoor::pii``) are never read: only
``Submission.answers`` is loaded, never the sealed ``pii`` field.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models.fields.json import KeyTextTransform

from jusoor.surveys.models import Form, FormVersion, Submission, SubmissionStatus
from jusoor.surveys.xlsform import label_of, language_for

SELECT_ONE = "select one"
SELECT_MULTIPLE = "select all that apply"
NUMERIC_TYPES = {"integer", "decimal", "range"}
RANK = "rank"
ANALYSABLE = {SELECT_ONE, SELECT_MULTIPLE, RANK, *NUMERIC_TYPES}

#: How the roles the analysis needs are recognised: by the question's name, or its HXL hashtag.
ROLE_NAMES: dict[str, set[str]] = {
    "area": {"area", "sub_district", "subdistrict", "district", "location", "adm3", "adm2"},
    "sex": {"sex", "gender"},
    "age_band": {"age_band", "age_group", "ageband", "agegroup"},
    "target_group": {"target_group", "targetgroup", "respondent_group", "group_type"},
    "cluster": {"cluster", "psu", "village", "community", "enumeration_area"},
}
ROLE_HXL: dict[str, tuple[str, ...]] = {
    "area": ("#adm3", "#adm2", "#adm1"),
    "sex": ("#sex", "#gender"),
    "age_band": ("#age+band", "#age+group"),
    "target_group": ("#targeted", "#group"),
    "cluster": ("#loc+cluster", "#cluster"),
}
ROLES = ("area", "sex", "age_band", "target_group")
AGE_NAMES = {"age", "respondent_age"}
#: Bands of geo.AgeBand, as (code, lowest age, highest age).
AGE_BANDS = [
    ("0-14", 0, 14),
    ("15-17", 15, 17),
    ("18-24", 18, 24),
    ("25-29", 25, 29),
    ("30-44", 30, 44),
    ("45-59", 45, 59),
    ("60+", 60, 200),
]


@dataclass
class Question:
    """One analysable question of the form, under its stable name."""

    name: str
    path: str  # in the current version
    type: str
    kind: str  # select_one | likert | select_multiple | numeric | rank
    labels: dict[str, str]
    choices: list[dict[str, Any]] = field(default_factory=list)
    hxl: str = ""
    appearance: str = ""

    def label(self, language: str, default_language: str = "") -> str:
        return label_of({"label": self.labels, "name": self.name}, language, default_language)


def _kind(q: dict[str, Any]) -> str:
    if q["type"] == SELECT_ONE:
        names = [c["name"] for c in q.get("choices") or []]
        numbered = len(names) >= 3 and names == [str(i) for i in range(1, len(names) + 1)]
        if "likert" in (q.get("appearance") or "") or numbered:
            return "likert"
        return "select_one"
    if q["type"] == SELECT_MULTIPLE:
        return "select_multiple"
    if q["type"] == RANK:
        return "rank"
    return "numeric"


def analysable(version: FormVersion) -> list[Question]:
    """The questions of a version that can be estimated: one answer per respondent (not inside a
    repeat), not personal data, a choice, rank or number."""
    found = []
    for q in version.questions:
        if q.get("meta") or q.get("pii") or q.get("repeat") or q["type"] not in ANALYSABLE:
            continue
        if q["type"] in (SELECT_ONE, SELECT_MULTIPLE, RANK) and not q.get("choices"):
            continue  # choices from an external file: nothing to label the answers with
        found.append(
            Question(
                name=q["name"],
                path=q["path"],
                type=q["type"],
                kind=_kind(q),
                labels=dict(q.get("label") or {}),
                choices=[dict(c) for c in q.get("choices") or []],
                hxl=q.get("hxl") or "",
                appearance=q.get("appearance") or "",
            )
        )
    return found


def find_roles(questions: Iterable[Question]) -> dict[str, Question]:
    """Which question gives the area, sex, age band, target group and cluster of a respondent.

    A select_one question named like the role (``sex``, ``age_band``, ``area``, ``target_group``,
    ``cluster``) or tagged with its HXL hashtag (``#sex``, ``#age+band``, ``#adm3+code``, …);
    the name wins over the hashtag."""
    questions = [q for q in questions if q.type == SELECT_ONE]
    roles: dict[str, Question] = {}
    for role in (*ROLES, "cluster"):
        by_name = [q for q in questions if q.name.lower() in ROLE_NAMES[role]]
        by_tag = [
            q for q in questions if q.hxl and q.hxl.lower().startswith(ROLE_HXL[role]) and q.hxl
        ]
        chosen = (by_name or by_tag or [None])[0]
        if chosen is not None and chosen not in roles.values():
            roles[role] = chosen
    return roles


def age_question(questions: Iterable[Question]) -> Question | None:
    """An integer age question, to derive age bands when the form asks the age itself."""
    for q in questions:
        if q.type == "integer" and (q.name.lower() in AGE_NAMES or q.hxl.startswith("#age")):
            return q
    return None


@dataclass
class Dataset:
    """Row-aligned raw answers of the submissions analysed, per stable question name."""

    form: Form
    version: FormVersion
    questions: dict[str, Question]
    rows: int
    synthetic: int
    raw: dict[str, list[Any]]  # name -> one raw answer (str or None) per row
    extra_choices: dict[str, list[str]]  # answers seen that the current version does not list

    def language(self, code: str) -> str:
        return language_for(self.version.languages, code)


def submissions(form: Form):  # type: ignore[no-untyped-def]
    """The submissions an analysis counts: the current one of each respondent, not rejected."""
    return Submission.objects.filter(form=form, is_current=True).exclude(
        status=SubmissionStatus.REJECTED
    )


def _plain(value: Any) -> Any:
    """An answer as the database returns it; empty, or a repeat's list, is no answer."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value[:1] in ("[", "{"):
        return None
    return value


def count_rows(form: Form) -> int:
    return submissions(form).count()


def load(form: Form, names: Iterable[str]) -> Dataset:
    """Read the answers to ``names`` from every counted submission, whatever its version.

    Only the ``answers`` JSON is selected (never the personal-data field); each version's paths
    are mapped to the stable names once, not per row.
    """
    version = form.current_version
    if version is None:
        raise LookupError("form has no version")
    current = {q.name: q for q in analysable(version)}
    wanted = [n for n in dict.fromkeys(names) if n in current]
    versions = form.versions.only("pk", "questions")
    raw: dict[str, list[Any]] = {n: [] for n in wanted}
    synthetic = 0
    rows = 0
    for v in versions:
        by_name: dict[str, str] = {}
        for q in v.questions:
            if q.get("pii") or q.get("repeat"):
                continue
            by_name.setdefault(q["name"], q["path"])
        # The database extracts each answer (JSON key -> text): no row's JSON is parsed here.
        present = [n for n in wanted if n in by_name]
        fields = {f"a{i}": KeyTextTransform(by_name[n], "answers") for i, n in enumerate(present)}
        query = (
            submissions(form)
            .filter(version_id=v.pk)
            .annotate(**fields)
            .order_by("pk")
            .values_list("synthetic", *fields)
        )
        count = 0
        columns: list[list[Any]] = [[] for _ in present]
        for record in query.iterator(chunk_size=5000):
            count += 1
            synthetic += bool(record[0])
            for column, value in zip(columns, record[1:], strict=True):
                column.append(_plain(value))
        rows += count
        for n in wanted:
            if n in by_name:
                raw[n] += columns[present.index(n)]
            else:
                raw[n] += [None] * count
    extra: dict[str, list[str]] = {}
    for n in wanted:
        q = current[n]
        if q.type == SELECT_ONE:
            known = {c["name"] for c in q.choices}
            seen = {v for v in raw[n] if v is not None} - known
            if seen:
                extra[n] = sorted(str(v) for v in seen)
        elif q.type in (SELECT_MULTIPLE, RANK):
            known = {c["name"] for c in q.choices}
            seen = {p for v in raw[n] if v is not None for p in str(v).split()} - known
            if seen:
                extra[n] = sorted(seen)
    return Dataset(form, version, current, rows, synthetic, raw, extra)


# --- columns for the engine ----------------------------------------------------------------------


def category_names(data: Dataset, name: str) -> list[str]:
    q = data.questions[name]
    return [c["name"] for c in q.choices] + data.extra_choices.get(name, [])


def codes(data: Dataset, name: str) -> np.ndarray:
    """select_one answers as codes into :func:`category_names` (-1 = not answered)."""
    index = {c: i for i, c in enumerate(category_names(data, name))}
    return np.fromiter(
        (index.get(str(v), -1) if v is not None else -1 for v in data.raw[name]),
        dtype=np.int64,
        count=data.rows,
    )


def ticks(data: Dataset, name: str) -> dict[str, np.ndarray]:
    """select_multiple answers as one 0/1 column per choice (-1 = question not answered)."""
    cats = category_names(data, name)
    out = {c: np.full(data.rows, -1, dtype=np.int64) for c in cats}
    for row, value in enumerate(data.raw[name]):
        if value is None:
            continue
        chosen = set(str(value).split())
        for c in cats:
            out[c][row] = 1 if c in chosen else 0
    return out


def ranks(data: Dataset, name: str) -> dict[str, np.ndarray]:
    """rank answers (options in order, space-separated) as one rank column per option."""
    cats = category_names(data, name)
    out = {c: np.full(data.rows, np.nan) for c in cats}
    for row, value in enumerate(data.raw[name]):
        if value is None:
            continue
        for position, option in enumerate(str(value).split(), start=1):
            if option in out:
                out[option][row] = position
    return out


def numbers(data: Dataset, name: str) -> np.ndarray:
    """Numeric answers as floats (NaN = not answered or not a number)."""

    def number(v: Any) -> float:
        try:
            x = float(v)
        except (TypeError, ValueError):
            return np.nan
        return x if np.isfinite(x) else np.nan

    return np.fromiter((number(v) for v in data.raw[name]), dtype=np.float64, count=data.rows)


def age_bands(data: Dataset, name: str) -> tuple[np.ndarray, list[str]]:
    """Ages (an integer question) as codes into the geo age bands present in the answers."""
    ages = numbers(data, name)
    band = np.full(data.rows, -1, dtype=np.int64)
    for i, (_code, low, high) in enumerate(AGE_BANDS):
        band[(ages >= low) & (ages <= high)] = i
    present = sorted(set(band[band >= 0].tolist()))
    remap = np.full(len(AGE_BANDS) + 1, -1, dtype=np.int64)
    for new, old in enumerate(present):
        remap[old] = new
    return np.where(band >= 0, remap[band], -1), [AGE_BANDS[i][0] for i in present]
