"""A reproducible synthetic registry of Anbar families, with known duplicates, for dedup tests.

The registry is built to be hard in the ways real ones are: whole clans share the father's,
grandfather's and tribe's names (brothers differ only in the first name, cousins are often named
after the same grandfather, a father's chain is his son's shifted by one), households share a
phone, and the same person is written differently each time (hamza, ta marbuta, alef maqsura,
joined or split compounds, 2 to 4 links, with or without the tribe, بن inserted, Latin
spellings, typos, phone formats, birth year off by one or missing). Nothing here is real data.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

from jusoor.engines.arabic.name_data import AREAS, FEMALE, MALE, TRIBES

_TRANSLIT = {
    "ا": ["a", "aa"],
    "أ": ["a"],
    "إ": ["i", "e"],
    "آ": ["aa", "a"],
    "ب": ["b"],
    "ت": ["t"],
    "ث": ["th"],
    "ج": ["j"],
    "ح": ["h"],
    "خ": ["kh"],
    "د": ["d"],
    "ذ": ["dh", "th", "z"],
    "ر": ["r"],
    "ز": ["z"],
    "س": ["s"],
    "ش": ["sh"],
    "ص": ["s"],
    "ض": ["dh", "d"],
    "ط": ["t"],
    "ظ": ["dh", "z"],
    "ع": ["", "a", "'"],
    "غ": ["gh"],
    "ف": ["f"],
    "ق": ["q", "k", "g"],
    "ك": ["k"],
    "ل": ["l"],
    "م": ["m"],
    "ن": ["n"],
    "ه": ["h"],
    "و": ["w", "ou", "u", "o"],
    "ي": ["y", "i", "ee"],
    "ى": ["a"],
    "ة": ["a", "ah"],
    "ء": ["", "'"],
    "ؤ": ["u"],
    "ئ": ["i"],
}
# Letters a tired enumerator confuses: dots (ب/ت/ث/ن/ي, ح/خ/ج, س/ش, ر/ز, ص/ض, ط/ظ, ع/غ, د/ذ, ف/ق).
_CONFUSABLE = ["بتثني", "حخج", "سش", "رز", "صض", "طظ", "عغ", "دذ", "فق", "هة", "اأإ"]
_LATIN_CONFUSABLE = ["ei", "ou", "sz", "dt", "kq", "mn", "ae"]
_MULTI_WORD = (
    "Abd Allah",
    "Abd al-",
    "Abdul ",
    "Abdel ",
    "Nour al-",
    "Salah al-",
    "Izz al-",
    "Jar Allah",
    "Khair Allah",
    "Bu Aithi",
)


@dataclass
class Person:
    """The truth about one person: the registry renders it as one or more records."""

    pid: int
    given: str
    ancestors: tuple[str, ...]  # father, grandfather, great-grandfather
    tribe: str | None
    sex: str
    birth_year: int
    phone: str | None
    area: str
    clan: int = 0


def _pick(rng: random.Random, table: tuple[tuple[str, int, str], ...]) -> tuple[str, int, str]:
    return rng.choices(table, weights=[w for _, w, _ in table])[0]


def _distinct_names(rng: random.Random, table, k: int, avoid: set[str]) -> list[str]:
    names: list[str] = []
    while len(names) < k:
        name = _pick(rng, table)[0]
        if name not in avoid and name not in names:
            names.append(name)
    return names


def _mobile(rng: random.Random) -> str:
    return "7" + rng.choice("5789") + "".join(rng.choice("0123456789") for _ in range(8))


def make_people(count: int, rng: random.Random) -> list[Person]:
    """Clans of a patriarch, his sons and their children, until ``count`` people exist."""
    people: list[Person] = []
    male_names = {m[0] for m in MALE}
    clan = 0
    while len(people) < count:
        clan += 1
        tribe = _pick(rng, TRIBES)[0] if rng.random() < 0.85 else None
        area = rng.choice(AREAS)
        p_chain = _distinct_names(rng, MALE, 3, set())
        p_year = rng.randint(1935, 1962)
        members: list[tuple[str, tuple[str, ...], str, int, str | None]] = []
        p_phone = _mobile(rng) if rng.random() < 0.6 else None
        members.append((p_chain[0], tuple(p_chain[1:]), "m", p_year, p_phone))
        sons = _distinct_names(rng, MALE, rng.randint(1, 5), {p_chain[0]})
        year = p_year + rng.randint(20, 32)
        for son in sons:
            s_phone = _mobile(rng) if rng.random() < 0.75 else p_phone
            members.append((son, (p_chain[0], p_chain[1], p_chain[2]), "m", year, s_phone))
            c_year = year + rng.randint(20, 32)
            avoid = {son}
            n_kids = rng.randint(0, 6)
            for _ in range(n_kids):
                if c_year > 2008:
                    break
                sex = rng.choice("mf")
                if sex == "m" and rng.random() < 0.25 and p_chain[0] not in avoid:
                    kid = p_chain[0]  # named after the grandfather, like his cousins may be
                else:
                    kid = _distinct_names(rng, MALE if sex == "m" else FEMALE, 1, avoid)[0]
                avoid.add(kid)
                phone = (
                    s_phone
                    if rng.random() < 0.2
                    else (_mobile(rng) if rng.random() < 0.85 else None)
                )
                members.append((kid, (son, p_chain[0], p_chain[1]), sex, c_year, phone))
                c_year += rng.choice((1, 1, 2, 2, 3))
            year += rng.choice((1, 2, 2, 3, 4))
        kept = [m for m in members if rng.random() < 0.55] or [rng.choice(members)]
        for given, ancestors, sex, birth_year, phone in kept:
            assert sex == "f" or given in male_names
            people.append(
                Person(len(people), given, ancestors, tribe, sex, birth_year, phone, area, clan)
            )
    return people[:count]


def _variants(latin: str) -> list[str]:
    """Split a space-separated list of spellings, keeping known multi-word spellings whole."""
    for phrase in _MULTI_WORD:
        latin = latin.replace(phrase, phrase.replace(" ", "_"))
    return [v.replace("_", " ") for v in latin.split(" ") if v]


def _latin_name(rng: random.Random, arabic: str, table) -> str:
    for name, _, latin in table:
        if name == arabic and latin:
            return rng.choice(_variants(latin))
    out = []
    for n, ch in enumerate(arabic):
        if ch == " ":
            out.append(" ")
            continue
        out.append(rng.choice(_TRANSLIT.get(ch, [""])))
        # Short vowels are not written in Arabic; a Latin spelling adds them between letters.
        following = arabic[n + 1 : n + 2]
        between = following not in ("", " ") and following not in "اويىة"
        if between and ch not in "اويىء" and rng.random() < 0.9:
            out.append(rng.choice("aaaaeeiiu"))
    return "".join(out).strip().title() or "X"


def _arabic_variant(rng: random.Random, name: str) -> str:
    if " " in name and rng.random() < 0.5:
        name = name.replace(" ", "")
    if rng.random() < 0.45:
        name = name.replace("أ", "ا").replace("إ", "ا").replace("آ", "ا")
    if rng.random() < 0.35:
        name = name.replace("ة", "ه")
    if rng.random() < 0.35:
        name = name.replace("ى", "ي")
    if rng.random() < 0.03:
        name = name[:1] + "\u064e" + name[1:]
    if rng.random() < 0.02:
        name = name[:2] + "\u0640" + name[2:]
    return name


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word))
    kind = rng.random()
    if kind < 0.45:
        groups = _CONFUSABLE if word[i] > "\u0600" else _LATIN_CONFUSABLE
        group = next((g for g in groups if word[i] in g), None)
        if group is None:
            return word[:i] + word[i] + word[i:]
        return word[:i] + rng.choice(group.replace(word[i], "")) + word[i + 1 :]
    if kind < 0.7:
        return word[:i] + word[i + 1 :]
    if kind < 0.85:
        return word[:i] + word[i] + word[i:]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def _phone_text(rng: random.Random, national: str) -> str:
    style = rng.randrange(6)
    if style == 0:
        return "0" + national
    if style == 1:
        return f"0{national[:3]} {national[3:6]} {national[6:]}"
    if style == 2:
        return f"+964 {national[:3]} {national[3:6]} {national[6:]}"
    if style == 3:
        return f"00964-{national[:3]}-{national[3:]}"
    if style == 4:
        return "964" + national
    return "".join("٠١٢٣٤٥٦٧٨٩"[int(d)] for d in "0" + national)


def render(rng: random.Random, person: Person, record_id: str) -> dict[str, str]:
    """One registration of ``person`` as a record, spelled the way a form-filler might."""
    latin = rng.random() < 0.1
    n_links = rng.choices((2, 3, 4), weights=(10, 55, 35))[0]
    links = [person.given, *person.ancestors][:n_links]
    table = FEMALE if person.sex == "f" else MALE
    words = []
    for i, link in enumerate(links):
        tab = table if i == 0 else MALE
        words.append(_latin_name(rng, link, tab) if latin else _arabic_variant(rng, link))
    if person.tribe and rng.random() < 0.65:
        if latin:
            spelling = _latin_name(rng, person.tribe, TRIBES)
            words.append(rng.choice(("Al-", "Al ", "Al", "al-", "")) + spelling)
        else:
            words.append(person.tribe if rng.random() < 0.9 else person.tribe[2:])
    if rng.random() < 0.07:
        i = rng.randrange(len(words))
        words[i] = _typo(rng, words[i])
    if len(words) > 1 and rng.random() < 0.05:
        filler = ("bin", "bint") if latin else ("بن", "بنت")
        words.insert(1, filler[person.sex == "f"])
    r = rng.random()
    year = (
        str(person.birth_year)
        if r < 0.76
        else (str(person.birth_year + rng.choice((-1, 1))) if r < 0.9 else "")
    )
    phone = ""
    if person.phone and rng.random() < 0.7:
        phone = _phone_text(rng, person.phone if rng.random() < 0.92 else _mobile(rng))
    r = rng.random()
    area = person.area if r < 0.85 else ("" if r < 0.95 else rng.choice(AREAS))
    sex = person.sex if rng.random() < 0.95 else ""
    return {
        "record_id": record_id,
        "name": " ".join(words),
        "phone": phone,
        "birth_year": year,
        "sex": sex,
        "area": area,
    }


def make_registry(people: int, seed: int = 1404) -> tuple[list[dict[str, str]], list[int]]:
    """Records for ``people`` persons (about 1.3 records each) and each record's true person.

    About a fifth of people are registered twice and a twentieth three times; records are
    shuffled. The same ``seed`` always gives the same registry.
    """
    rng = random.Random(seed)
    persons = make_people(people, rng)
    truth: list[int] = []
    for person in persons:
        r = rng.random()
        copies = 3 if r < 0.05 else (2 if r < 0.25 else 1)
        truth.extend([person.pid] * copies)
    rng.shuffle(truth)
    records = [render(rng, persons[pid], f"R{i:07d}") for i, pid in enumerate(truth)]
    return records, truth


def family_share(people: int, seed: int = 1404) -> float:
    """Share of persons of ``make_registry(people, seed)`` with a brother/sister, father or child
    in the registry: how much of the families-sharing-names trap the benchmark contains."""
    persons = make_people(people, random.Random(seed))
    by_clan: dict[int, list[Person]] = {}
    for person in persons:
        by_clan.setdefault(person.clan, []).append(person)
    with_relative = 0
    for person in persons:
        own = (person.given, *person.ancestors[:2])
        for other in by_clan[person.clan]:
            if other is person:
                continue
            sibling = other.ancestors == person.ancestors
            parent = person.ancestors == (other.given, *other.ancestors[:2])
            child = other.ancestors == own
            if sibling or parent or child:
                with_relative += 1
                break
    return with_relative / max(len(persons), 1)


def pairwise_quality(cluster_of: list[str], truth: list[int]) -> tuple[float, float, float]:
    """Precision, recall and F1 of the record pairs put together, against the true persons."""

    def pairs(counts: Counter) -> int:
        return sum(c * (c - 1) // 2 for c in counts.values())

    predicted = pairs(Counter(cluster_of))
    actual = pairs(Counter(truth))
    correct = pairs(Counter(zip(cluster_of, truth, strict=True)))
    precision = correct / predicted if predicted else 1.0
    recall = correct / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
