"""Deduplication of people: the same person is merged, relatives and namesakes are not."""

import io
import pathlib
import re

import pytest

from jusoor.engines.arabic import DedupInputError, dedup_csv, find_duplicates
from jusoor.engines.arabic.synthetic import make_registry, pairwise_quality


def person(record_id, name, phone="", birth_year="", sex="", area=""):
    return {
        "record_id": record_id,
        "name": name,
        "phone": phone,
        "birth_year": birth_year,
        "sex": sex,
        "area": area,
    }


def together(records, a, b):
    clusters = find_duplicates(records).cluster_ids()
    return clusters[a] == clusters[b]


def test_the_same_man_written_three_ways_is_one_person():
    records = [
        person("1", "عبد الله أحمد خلف الدليمي", "0770 123 4567", "1990", "m", "الرمادي"),
        person("2", "عبدالله بن احمد خلف", "+964 770 123 4567", "1991", "ذكر", "الرمادي"),
        person("3", "Abdullah Ahmad Khalaf Al-Dulaimi", "", "1990", "male", "الرمادي"),
    ]
    result = find_duplicates(records)
    assert result.clusters == [["1", "2", "3"]]
    assert result.cluster_ids() == {"1": "1", "2": "1", "3": "1"}


def test_hamza_ta_marbuta_and_alef_maqsura_spellings_are_merged():
    records = [
        person("a", "أسامة مصطفى إبراهيم العيساوي", birth_year="1985", sex="m"),
        person("b", "اسامه مصطفي ابراهيم العيساوي", birth_year="1985", sex="m"),
    ]
    assert together(records, "a", "b")


def test_brothers_are_not_merged():
    records = [
        person("1", "علي حسن أحمد الدليمي", "07701112222", "1990", "m", "الرمادي"),
        person("2", "عمر حسن أحمد الدليمي", "07701112222", "1990", "m", "الرمادي"),
    ]
    assert not together(records, "1", "2")


def test_brothers_with_names_one_letter_apart_are_not_merged():
    records = [
        person("1", "حسن علي أحمد الفهداوي", "", "1990", "m", "هيت"),
        person("2", "حسين علي أحمد الفهداوي", "", "1991", "m", "هيت"),
        person("3", "حسن محمد خالد", "", "", "m"),  # makes حسن and حسين both common names
        person("4", "حسين محمد خالد", "", "", "m"),
    ]
    assert not together(records, "1", "2")


def test_cousins_named_after_their_grandfather_are_not_merged():
    records = [
        person("1", "أحمد علي أحمد الجميلي", "", "1995", "m", "الفلوجة"),
        person("2", "أحمد حسن أحمد الجميلي", "", "1995", "m", "الفلوجة"),
    ]
    assert not together(records, "1", "2")


def test_a_father_and_his_son_are_not_merged():
    records = [
        person("son", "علي حسن أحمد خلف", "07801234567", "", "m", "هيت"),
        person("father", "حسن أحمد خلف العبيدي", "07801234567", "", "m", "هيت"),
    ]
    assert not together(records, "son", "father")


def test_a_man_and_a_woman_are_never_the_same_person():
    records = [
        person("1", "نور محمد خالد الكبيسي", "07501234567", "2000", "m"),
        person("2", "نور محمد خالد الكبيسي", "07501234567", "2000", "f"),
    ]
    result = find_duplicates(records)
    assert len(result.clusters) == 2
    assert result.review == []


def test_birth_years_far_apart_are_different_people():
    records = [
        person("1", "خالد عمر جاسم المحمدي", "", "1960", "m"),
        person("2", "خالد عمر جاسم المحمدي", "", "1990", "m"),
    ]
    assert not together(records, "1", "2")


def test_a_birth_year_off_by_one_still_matches():
    records = [
        person("1", "زينب عادل فرحان الحلبوسي", "", "2001", "f", "الرمادي"),
        person("2", "زينب عادل فرحان الحلبوسي", "", "2002", "f", "الرمادي"),
    ]
    assert together(records, "1", "2")


def test_a_typo_in_a_rare_name_still_matches():
    records = [
        person("1", "مشعان عفتان مطلك الدليمي", "", "1980", "m", "حديثة"),
        person("2", "مشعان عفتام مطلك الدليمي", "", "1980", "m", "حديثة"),
    ]
    assert together(records, "1", "2")


def test_a_vague_record_does_not_chain_two_people_together():
    records = [
        person("a", "محمد أحمد علي الدليمي", "07701110000", "1970", "m", "الرمادي"),
        person("vague", "محمد أحمد علي", "", "", "m", ""),
        person("b", "محمد أحمد علي الدليمي", "07909990000", "1995", "m", "الرمادي"),
    ]
    clusters = find_duplicates(records).cluster_ids()
    assert clusters["a"] != clusters["b"]


def test_two_names_and_nothing_else_go_to_review_not_to_merge():
    records = [
        person("1", "محمد أحمد", sex="m"),
        person("2", "محمد احمد علي", sex="m"),
    ]
    result = find_duplicates(records)
    assert len(result.clusters) == 2
    assert [(p.left, p.right) for p in result.review] == [("1", "2")]


def test_every_record_is_in_exactly_one_cluster_in_input_order():
    records, _ = make_registry(300, seed=3)
    result = find_duplicates(records)
    ids = [rid for cluster in result.clusters for rid in cluster]
    assert sorted(ids) == sorted(r["record_id"] for r in records)
    assert [c[0] for c in result.clusters] == sorted(
        (c[0] for c in result.clusters), key=[r["record_id"] for r in records].index
    )


def test_small_registry_benchmark_reaches_f1_095():
    records, truth = make_registry(2000, seed=77)
    clusters = find_duplicates(records).cluster_ids()
    precision, recall, f1 = pairwise_quality([clusters[r["record_id"]] for r in records], truth)
    assert f1 >= 0.95, (precision, recall, f1)


def test_empty_input_gives_no_clusters():
    assert find_duplicates([]).clusters == []


CSV = (
    "record_id,name,phone,birth_year,sex,area\n"
    "r1,علي حسن أحمد الدليمي,0770 123 4567,1990,m,الرمادي\n"
    "r2,Ali Hassan Ahmed Al-Dulaimi,+9647701234567,1990,m,الرمادي\n"
    "r3,عمر حسن أحمد الدليمي,,1992,m,الرمادي\n"
)


def test_dedup_csv_writes_a_cluster_for_every_record():
    out = io.StringIO()
    dedup_csv(io.StringIO(CSV), out)
    assert out.getvalue().splitlines() == [
        "record_id,cluster_id",
        "r1,r1",
        "r2,r1",
        "r3,r3",
    ]


def test_dedup_csv_accepts_a_bom_and_only_the_required_columns():
    out = io.StringIO()
    dedup_csv(io.StringIO("\ufeffRecord_ID,Name\nx,محمد\ny,أحمد\n"), out)
    assert out.getvalue().splitlines()[1:] == ["x,x", "y,y"]


def test_csv_without_a_name_column_is_refused_by_name():
    with pytest.raises(DedupInputError, match="'name'") as error:
        dedup_csv(io.StringIO("record_id,phone\n1,0770\n"), io.StringIO())
    assert error.value.column == "name"


def test_csv_row_with_an_empty_name_is_refused_with_its_row_number():
    text = "record_id,name\n1,محمد\n2,\n"
    with pytest.raises(DedupInputError, match="row 3") as error:
        dedup_csv(io.StringIO(text), io.StringIO())
    assert (error.value.row, error.value.column) == (3, "name")


def test_csv_with_a_repeated_record_id_is_refused():
    with pytest.raises(DedupInputError, match="repeated"):
        dedup_csv(io.StringIO("record_id,name\n1,محمد\n1,احمد\n"), io.StringIO())


def test_csv_saved_as_windows_arabic_is_refused_as_not_utf8():
    raw = "record_id,name\n1,محمد علي\n".encode("cp1256")
    stream = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")
    with pytest.raises(DedupInputError, match="UTF-8"):
        dedup_csv(stream, io.StringIO())


def test_dedup_input_error_is_a_value_error():
    assert issubclass(DedupInputError, ValueError)


def test_engines_never_import_django():
    engines = pathlib.Path(__file__).resolve().parents[2]
    django_import = re.compile(r"^\s*(from|import)\s+django\b", re.MULTILINE)
    offenders = [
        str(path)
        for path in engines.rglob("*.py")
        if django_import.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
