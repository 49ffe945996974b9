"""The web form: a Django form built from a form version, checked on the server.

Relevance, required, constraints (with their messages), calculations and choice filters are
evaluated in form order with ``xpath.Evaluator``; answers to questions that are not relevant are
dropped, as ODK Collect drops them. A repeat group shows its entries one under the other ("add an
entry" saves the draft and adds one); inside an entry ``${name}`` means that entry's answer, as in
ODK. Nested repeats and types the web form cannot show are named on the page and left to ODK
Collect.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _

from jusoor.core.forms import BaseForm
from jusoor.surveys.xlsform import (
    CHOICE_TYPES,
    META_TYPES,
    choices_from_answers,
    choices_in_a_file,
    label_of,
)
from jusoor.surveys.xpath import Evaluator, XPathError, as_bool, as_text

SELECT_ONE = "select one"
SELECT_MULTIPLE = "select all that apply"
RANK = "rank"
FIELD_TYPES = {
    "text",
    "integer",
    "decimal",
    SELECT_ONE,
    SELECT_MULTIPLE,
    RANK,
    "date",
    "time",
    "acknowledge",
}
RTL_LANGUAGES = ("(ar)", "arabic", "عربي", "(ckb)", "kurdish", "(fa)", "(ur)")
MAX_ENTRIES = 50


def field_name(path: str, index: int | None = None) -> str:
    name = path.replace("/", "__")
    return f"q__{name}" if index is None else f"r{index}__{name}"


def count_name(path: str) -> str:
    return "count__" + path.replace("/", "__")


def direction(language: str) -> str:
    """From the form's language, never guessed from the text."""
    lowered = language.lower()
    return "rtl" if any(mark in lowered for mark in RTL_LANGUAGES) else "ltr"


def language_code(language: str) -> str:
    if "(" in language and language.endswith(")"):
        return language.rsplit("(", 1)[1][:-1]
    return "ar" if direction(language) == "rtl" else "en"


class Entry:
    """What the page shows for one version in one language, and the checks it runs."""

    def __init__(self, version: Any, language: str) -> None:
        self.version = version
        self.language = language
        self.default_language = version.default_language
        self.questions = [q for q in version.questions if not q.get("meta")]
        self.by_name = {q["name"]: q for q in version.questions}
        nested = {q["repeat"] for q in self.questions if q["type"] == "repeat" and q.get("repeat")}
        # Repeats the web form takes: at the top level, with no repeat inside.
        self.repeats = {
            q["path"]: [c for c in self.questions if c.get("repeat") == q["path"]]
            for q in self.questions
            if q["type"] == "repeat" and not q.get("repeat") and q["path"] not in nested
        }

    def label(self, item: dict[str, Any]) -> str:
        return label_of(item, self.language, self.default_language)

    def scope(self, question: dict[str, Any]) -> str | None:
        """ "" at the top level, the repeat's path inside a web repeat, None if not on the page."""
        repeat = question.get("repeat") or ""
        if not repeat:
            return ""
        return repeat if repeat in self.repeats else None

    def shown(self, question: dict[str, Any]) -> bool:
        return (
            question["type"] in FIELD_TYPES
            and self.scope(question) is not None
            and not choices_in_a_file(question)
        )

    def left_to_collect(self) -> list[dict[str, Any]]:
        """Questions the web form cannot take: unsupported types, choices it does not have,
        and nested repeats."""
        return [
            q
            for q in self.questions
            if self.scope(q) is not None
            and not (q["type"] == "repeat" and q["path"] in self.repeats)
            and q["type"] not in META_TYPES | {"note", "calculate", "group"}
            and not self.shown(q)
        ]

    # --- evaluation ----------------------------------------------------------------------------

    def evaluator(
        self,
        answers: dict[str, Any],
        current: Any = "",
        names: dict[str, Any] | None = None,
        local: dict[str, Any] | None = None,
    ) -> Evaluator:
        def lookup(name: str) -> Any:
            question = self.by_name.get(name)
            if question is None:
                raise XPathError(_("${%(name)s} names no question of this form.") % {"name": name})
            if local is not None and question["path"] in local:
                return local[question["path"]]
            return answers.get(question["path"], "")

        return Evaluator(lookup, current, names)

    def choices(
        self,
        question: dict[str, Any],
        answers: dict[str, Any],
        local: dict[str, Any] | None = None,
    ) -> list[tuple[str, str]]:
        source = choices_from_answers(question)
        if source:
            return self._earlier_answers(question, source, answers)
        rule = question.get("choice_filter") or ""
        result = []
        for choice in question["choices"]:
            if rule:
                names = {k: v for k, v in choice.items() if k != "label"}
                try:
                    if not self.evaluator(answers, names=names, local=local).truth(rule):
                        continue
                except XPathError:
                    pass  # shown rather than hidden; the page lists the expression problem
            result.append((choice["name"], self.label(choice)))
        return result

    def _earlier_answers(
        self, question: dict[str, Any], source: str, answers: dict[str, Any]
    ) -> list[tuple[str, str]]:
        """``select_one ${name}``: the answers given to ``name`` (in each entry of its repeat),
        each once, kept by the choice filter evaluated on that entry (in ``${age} < 18``, the
        entry's age), as ODK Collect offers them."""
        origin = self.by_name.get(source)
        if origin is None:
            return []
        rule = question.get("choice_filter") or ""
        repeat = origin.get("repeat") or ""
        entries = (answers.get(repeat) or []) if repeat else [answers]
        found: list[str] = []
        for entry in entries:
            value = str(entry.get(origin["path"]) or "").strip()
            if not value:
                continue
            if rule:
                try:
                    if not self.evaluator(answers, local=entry).truth(rule):
                        continue
                except XPathError:
                    pass  # shown rather than hidden; the page lists the expression problem
            found.append(value)
        return [(value, value) for value in dict.fromkeys(found)]

    def _try(
        self,
        answers: dict[str, Any],
        expression: str,
        default: Any,
        current: Any = "",
        local: dict[str, Any] | None = None,
    ) -> Any:
        # An expression outside the subset was listed at upload (by row); here it neither
        # blocks the enumerator nor silently decides: the rule is skipped, ODK Collect applies it.
        try:
            return self.evaluator(answers, current=current, local=local).evaluate(expression)
        except XPathError:
            return default

    def walk(self, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str], set[str]]:
        """(answers kept, errors by field name, names of fields not relevant), in form order."""
        answers: dict[str, Any] = {}
        errors: dict[str, str] = {}
        hidden: set[str] = set()
        hidden_paths: set[str] = set()
        for question in self.questions:
            if question.get("repeat"):
                continue  # handled with its repeat
            path = question["path"]
            parent = path.rsplit("/", 1)[0] if "/" in path else ""
            relevant = question.get("relevant") or ""
            if parent in hidden_paths or (
                relevant and not as_bool(self._try(answers, relevant, True))
            ):
                hidden_paths.add(path)
                hidden.add(field_name(path))
                continue
            if question["type"] == "repeat":
                if path in self.repeats:
                    entries = []
                    for index, typed in enumerate(values.get(path) or []):
                        if not any(v not in ("", None) for v in typed.values()):
                            continue  # an entry left empty is no entry
                        local = self._check(
                            self.repeats[path], typed, answers, index, errors, hidden
                        )
                        entries.append(local)
                    if entries:
                        answers[path] = entries
                continue
            self._check([question], values, answers, None, errors, hidden, into=answers)
        return answers, errors, hidden

    def _check(
        self,
        questions: list[dict[str, Any]],
        values: dict[str, Any],
        answers: dict[str, Any],
        index: int | None,
        errors: dict[str, str],
        hidden: set[str],
        into: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Check questions of one scope; inside a repeat ``local`` holds the entry's answers."""
        local: dict[str, Any] = {} if into is None else into
        inner = None if into is not None else local
        hidden_paths: set[str] = set()
        for question in questions:
            path = question["path"]
            name = field_name(path, index)
            parent = path.rsplit("/", 1)[0] if "/" in path else ""
            relevant = question.get("relevant") or ""
            if parent in hidden_paths or (
                relevant and not as_bool(self._try(answers, relevant, True, local=inner))
            ):
                hidden_paths.add(path)
                hidden.add(name)
                continue
            if question["type"] == "calculate" and question.get("calculation"):
                local[path] = as_text(self._try(answers, question["calculation"], "", local=inner))
                continue
            if not self.shown(question):
                continue
            value = values.get(path, "")
            if value in ("", None):
                if question.get("required"):
                    errors[name] = _("This question needs an answer.")
                continue
            if question["type"] in CHOICE_TYPES:
                allowed = {n for n, _label in self.choices(question, answers, inner)}
                # One answer of a select_one may hold spaces (a name given earlier).
                given = [str(value)] if question["type"] == SELECT_ONE else str(value).split()
                if any(v not in allowed for v in given):
                    errors[name] = _("This choice is not available with the answers above.")
                    continue
            constraint = question.get("constraint") or ""
            if constraint and not as_bool(
                self._try(answers, constraint, True, current=value, local=inner)
            ):
                message = label_of(
                    {"label": question.get("constraint_message") or {}},
                    self.language,
                    self.default_language,
                )
                errors[name] = message or _("This answer is not allowed.")
                continue
            local[path] = value
        return local


def _to_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "OK" if value else ""
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S.000")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _field(entry: Entry, question: dict[str, Any], choices: list[tuple[str, str]]) -> forms.Field:
    kind = question["type"]
    options: dict[str, Any] = {"label": entry.label(question), "required": False}
    hint = entry.label({"label": question.get("hint") or {}})
    if choices_from_answers(question):
        earlier = _("The choices are answers given above: check and save the draft to see them.")
        hint = f"{hint} {earlier}".strip()
    if hint:
        options["help_text"] = hint
    attrs = {"readonly": "readonly"} if question.get("read_only") else {}
    if kind == "text":
        multiline = "multiline" in (question.get("appearance") or "")
        widget = forms.Textarea(attrs={"rows": 3, **attrs}) if multiline else forms.TextInput(attrs)
        field: forms.Field = forms.CharField(widget=widget, **options)
    elif kind == "integer":
        field = forms.IntegerField(**options)
    elif kind == "decimal":
        field = forms.DecimalField(**options)
    elif kind == SELECT_ONE:
        field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **options)
    elif kind == SELECT_MULTIPLE:
        field = forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **options
        )
    elif kind == RANK:
        field = RankField(choices, **options)
    elif kind == "date":
        field = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **options)
    elif kind == "time":
        field = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), **options)
    else:  # acknowledge
        field = forms.BooleanField(**options)
    if question.get("required"):
        field.widget.attrs["aria-required"] = "true"
    return field


def _initial(question: dict[str, Any], value: Any) -> Any:
    if value in (None, ""):
        value = question.get("default") or ""
    return str(value).split() if question["type"] in (SELECT_MULTIPLE, RANK) else value


class RankWidget(forms.MultiWidget):
    """One list per place, first to last, each offering every choice: works without script
    and reads in order with a screen reader."""

    template_name = "surveys/widgets/rank.html"

    def __init__(self, choices: list[tuple[str, str]]) -> None:
        blank = [("", "—")]
        super().__init__([forms.Select(choices=blank + choices) for _choice in choices])

    def decompress(self, value: Any) -> list[str]:
        return list(value) if isinstance(value, list | tuple) else str(value or "").split()


class RankField(forms.MultiValueField):
    """A rank question (ODK's ``odk:rank``): every choice put in order; the value is their
    names, first to last, as ODK Collect sends it."""

    def __init__(self, choices: list[tuple[str, str]], **options: Any) -> None:
        places = [forms.ChoiceField(choices=choices, required=False) for _choice in choices]
        super().__init__(places, widget=RankWidget(choices), require_all_fields=False, **options)

    def compress(self, data_list: list[str]) -> list[str]:
        chosen = [name for name in data_list if name]
        if not chosen:
            return []
        if len(set(chosen)) < len(chosen):
            raise forms.ValidationError(_("Each choice can take only one place."))
        if len(chosen) < len(self.fields):
            raise forms.ValidationError(_("Put every choice in a place."))
        return chosen


def build_form(
    entry: Entry,
    data: Any = None,
    initial: dict[str, Any] | None = None,
    counts: dict[str, int] | None = None,
) -> BaseForm:
    """A Django form with one field per question the web form takes (per repeat entry)."""
    current = dict(initial or {})
    counts = counts or {}
    fields: dict[str, forms.Field] = {}
    initial_values: dict[str, Any] = {}
    for question in entry.questions:
        if question.get("repeat") or not (
            entry.shown(question) or question["path"] in entry.repeats
        ):
            continue
        path = question["path"]
        if path in entry.repeats:
            typed = current.get(path) or []
            for index in range(counts.get(path, max(len(typed), 1))):
                local = typed[index] if index < len(typed) else {}
                for child in entry.repeats[path]:
                    if not entry.shown(child):
                        continue
                    field = _field(entry, child, entry.choices(child, current, local))
                    field.question, field.index = child, index  # type: ignore[attr-defined]
                    name = field_name(child["path"], index)
                    fields[name] = field
                    initial_values[name] = _initial(child, local.get(child["path"]))
            continue
        field = _field(entry, question, entry.choices(question, current))
        field.question, field.index = question, None  # type: ignore[attr-defined]
        fields[field_name(path)] = field
        initial_values[field_name(path)] = _initial(question, current.get(path))
    form_class = type("WebEntryForm", (BaseForm,), dict(fields))  # the metaclass empties it
    form = form_class(data, initial=initial_values)
    form.counts = {  # type: ignore[attr-defined]
        path: counts.get(path, max(len(current.get(path) or []), 1)) for path in entry.repeats
    }
    return form


def _collect(form: BaseForm, value_of: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for path, count in form.counts.items():  # type: ignore[attr-defined]
        values[path] = [{} for _ in range(count)]
    for name, field in form.fields.items():
        question, index = field.question, field.index  # type: ignore[attr-defined]
        value = value_of(name)
        if index is None:
            values[question["path"]] = value
        else:
            values[question["repeat"]][index][question["path"]] = value
    return values


def posted_answers(form: BaseForm) -> dict[str, Any]:
    """The answers as XML text, from a bound form whose fields were cleaned."""
    return _collect(form, lambda name: _to_text(form.cleaned_data.get(name)))


def draft_answers(form: BaseForm) -> dict[str, Any]:
    """What was typed, cleaned where it could be, for a draft (invalid values kept as typed)."""
    form.is_valid()

    def value_of(name: str) -> str:
        if name in form.cleaned_data:
            return _to_text(form.cleaned_data[name])
        field = form.fields[name]
        if isinstance(field, forms.MultiValueField):  # a rank left half done: the places given
            parts = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
            return " ".join(part for part in parts if part)
        raw = form.data.getlist(form.add_prefix(name)) if hasattr(form.data, "getlist") else []
        return " ".join(raw)

    return _collect(form, value_of)


def counts_from(entry: Entry, data: Any, add: str = "") -> dict[str, int]:
    counts = {}
    for path in entry.repeats:
        try:
            count = int(data.get(count_name(path), 1))
        except (TypeError, ValueError):
            count = 1
        counts[path] = min(MAX_ENTRIES, max(1, count + (1 if path == add else 0)))
    return counts


def check(entry: Entry, form: BaseForm) -> dict[str, Any] | None:
    """Run the form's rules; answers to submit, or None with the errors put on the form."""
    if not form.is_valid():
        return None
    answers, errors, _hidden = entry.walk(posted_answers(form))
    for name, message in errors.items():
        form.add_error(name if name in form.fields else None, message)
    if errors:
        return None
    now = timezone.now().isoformat(timespec="milliseconds")
    for question in entry.version.questions:
        if question["type"] in ("start", "end"):
            answers[question["path"]] = now
        elif question["type"] == "today":
            answers[question["path"]] = timezone.localdate().isoformat()
    return answers


def read_post(entry: Entry, post: Any, current: dict[str, Any]) -> tuple[str, dict[str, Any], Any]:
    """What a posted page says: the action asked, the answers typed so far (kept as a draft even
    where they do not pass), and the form to show again (with one more entry when adding)."""
    action = post.get("action", "")
    counts = counts_from(entry, post)
    typed = draft_answers(build_form(entry, post, current, counts))
    if action.startswith("add:"):
        counts = counts_from(entry, post, add=action[4:])
    return action, typed, build_form(entry, post, typed, counts)
