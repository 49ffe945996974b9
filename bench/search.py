"""Benchmark: the library's Arabic-aware search against the database's own full-text search.

Run ``.venv/bin/python bench/search.py [--docs N] [--postgres URL]`` (``BENCH_DATABASE_URL`` works
too). Each backend runs in a child process on a throwaway database: a SQLite file under /tmp, and,
when a PostgreSQL server is named, a database created on it and dropped afterwards.

The corpus is generated: background documents (common programme words and filler words, in Arabic
and English) and, for every concept of the test set, a few documents that mention it in one of its
spellings — with or without the article, with و/ب/ل, plural, with diacritics, with ه for ة, ا for
أ, ي for ى, a field synonym (غلو for تطرف, التحريض for خطاب الكراهية), an English inflection or a
British/American spelling. A query uses one spelling; a document is relevant to it when it mentions
all the query's concepts (gain 2 when the first is in its title, 1 when only in its body).

Jusoor's search is the library's ``search()`` itself (visibility checks, count, ranking, snippets).
The baseline is the same documents in the database's plain full-text search: FTS5 with its default
``unicode61`` tokeniser, PostgreSQL with its default text search configuration; the same query
words, all required, then any, the same title weighting, no Arabic handling. Quality: MRR@10 and
nDCG@10 over the queries. Speed: p50/p95 of Jusoor's ``search()`` over the test queries and broad
queries of common words (which match a large share of the corpus), after a warm-up.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Concepts: each a list of spellings met in real text. Queries below pick one spelling.
CONCEPTS: dict[str, list[str]] = {
    "extremism": [
        "التطرف",
        "تطرف",
        "والتطرف",
        "المتطرفين",
        "التّطرّف",
        "للتطرف",
        "متطرفة",
        "الغلو",
        "extremism",
        "extremists",
        "Extremist",
    ],
    "terrorism": [
        "الإرهاب",
        "الارهاب",
        "والإرهاب",
        "الإرهابيين",
        "إرهابية",
        "terrorism",
        "terrorist",
    ],
    "hate": ["خطاب الكراهية", "خطاب الكراهيه", "التحريض", "والتحريض", "hate speech", "incitement"],
    "reconciliation": [
        "المصالحة",
        "مصالحة",
        "والمصالحة",
        "المصالحه",
        "للمصالحة",
        "مصالحات",
        "reconciliation",
    ],
    "displaced": ["النازحين", "النازحون", "نازحين", "والنازحين", "للنازحين", "displaced", "IDPs"],
    "youth": ["الشباب", "شباب", "والشباب", "للشباب", "الشبابية", "youth", "Youth"],
    "women": ["المرأة", "المرأه", "للمرأة", "النساء", "نساء", "women", "Women"],
    "cohesion": [
        "التماسك المجتمعي",
        "والتماسك المجتمعي",
        "التعايش السلمي",
        "social cohesion",
        "coexistence",
    ],
    "peacebuilding": ["بناء السلام", "وبناء السلام", "peacebuilding", "Peacebuilding"],
    "returnees": ["العائدين", "العائدون", "عائدين", "والعائدين", "للعائدين", "returnees"],
    "prevention": [
        "الوقاية",
        "وقاية",
        "والوقاية",
        "الوقايه",
        "للوقاية",
        "prevention",
        "preventing",
    ],
    "dialogue": ["الحوار", "حوار", "والحوار", "للحوار", "الحوارات", "بالحوار"],
    "school": ["المدرسة", "مدرسة", "والمدرسة", "المدرسه", "للمدرسة", "بالمدرسة"],
    "teachers": ["المعلمين", "المعلمون", "معلمين", "والمعلمين", "للمعلمين", "المعلمات"],
    "clerics": ["رجال الدين", "ورجال الدين"],
    "facilitators": ["الميسرين", "الميسرون", "ميسرين", "والميسرين", "للميسرين", "الميسّرين"],
    "anbar": ["الأنبار", "الانبار", "والأنبار", "بالأنبار", "والانبار"],
    "ramadi": ["الرمادي", "والرمادي", "بالرمادي", "الرمادى"],
    "fallujah": ["الفلوجة", "الفلوجه", "والفلوجة", "بالفلوجة", "للفلوجة"],
    "questionnaire": ["الاستبيان", "استبيان", "والاستبيان", "الاستبيانات", "للاستبيان"],
    "rumours": ["الشائعات", "شائعات", "والشائعات", "الشايعات", "للشائعات"],
    "tolerance": ["التسامح", "تسامح", "والتسامح", "بالتسامح", "للتسامح", "التّسامح"],
    "violence": ["العنف", "عنف", "والعنف", "بالعنف", "للعنف"],
    "identity": ["الهوية", "هوية", "والهوية", "الهويه", "للهوية", "بالهوية"],
    "recruitment": [
        "التجنيد",
        "تجنيد",
        "والتجنيد",
        "للتجنيد",
        "بالتجنيد",
        "recruitment",
        "recruiting",
        "recruited",
    ],
    "internet": ["الإنترنت", "الانترنت", "والإنترنت", "بالانترنت", "للإنترنت"],
    "curricula": ["المناهج", "مناهج", "والمناهج", "للمناهج"],
    "unemployment": [
        "البطالة",
        "بطالة",
        "والبطالة",
        "البطاله",
        "للبطالة",
        "unemployment",
        "unemployed",
    ],
    "poverty": ["الفقر", "فقر", "والفقر", "للفقر", "بالفقر"],
    "camps": ["المخيمات", "مخيمات", "والمخيمات", "المخيم", "بالمخيمات"],
    "mental_health": ["الصحة النفسية", "والصحة النفسية", "الصحه النفسيه", "mental health"],
    "civic": ["المشاركة المدنية", "المشاركه المدنيه", "والمشاركة المدنية", "civic participation"],
    "local_leaders": [
        "القيادات المحلية",
        "قيادات محلية",
        "والقيادات المحلية",
        "local leaders",
        "local leader",
    ],
    "justice": [
        "العدالة الانتقالية",
        "العداله الانتقاليه",
        "والعدالة الانتقالية",
        "transitional justice",
    ],
    "radicalisation": [
        "radicalisation",
        "radicalization",
        "radicalised",
        "radicalized",
        "radicalising",
    ],
    "resilience": ["resilience", "resilient", "Resilience"],
    "survey": ["survey", "surveys", "surveyed", "surveying"],
    "tolerance_en": ["tolerance", "tolerant", "tolerate"],
    "dialogue_en": ["dialogue", "dialogues"],
    "teachers_en": ["teachers", "teacher", "teaching"],
    "facilitators_en": ["facilitators", "facilitator", "facilitation", "facilitating"],
    "misinformation": ["misinformation", "misinformed"],
    "organisations": ["organisations", "organizations", "organisation", "organization"],
    "mobilisation": ["mobilisation", "mobilization", "mobilised", "mobilizing"],
}

# (query, concepts it asks for). At least 60; spellings chosen to differ from many documents'.
QUERIES: list[tuple[str, list[str]]] = [
    ("التطرف", ["extremism"]),
    ("المتطرفين", ["extremism"]),
    ("والتطرف", ["extremism"]),
    ("التَّطَرُّف", ["extremism"]),
    ("الارهاب", ["terrorism"]),
    ("إرهابيين", ["terrorism"]),
    ("خطاب الكراهية", ["hate"]),
    ("التحريض", ["hate"]),
    ("المصالحه", ["reconciliation"]),
    ("مصالحة", ["reconciliation"]),
    ("النازحون", ["displaced"]),
    ("نازحين", ["displaced"]),
    ("الشبابية", ["youth"]),
    ("شباب", ["youth"]),
    ("النساء", ["women"]),
    ("المرأه", ["women"]),
    ("التماسك المجتمعي", ["cohesion"]),
    ("التعايش السلمي", ["cohesion"]),
    ("بناء السلام", ["peacebuilding"]),
    ("العائدون", ["returnees"]),
    ("للعائدين", ["returnees"]),
    ("الوقايه", ["prevention"]),
    ("وقاية", ["prevention"]),
    ("الحوارات", ["dialogue"]),
    ("بالحوار", ["dialogue"]),
    ("المدرسه", ["school"]),
    ("مدرسة", ["school"]),
    ("المعلمات", ["teachers"]),
    ("معلمين", ["teachers"]),
    ("رجال الدين", ["clerics"]),
    ("الميسّرين", ["facilitators"]),
    ("ميسرين", ["facilitators"]),
    ("الانبار", ["anbar"]),
    ("الرمادى", ["ramadi"]),
    ("الفلوجه", ["fallujah"]),
    ("الاستبيانات", ["questionnaire"]),
    ("الشايعات", ["rumours"]),
    ("التّسامح", ["tolerance"]),
    ("عنف", ["violence"]),
    ("الهويه", ["identity"]),
    ("تجنيد", ["recruitment"]),
    ("الانترنت", ["internet"]),
    ("مناهج", ["curricula"]),
    ("البطاله", ["unemployment"]),
    ("فقر", ["poverty"]),
    ("المخيم", ["camps"]),
    ("الصحه النفسيه", ["mental_health"]),
    ("المشاركة المدنية", ["civic"]),
    ("قيادات محلية", ["local_leaders"]),
    ("العدالة الانتقالية", ["justice"]),
    ("extremists", ["extremism"]),
    ("terrorist", ["terrorism"]),
    ("hate speech", ["hate"]),
    ("radicalization", ["radicalisation"]),
    ("radicalised", ["radicalisation"]),
    ("resilient", ["resilience"]),
    ("surveyed", ["survey"]),
    ("tolerant", ["tolerance_en"]),
    ("dialogues", ["dialogue_en"]),
    ("teacher", ["teachers_en"]),
    ("facilitation", ["facilitators_en"]),
    ("misinformed", ["misinformation"]),
    ("organizations", ["organisations"]),
    ("mobilization", ["mobilisation"]),
    ("recruited", ["recruitment"]),
    ("unemployed", ["unemployment"]),
    ("displaced", ["displaced"]),
    ("returnees", ["returnees"]),
    ("extremism الشباب", ["extremism", "youth"]),
    ("youth التطرف", ["youth", "extremism"]),
    ("reconciliation الرمادي", ["reconciliation", "ramadi"]),
    ("المتطرفين الانترنت", ["extremism", "internet"]),
    ("النساء المصالحة", ["women", "reconciliation"]),
    ('"خطاب الكراهية"', ["hate"]),
    ('"social cohesion"', ["cohesion"]),
]
PAIRS = sorted({tuple(concepts) for _q, concepts in QUERIES if len(concepts) > 1})

COMMON_AR = [
    "المشروع",
    "المنظمة",
    "الورشة",
    "المجتمع",
    "المحافظة",
    "التدريب",
    "الجلسة",
    "المشاركين",
    "الخطة",
    "التقرير",
    "النتائج",
    "البرنامج",
    "الأنشطة",
    "المحلي",
    "الدعم",
    "الفريق",
    "التنسيق",
    "المتابعة",
    "التقييم",
    "الميدانية",
    "الاجتماع",
    "البلدية",
    "المديرية",
    "الأهالي",
    "الاحتياجات",
    "التوصيات",
    "الشركاء",
    "التمويل",
    "الدراسة",
    "العمل",
]
COMMON_EN = [
    "project",
    "office",
    "workshop",
    "community",
    "province",
    "training",
    "session",
    "participants",
    "plan",
    "report",
    "results",
    "programme",
    "activities",
    "local",
    "support",
    "team",
    "coordination",
    "monitoring",
    "evaluation",
    "field",
    "meeting",
    "municipality",
    "district",
    "needs",
    "recommendations",
    "partners",
    "funding",
    "study",
    "work",
]
BROAD_QUERIES = [
    "المشروع",
    "التدريب",
    "المجتمع المحلي",
    "الورشة",
    "الدعم",
    "التقرير النتائج",
    "البرنامج",
    "المشاركين",
    "community",
    "training",
    "project report",
    "workshop",
    "results",
    "programme",
    "support",
    "meeting",
    "local community",
    "المحافظة",
    "الفريق",
    "التوصيات",
]
AR_LETTERS = "بتثجحخدذرزسشصضطظعغفقكلمنهوي"
EN_LETTERS = "bcdfghklmnprstvz"
EN_VOWELS = "aeiou"

LINE = re.compile(r"^BENCH ")


def _pseudo_words(rng: random.Random, count: int, arabic: bool, forbidden: set[str]) -> list[str]:
    from jusoor.engines.arabic import search_terms as library_terms

    words: set[str] = set()
    while len(words) < count:
        if arabic:
            word = "".join(rng.choice(AR_LETTERS) for _ in range(rng.randint(3, 6)))
        else:
            word = "".join(
                rng.choice(EN_LETTERS) + rng.choice(EN_VOWELS) for _ in range(rng.randint(2, 4))
            )
        terms = library_terms(word)
        if terms and not set(terms) & forbidden:
            words.add(word)
    return sorted(words)


def generate(docs: int, seed: int = 1404):
    """Documents as (title, body, language, concepts, title_concept), needles first."""
    from jusoor.engines.arabic import search_terms as library_terms

    rng = random.Random(seed)
    forbidden = {t for forms in CONCEPTS.values() for f in forms for t in library_terms(f)}
    filler_ar = _pseudo_words(rng, 6000, True, forbidden)
    filler_en = _pseudo_words(rng, 6000, False, forbidden)

    def filler(arabic: bool, n: int) -> list[str]:
        common, pseudo = (COMMON_AR, filler_ar) if arabic else (COMMON_EN, filler_en)
        return [
            rng.choice(common)
            if rng.random() < 0.35
            else pseudo[int(rng.paretovariate(1.1)) % len(pseudo)]
            for _ in range(n)
        ]

    def text(words: list[str]) -> str:
        return " ".join(words)

    out = []
    for concept, forms in CONCEPTS.items():
        arabic_forms = [f for f in forms if not f.isascii()]
        english_forms = [f for f in forms if f.isascii()]
        for i in range(6):
            pool = (
                english_forms
                if not arabic_forms or (english_forms and i in (2, 5))
                else arabic_forms
            )
            form = pool[(i * 2 + 1) % len(pool)] if i % 2 else pool[i % len(pool)]
            arabic = not form.isascii()
            body = filler(arabic, rng.randint(25, 50))
            same_script = [f for f in forms if f.isascii() != arabic] or [form]
            if i < 3:
                title = text([*filler(arabic, 2), form, *filler(arabic, 2)])
                body.insert(rng.randrange(len(body)), rng.choice(same_script))
            else:
                title = text(filler(arabic, 5))
                body.insert(rng.randrange(len(body)), form)
            out.append(
                (title, text(body), "ar" if arabic else "en", [concept], concept if i < 3 else None)
            )
    for first, second in PAIRS:
        for i in range(4):
            f1 = CONCEPTS[first][(i + 1) % len(CONCEPTS[first])]
            f2 = CONCEPTS[second][(i + 2) % len(CONCEPTS[second])]
            arabic = not (f1.isascii() and f2.isascii())
            body = filler(arabic, rng.randint(25, 50))
            body.insert(rng.randrange(len(body)), f2)
            title = text([*filler(arabic, 2), f1, *filler(arabic, 2)])
            out.append((title, text(body), "ar" if arabic else "en", [first, second], first))
    while len(out) < docs:
        arabic = rng.random() < 0.6
        out.append(
            (
                text(filler(arabic, rng.randint(4, 8))),
                text(filler(arabic, rng.randint(30, 70))),
                "ar" if arabic else "en",
                [],
                None,
            )
        )
    return out


def judgments(corpus) -> list[dict[int, int]]:
    """For each query: {document index: gain}."""
    result = []
    for _query, concepts in QUERIES:
        wanted = set(concepts)
        gains = {}
        for index, (_t, _b, _l, doc_concepts, title_concept) in enumerate(corpus):
            if doc_concepts and wanted <= set(doc_concepts):
                gains[index] = 2 if title_concept == concepts[0] else 1
        result.append(gains)
    return result


def ndcg10(ranked: list[int], gains: dict[int, int]) -> float:
    dcg = sum((2 ** gains.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:10]))
    ideal = sorted(gains.values(), reverse=True)[:10]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def rr10(ranked: list[int], gains: dict[int, int]) -> float:
    for i, d in enumerate(ranked[:10]):
        if gains.get(d):
            return 1.0 / (i + 1)
    return 0.0


# --- the child: one backend, one throwaway database ---------------------------------------------


def _plain_words(query: str) -> tuple[list[str], list[str]]:
    phrases = re.findall(r'"([^"]+)"', query)
    rest = re.sub(r'"[^"]*"', " ", query)
    return re.findall(r"\w+", rest), [" ".join(re.findall(r"\w+", p)) for p in phrases]


def _baseline_setup(connection, vendor: str, rows) -> str:
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("CREATE VIRTUAL TABLE bench_plain USING fts5(title, body)")
            cursor.executemany(
                "INSERT INTO bench_plain(rowid, title, body) VALUES (%s, %s, %s)", rows
            )
            return ""
        cursor.execute("SHOW default_text_search_config")
        config = cursor.fetchone()[0]
        cursor.execute(
            "CREATE TABLE bench_plain (id bigint PRIMARY KEY, title text, body text, vector tsvector"
            f" GENERATED ALWAYS AS (setweight(to_tsvector('{config}'::regconfig, title), 'A') ||"
            f" setweight(to_tsvector('{config}'::regconfig, body), 'B')) STORED)"
        )
        cursor.executemany("INSERT INTO bench_plain(id, title, body) VALUES (%s, %s, %s)", rows)
        cursor.execute("CREATE INDEX bench_plain_vector ON bench_plain USING GIN (vector)")
        cursor.execute("ANALYZE bench_plain")
        return config


def _baseline_search(connection, vendor: str, config: str, query: str) -> list[int]:
    words, phrases = _plain_words(query)
    for every in (True, False):
        with connection.cursor() as cursor:
            if vendor == "sqlite":
                parts = [f'"{w}"' for w in words] + [f'"{p}"' for p in phrases]
                if not parts:
                    return []
                match = (" AND " if every else " OR ").join(parts)
                cursor.execute(
                    "SELECT rowid FROM bench_plain WHERE bench_plain MATCH %s"
                    " ORDER BY bm25(bench_plain, 4.0, 1.0) LIMIT 10",
                    [match],
                )
            else:
                parts = words + [f'"{p}"' for p in phrases]
                text = (" " if every else " or ").join(parts)
                cursor.execute(
                    "SELECT id FROM bench_plain, websearch_to_tsquery(%s::regconfig, %s) q"
                    " WHERE vector @@ q ORDER BY ts_rank_cd(vector, q, 1) DESC, id DESC LIMIT 10",
                    [config, text],
                )
            ids = [row[0] for row in cursor.fetchall()]
        if ids or len(words) + len(phrases) < 2:
            return ids
    return []


def _use_snowball_arabic() -> None:
    """Swap the engine's light Arabic stemmer for Snowball's Arabic stemmer (to measure it)."""
    import snowballstemmer

    from jusoor.engines.arabic import normalise, tokenise
    from jusoor.engines.arabic import text as engine
    from jusoor.library import terms

    arabic = snowballstemmer.stemmer("arabic")
    skip = engine._AR_STOPWORDS | engine._EN_STOPWORDS | engine._AR_CLITICS

    def snowball_terms(text: str, *, keep_stopwords: bool = False) -> list[str]:
        out = []
        for token in tokenise(normalise(text)):
            if not keep_stopwords and token in skip:
                continue
            if token.isdigit():
                out.append(token)
            elif engine.is_arabic(token):
                out.append(normalise(arabic.stemWord(token)))
            else:
                out.append(engine.english_stem(token))
        return out

    terms.search_terms = snowball_terms


def child(docs: int, out: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jusoor.settings")
    import django

    django.setup()
    if os.environ.get("BENCH_ARABIC_STEMMER") == "snowball":
        _use_snowball_arabic()
    import datetime as dt

    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command
    from django.db import connection

    from jusoor.accounts.models import Organisation
    from jusoor.library.models import Resource, SearchDocument
    from jusoor.library.search import document_tags, document_terms, search

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    corpus = generate(docs)
    qrels = judgments(corpus)
    owner = Organisation.objects.create(slug="bench", name_ar="منظمة", name_en="Bench", kind="ngo")
    kinds = ["toolkit", "guide", "training", "research", "policy", "report", "media"]
    rng = random.Random(7)
    batch = 5000
    ids: list[int] = []
    for start in range(0, len(corpus), batch):
        chunk = corpus[start : start + batch]
        resources = [
            Resource(
                owner=owner,
                title_ar=title if language == "ar" else "",
                title_en=title if language == "en" else "",
                summary_ar=body if language == "ar" else "",
                summary_en=body if language == "en" else "",
                kind=kinds[rng.randrange(len(kinds))],
                language=language,
                audience=",youth," if rng.random() < 0.3 else "",
                themes=",prevention," if rng.random() < 0.3 else "",
                published_on=dt.date(2018 + rng.randrange(8), 1 + rng.randrange(12), 1),
                visibility="public",
            )
            for title, body, language, _c, _t in chunk
        ]
        Resource.objects.bulk_create(resources, batch_size=1000)
        if resources[0].pk is None:  # backends without RETURNING: read the ids back
            resources = list(Resource.objects.order_by("-id")[: len(resources)])[::-1]
        documents = []
        for r in resources:
            title_terms, body_terms = document_terms(r)
            documents.append(
                SearchDocument(
                    resource=r,
                    title_terms=title_terms,
                    body_terms=body_terms,
                    tags=document_tags(r),
                )
            )
        SearchDocument.objects.bulk_create(documents, batch_size=1000)
        ids += [r.pk for r in resources]
    index_of = {pk: i for i, pk in enumerate(ids)}
    config = _baseline_setup(
        connection, vendor, [(ids[i], t, b) for i, (t, b, _l, _c, _x) in enumerate(corpus)]
    )
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE library_searchdocument; ANALYZE library_resource")
    built = time.perf_counter() - started

    anonymous = AnonymousUser()
    scores = {"jusoor": ([], []), "baseline": ([], [])}
    per_query = []
    for (query, _concepts), gains in zip(QUERIES, qrels, strict=True):
        ranked = [
            index_of[h.resource.pk]
            for h in search(anonymous, query, per_page=10, with_facets=False).hits
        ]
        plain = [index_of[pk] for pk in _baseline_search(connection, vendor, config, query)]
        for name, result in (("jusoor", ranked), ("baseline", plain)):
            scores[name][0].append(ndcg10(result, gains))
            scores[name][1].append(rr10(result, gains))
        per_query.append((query, len(gains), scores["jusoor"][0][-1], scores["baseline"][0][-1]))

    timed = [q for q, _c in QUERIES] + BROAD_QUERIES
    for query in timed[:10]:  # warm-up
        search(anonymous, query, per_page=10, with_facets=False)
    latencies, facet_latencies = [], []
    for _round in range(3):
        for query in timed:
            t0 = time.perf_counter()
            search(anonymous, query, per_page=10, with_facets=False)
            latencies.append((time.perf_counter() - t0) * 1000)
    for query in timed:
        t0 = time.perf_counter()
        search(anonymous, query, per_page=10, with_facets=True)
        facet_latencies.append((time.perf_counter() - t0) * 1000)

    def pct(values: list[float], p: float) -> float:
        values = sorted(values)
        return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]

    Path(out).write_text(
        json.dumps(
            {
                "backend": vendor,
                "docs": len(corpus),
                "queries": len(QUERIES),
                "relevant_per_query": statistics.mean(len(g) for g in qrels),
                "ndcg10": statistics.mean(scores["jusoor"][0]),
                "mrr": statistics.mean(scores["jusoor"][1]),
                "baseline_ndcg10": statistics.mean(scores["baseline"][0]),
                "baseline_mrr": statistics.mean(scores["baseline"][1]),
                "p50_ms": pct(latencies, 0.5),
                "p95_ms": pct(latencies, 0.95),
                "facets_p50_ms": pct(facet_latencies, 0.5),
                "facets_p95_ms": pct(facet_latencies, 0.95),
                "build_s": built,
                "worst": sorted(per_query, key=lambda r: r[2])[:5],
                "baseline_config": config or "unicode61",
            },
            ensure_ascii=False,
        )
    )


# --- the parent: throwaway databases, children, the report -------------------------------------


def _run_child(env: dict[str, str], docs: int) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    subprocess.run(
        [sys.executable, __file__, "--child", "--docs", str(docs), "--out", out],
        env=env,
        check=True,
        cwd=ROOT,
    )
    result = json.loads(Path(out).read_text())
    Path(out).unlink()
    return result


def _sqlite(docs: int, stemmer: str = "") -> dict:
    with tempfile.TemporaryDirectory(prefix="jusoor-bench-search-", dir="/tmp") as folder:
        env = {**os.environ, "JUSOOR_DATA_DIR": folder, "BENCH_ARABIC_STEMMER": stemmer}
        env.pop("DATABASE_URL", None)
        return _run_child(env, docs)


def _postgres(url: str, docs: int) -> dict:
    import psycopg

    name = f"jusoor_bench_search_{os.getpid()}"
    parsed = urlparse(url)
    admin = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        env = {**os.environ, "DATABASE_URL": urlunparse(parsed._replace(path=f"/{name}"))}
        return _run_child(env, docs)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument(
        "--snowball",
        action="store_true",
        help="also measure Snowball's Arabic stemmer in place of the engine's (SQLite only)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.docs, args.out)
        return 0

    snowball = _sqlite(args.docs, "snowball") if args.snowball else None
    results = [_sqlite(args.docs)]
    if args.postgres:
        results.append(_postgres(args.postgres, args.docs))
    if snowball:
        print(
            f"\nSnowball Arabic stemmer instead of the engine's (sqlite, {snowball['docs']:,} docs):"
            f" nDCG@10 {snowball['ndcg10']:.3f}  MRR@10 {snowball['mrr']:.3f}"
            f"  (engine: {results[0]['ndcg10']:.3f} / {results[0]['mrr']:.3f})"
        )
    for r in results:
        print(
            f"\n{r['backend']}: {r['docs']:,} documents, {r['queries']} queries "
            f"({r['relevant_per_query']:.1f} relevant each), built in {r['build_s']:.0f} s"
        )
        print(f"  Jusoor    nDCG@10 {r['ndcg10']:.3f}  MRR@10 {r['mrr']:.3f}")
        print(
            f"  baseline  nDCG@10 {r['baseline_ndcg10']:.3f}  MRR@10 {r['baseline_mrr']:.3f}"
            f"  ({r['baseline_config']})"
        )
        print(
            f"  latency   p50 {r['p50_ms']:.1f} ms  p95 {r['p95_ms']:.1f} ms"
            f"  (with facets: p50 {r['facets_p50_ms']:.1f} ms, p95 {r['facets_p95_ms']:.1f} ms)"
        )
        print("  weakest queries (query, relevant, Jusoor nDCG, baseline nDCG):")
        for query, relevant, mine, base in r["worst"]:
            print(f"    {query!r:40} {relevant:3d} {mine:.2f} {base:.2f}")
    print()
    for r in results:
        print(
            f"BENCH search backend={r['backend']} docs={r['docs']} ndcg10={r['ndcg10']:.3f}"
            f" baseline_ndcg10={r['baseline_ndcg10']:.3f} mrr={r['mrr']:.3f}"
            f" p95_ms={r['p95_ms']:.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
