from jusoor.research.anonymise import NAME, PHONE, anonymise


def test_titled_names_and_phones_are_removed_from_a_quote():
    text = "قال الشيخ عبد الله الدليمي إن البطالة سبب رئيسي، اتصلوا على ٠٧٧٠ ١٢٣ ٤٥٦٧"
    shown = anonymise(text)
    assert "عبد" not in shown and "الدليمي" not in shown and "٤٥٦٧" not in shown
    assert shown.startswith(f"قال {NAME} إن البطالة") and shown.endswith(PHONE)


def test_a_known_name_is_caught_in_another_spelling():
    shown = anonymise("تحدث احمد الدليمى عن الفقر", ["أحمد عبد الله الدليمي"])
    assert "احمد" not in shown and "الدليمى" not in shown
    assert shown == f"تحدث {NAME} عن الفقر"


def test_english_titles_and_numbers_that_are_not_phones():
    assert anonymise("Sheikh Ahmed Al-Dulaimi said call +964 770 123 4567") == (
        f"{NAME} said call {PHONE}"
    )
    assert anonymise("في عام 2023 قال 15 شخصاً") == "في عام 2023 قال 15 شخصاً"


def test_ordinary_words_that_sound_like_a_known_name_stay():
    text = "البطالة بين الشباب، قالها عبد الله"
    assert anonymise(text, ["أحمد عبد الله الدليمي"]) == f"البطالة بين الشباب، قالها {NAME}"
