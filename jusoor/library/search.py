"""Arabic-aware search over the resources a visitor may see, on SQLite FTS5 or PostgreSQL.

Both backends index the same thing — the Arabic engine's normalised, stemmed terms — and receive
the same parsed query (``query.parse``), so they find the same resources; they differ only in the
ranking function (FTS5 bm25, PostgreSQL ts_rank_cd). Every group of the query must match; when no
resource has them all, the search relaxes to any of them and says so.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.utils import translation

from jusoor.accounts.models import User
from jusoor.engines.arabic import search_terms
from jusoor.library import query as query_module
from jusoor.library.access import scope_of, visible_resources
from jusoor.library.models import (
    Audience,
    Kind,
    Language,
    Resource,
    ResourceVersion,
    SearchDocument,
    Theme,
    Visibility,
)
from jusoor.library.snippets import snippet

FACETS = ("kind", "language", "audience", "theme", "year")


def document_terms(resource: Resource, text: str = "") -> tuple[str, str]:
    """The (title, body) terms a resource is indexed under: titles; summaries, labels and text."""
    title = " ".join(search_terms(f"{resource.title_ar}\n{resource.title_en}"))
    labels = []
    for language in ("ar", "en"):
        with translation.override(language):
            labels.append(str(dict(Kind.choices).get(resource.kind, "")))
            labels += resource.theme_labels() + resource.audience_labels()
    body = " ".join(
        search_terms("\n".join([resource.summary_ar, resource.summary_en, *labels, text]))
    )
    return title, body


def document_tags(resource: Resource) -> str:
    """Visibility and facets as index words (letters and digits only, as FTS5 tokenises them)."""
    tags = [f"o{resource.owner_id}", f"k{resource.kind}", f"l{resource.language}"]
    if resource.visibility != Visibility.PUBLIC:
        tags.append("vprivate")
    if resource.visibility == Visibility.PROJECT and resource.project_id:
        tags.append(f"pv{resource.project_id}")
    tags += [f"a{a}" for a in resource.audience_list] + [f"t{t}" for t in resource.theme_list]
    if resource.published_on:
        tags.append(f"y{resource.published_on.year}")
    return " ".join(_TAG_CHARS.sub("", tag) for tag in tags)


_TAG_CHARS = re.compile(r"[^0-9a-z]")


def index_resource(resource: Resource) -> None:
    """Bring the resource's search document up to date (the full-text index follows it)."""
    version = resource.versions.order_by("-number").only("text").first()
    title, body = document_terms(resource, version.text if version else "")
    SearchDocument.objects.update_or_create(
        resource=resource,
        defaults={"title_terms": title, "body_terms": body, "tags": document_tags(resource)},
    )


@dataclass(frozen=True)
class Within:
    """The resources a search may return, twice: as a queryset and as an FTS5 tag expression."""

    queryset: QuerySet[Resource]
    fts5_required: tuple[str, ...]  # tag conditions every result meets (the filters)
    fts5_hidden: str  # the private resources this visitor may not see


def within(user: User, filters: dict[str, str]) -> Within:
    org_ids, project_ids = scope_of(user)
    queryset = apply_filters(visible_resources(user), filters)
    required = [
        f'tags : "{prefix}{_TAG_CHARS.sub("", str(filters[name]).lower())}"'
        for name, prefix in (
            ("kind", "k"),
            ("language", "l"),
            ("audience", "a"),
            ("theme", "t"),
            ("year", "y"),
        )
        if filters.get(name)
    ]
    allowed = [f'"o{pk}"' for pk in org_ids] + [f'"pv{pk}"' for pk in project_ids]
    hidden = 'tags : "vprivate"'
    if allowed:
        hidden = f"({hidden} NOT tags : ({' OR '.join(allowed)}))"
    return Within(queryset, tuple(required), hidden)


def _where(queryset: QuerySet[Resource]) -> tuple[str, list[Any]] | None:
    """The WHERE clause of a queryset of resources, for the raw ranked query (None: matches none)."""
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.compile(queryset.query.where)
    except EmptyResultSet:
        return None
    return (sql or "1=1"), list(params)


def _fts5_full(parsed: query_module.ParsedQuery, scope: Within, every: bool) -> str:
    """The query, the filters' tags, minus the private resources the visitor may not see."""
    match = [f"({query_module.fts5_match(parsed, every=every)})", *scope.fts5_required]
    return f"({' AND '.join(match)}) NOT {scope.fts5_hidden}"


def _fts5_count(match: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM library_fts WHERE library_fts MATCH %s", [match])
        return int(cursor.fetchone()[0])


def _fts5_rank(match: str, limit: int, offset: int) -> list[tuple[int, float]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid, -bm25(library_fts, 4.0, 1.0, 0.0) AS score FROM library_fts"
            " WHERE library_fts MATCH %s ORDER BY score DESC, rowid DESC LIMIT %s OFFSET %s",
            [match, limit, offset],
        )
        return [(row[0], float(row[1])) for row in cursor.fetchall()]


def ranked_ids(
    parsed: query_module.ParsedQuery,
    scope: Within,
    *,
    every: bool = True,
    limit: int = 20,
    offset: int = 0,
) -> list[tuple[int, float]]:
    """(resource id, score) of the best matches within ``scope``, best first.

    Ranking has two tiers on both backends: resources with a query word in their title, then the
    rest, each by the backend's relevance score. Besides being what readers expect, it keeps a
    query of common words fast: only the title tier is scored until it runs out.
    """
    if not parsed:
        return []
    if connection.vendor == "postgresql":
        return _postgres_ranked(parsed, scope, every, limit, offset)
    full = _fts5_full(parsed, scope, every)
    title_any = query_module.fts5_title_any(parsed)
    first_tier = f"({full}) AND {title_any}"
    rows = _fts5_rank(first_tier, limit, offset)
    if len(rows) < limit:
        # The first tier ran out on this page: how many it had tells where the second starts.
        in_first = offset + len(rows) if rows or offset == 0 else _fts5_count(first_tier)
        rows += _fts5_rank(
            f"({full}) NOT {title_any}", limit - len(rows), max(0, offset - in_first)
        )
    return rows


def _postgres_ranked(
    parsed: query_module.ParsedQuery, scope: Within, every: bool, limit: int, offset: int
) -> list[tuple[int, float]]:
    where = _where(scope.queryset)
    if where is None:
        return []
    sql = (
        # Only constants and Django's compiled WHERE are formatted in; user values are params.
        "SELECT library_resource.id,"  # noqa: S608
        " ts_rank_cd(library_searchdocument.vector, q.query, 1) AS score"
        " FROM library_searchdocument JOIN library_resource"
        " ON library_resource.id = library_searchdocument.resource_id,"
        " to_tsquery('simple', %s) AS q(query), to_tsquery('simple', %s) AS t(query)"
        f" WHERE library_searchdocument.vector @@ q.query AND ({where[0]})"
        " ORDER BY (library_searchdocument.vector @@ t.query) DESC, score DESC,"
        " library_resource.id DESC LIMIT %s OFFSET %s"
    )
    params = [
        query_module.tsquery(parsed, every=every),
        query_module.tsquery_title_any(parsed),
        *where[1],
        limit,
        offset,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(row[0], float(row[1])) for row in cursor.fetchall()]


def _from_where(
    parsed: query_module.ParsedQuery, scope: Within, every: bool
) -> tuple[str, list[Any]] | None:
    """``FROM ... WHERE ...`` of the matches within ``scope`` (all of it with no query)."""
    where = _where(scope.queryset)
    if where is None:
        return None
    if not parsed:
        return f"library_resource WHERE ({where[0]})", where[1]
    if connection.vendor == "postgresql":
        return (
            "library_searchdocument JOIN library_resource"
            " ON library_resource.id = library_searchdocument.resource_id"
            " WHERE library_searchdocument.vector @@ to_tsquery('simple', %s)"
            f" AND ({where[0]})",
            [query_module.tsquery(parsed, every=every), *where[1]],
        )
    return (
        "library_fts JOIN library_resource ON library_resource.id = library_fts.rowid"
        " WHERE library_fts MATCH %s",
        [_fts5_full(parsed, scope, every)],
    )


def count_matches(parsed: query_module.ParsedQuery, scope: Within, *, every: bool = True) -> int:
    if parsed and connection.vendor == "sqlite":
        return _fts5_count(_fts5_full(parsed, scope, every))
    source = _from_where(parsed, scope, every)
    if source is None:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {source[0]}", source[1])  # noqa: S608
        return int(cursor.fetchone()[0])


def facet_rows(
    parsed: query_module.ParsedQuery, scope: Within, *, every: bool = True
) -> list[tuple[Any, ...]]:
    """One aggregate query: (kind, language, year, count, per-audience sums, per-theme sums)."""
    source = _from_where(parsed, scope, every)
    if source is None:
        return []
    year = (
        "to_char(library_resource.published_on, 'YYYY')"
        if connection.vendor == "postgresql"
        else "substr(library_resource.published_on, 1, 4)"
    )
    sums = [
        f"SUM(CASE WHEN library_resource.{column} LIKE %s THEN 1 ELSE 0 END)"
        for column, choices in (("audience", Audience), ("themes", Theme))
        for _choice in choices
    ]
    like = [f"%,{choice.value},%" for choices in (Audience, Theme) for choice in choices]
    sql = (
        f"SELECT library_resource.kind, library_resource.language, {year}, COUNT(*), "  # noqa: S608
        + ", ".join(sums)
        + f" FROM {source[0]} GROUP BY library_resource.kind, library_resource.language, {year}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*like, *source[1]])
        return cursor.fetchall()


@dataclass
class Hit:
    resource: Resource
    score: float
    snippet: str


@dataclass
class Results:
    text: str
    parsed: query_module.ParsedQuery
    hits: list[Hit]
    total: int
    facets: dict[str, list[tuple[str, str, int]]] = field(default_factory=dict)
    relaxed: bool = False  # no resource had every word; these have some of them
    nothing_to_search: bool = False  # text was typed but holds no word (only punctuation, marks)


def apply_filters(queryset: QuerySet[Resource], filters: dict[str, str]) -> QuerySet[Resource]:
    if filters.get("kind"):
        queryset = queryset.filter(kind=filters["kind"])
    if filters.get("language"):
        queryset = queryset.filter(language=filters["language"])
    if filters.get("audience"):
        queryset = queryset.filter(audience__contains=f",{filters['audience']},")
    if filters.get("theme"):
        queryset = queryset.filter(themes__contains=f",{filters['theme']},")
    if filters.get("year"):
        queryset = queryset.filter(published_on__year=int(filters["year"]))
    return queryset


def facet_counts(rows: list[tuple[Any, ...]]) -> dict[str, list[tuple[str, str, int]]]:
    """{facet: [(value, label, count)]}, largest first (years newest first)."""
    counters: dict[str, Counter[str]] = {name: Counter() for name in FACETS}
    audiences, themes = list(Audience), list(Theme)
    for kind, language, year, count, *sums in rows:
        counters["kind"][kind] += count
        counters["language"][language] += count
        if year:
            counters["year"][str(year)] += count
        for choice, n in zip(audiences + themes, sums, strict=True):
            if n:
                counters["audience" if choice in audiences else "theme"][choice.value] += int(n)
    labels = {
        "kind": dict(Kind.choices),
        "language": dict(Language.choices),
        "audience": dict(Audience.choices),
        "theme": dict(Theme.choices),
        "year": {},
    }
    out = {}
    for name, counter in counters.items():
        items = [(value, str(labels[name].get(value, value)), n) for value, n in counter.items()]
        if name == "year":
            items.sort(key=lambda item: item[0], reverse=True)
        else:
            items.sort(key=lambda item: (-item[2], item[1]))
        out[name] = items
    return out


def _snippet_for(resource: Resource, text: str, terms: frozenset[str]) -> str:
    """The passage with the query's words: from the summary in the reader's language first."""
    summary = resource.summary
    for source in (summary, resource.summary_ar, resource.summary_en, text):
        found = snippet(source, terms, need_hit=True) if source and terms else ""
        if found:
            return found
    return snippet(summary or text, terms)


def search(
    user: User,
    text: str,
    filters: dict[str, str] | None = None,
    *,
    page: int = 1,
    per_page: int = 20,
    with_facets: bool = True,
) -> Results:
    """The resources ``user`` may see that match ``text`` and ``filters``, best first."""
    filters = filters or {}
    scope = within(user, filters)
    base = scope.queryset
    parsed = query_module.parse(text)
    offset = (max(page, 1) - 1) * per_page
    relaxed = False
    if with_facets:
        rows = facet_rows(parsed, scope)
        if parsed and not rows and len(parsed.groups) > 1:
            relaxed = True
            rows = facet_rows(parsed, scope, every=False)
        total = sum(row[3] for row in rows)
    else:
        total = count_matches(parsed, scope)
        if parsed and not total and len(parsed.groups) > 1:
            relaxed = True
            total = count_matches(parsed, scope, every=False)
    if not parsed:
        page_items = list(
            base.select_related("owner").order_by("-published_on", "-id")[
                offset : offset + per_page
            ]
        )
        ranked = [(r.pk, 0.0) for r in page_items]
        by_id = {r.pk: r for r in page_items}
    else:
        ranked = ranked_ids(parsed, scope, every=not relaxed, limit=per_page, offset=offset)
        by_id = Resource.objects.select_related("owner").in_bulk([pk for pk, _ in ranked])
    texts = dict(
        ResourceVersion.objects.filter(resource_id__in=list(by_id))
        .order_by("resource_id", "number")
        .values_list("resource_id", "text")
    )  # the last (newest) version of each wins
    hits = [
        Hit(by_id[pk], score, _snippet_for(by_id[pk], texts.get(pk, ""), parsed.terms))
        for pk, score in ranked
        if pk in by_id
    ]
    return Results(
        text=text,
        parsed=parsed,
        hits=hits,
        total=total,
        facets=facet_counts(rows) if with_facets else {},
        relaxed=relaxed,
        nothing_to_search=not parsed and bool((text or "").strip()),
    )
