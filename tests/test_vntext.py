"""Vietnamese text helpers: NFC and tone convention, folding, number keys, number finding, sort order."""
import unicodedata

from app import vntext


def test_nfc_unifies_tone_conventions_and_decomposed_text():
    assert vntext.nfc("hoà") == vntext.nfc("hòa") == "hòa"
    assert vntext.nfc("thuỷ lợi") == "thủy lợi"
    assert vntext.nfc("Uỷ ban nhân dân") == "Ủy ban nhân dân"
    assert vntext.nfc("khoẻ") == "khỏe"
    assert vntext.nfc("hoá") == "hóa"
    # Inside a word with a final consonant both conventions already agree.
    assert vntext.nfc("hoàn thành") == "hoàn thành"
    assert vntext.nfc("quý") == "quý"  # qu + y: the mark stays on y
    decomposed = unicodedata.normalize("NFD", "cải cách hành chính")
    assert decomposed != "cải cách hành chính"
    assert vntext.nfc(decomposed) == "cải cách hành chính"
    assert vntext.nfc("Ðại") == "Đại"  # look-alike U+00D0


def test_as_written_composes_and_keeps_the_authors_tone_placement():
    decomposed = unicodedata.normalize("NFD", "Uỷ ban hoà giải, thoả thuận, toà án")
    assert vntext.as_written(decomposed) == "Uỷ ban hoà giải, thoả thuận, toà án"
    assert vntext.as_written(None) == ""
    assert vntext.same_words(" Uỷ ban nhân dân tỉnh Hoà Bình", "Ủy ban nhân dân tỉnh Hòa Bình ")
    assert not vntext.same_words("hoa", "hòa")


def test_fold_removes_diacritics_and_d_stroke():
    assert vntext.fold("Nghị định Đà Nẵng Ðồng") == "Nghi dinh Da Nang Dong"
    assert vntext.fold("cải cách hành chính") == "cai cach hanh chinh"


def test_number_key_accepts_every_written_form():
    forms = ["107/2021/NĐ-CP", "107/2021/ND-CP", "107/2021/nd-cp", " 107 / 2021 / NĐ-CP ", "107/2021/NÐ–CP"]
    assert {vntext.number_key(f) for f in forms} == {"107/2021/nd-cp"}
    assert vntext.number_key("") is None


def test_find_numbers_in_running_text():
    text = ("Nghị định số 107/2021/NĐ-CP ngày 6/12/2021 của Chính phủ sửa đổi Nghị định số 61/2018/NĐ-CP; "
            "Kế hoạch 2337/KH-TTCP, Nghị quyết số 16-NQ/TU ngày 14/10/2021 và tỷ lệ 37/52 văn bản.")
    assert [n for _, _, n in vntext.find_numbers(text)] == ["107/2021/NĐ-CP", "61/2018/NĐ-CP", "2337/KH-TTCP",
                                                            "16-NQ/TU"]


def test_laws_of_the_national_assembly_are_numbers_too():
    text = "Căn cứ Luật Tố cáo số 25/2018/QH14 và Nghị quyết số 1210/2016/UBTVQH13; năm 2018/QH14x không phải."
    assert [n for _, _, n in vntext.find_numbers(text)] == ["25/2018/QH14", "1210/2016/UBTVQH13"]


def test_vietnamese_sort_order():
    words = ["Đào tạo", "Dự thảo", "Ánh sáng", "Ăn uống", "Bình đẳng", "An toàn", "Ấn định", "Cải cách"]
    assert sorted(words, key=vntext.sort_key) == [
        "An toàn", "Ánh sáng", "Ăn uống", "Ấn định", "Bình đẳng", "Cải cách", "Dự thảo", "Đào tạo"]
    # Tones are a secondary level: same letters sort by tone after the letters are compared.
    assert sorted(["má", "ma", "mà", "mạ"], key=vntext.sort_key) == ["ma", "mà", "má", "mạ"]
    assert vntext.sort_key("x").isdigit()


def _random_texts(alphabet, count, longest, seed):
    import random

    rng = random.Random(seed)
    for _ in range(count):
        yield "".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest)))


def _sort_key_one_character_at_a_time(text, length=120):
    primary, secondary = [], []
    for ch in vntext.nfc(text or "").lower()[:length]:
        first, second = vntext._char_codes(ch)
        if first == 1 and primary and primary[-1] == "01":
            continue  # spaces and punctuation, collapsed
        primary.append(f"{first:02d}")
        secondary.append(str(second))
    while primary and primary[-1] == "01":
        primary.pop()
        secondary.pop()
    return "".join(primary) + "00" + "".join(secondary)


def test_sort_key_equals_the_character_by_character_reference():
    alphabet = list("aăâbcdđeêghiklmnoôơpqrstuưvxyĐÐð AÁÀẢÃẠáàảãạéèẻẽẹ0123456789 .,-/()“”\t\n") + [
        "ǅ", "ß", "İ", "Σ", "😀", "\u0301", "\u0300", "x\u0323", "ﬁ", "日", "Ω", "ⅷ", "²", "٣"]
    for text in _random_texts(alphabet, 20_000, 40, seed=9):
        assert vntext.sort_key(text) == _sort_key_one_character_at_a_time(text), repr(text)
        assert vntext.sort_key(text, 5) == _sort_key_one_character_at_a_time(text, 5), repr(text)


def test_number_pattern_finds_what_the_reference_pattern_finds():
    import re

    upper, letters = vntext._UPPER, vntext._LETTERS
    reference = re.compile(  # the straightforward form: the look-behind first
        rf"(?<![\w/])("
        rf"\d{{1,5}}(?:/\d{{4}})?/[{upper}][{letters}]{{0,7}}(?:-[{upper}][{letters}0-9]{{0,11}})+"
        rf"|\d{{1,5}}-[{upper}]{{1,6}}/[{upper}][{letters}]{{0,10}}"
        rf")(?![\w/-])"
    )
    alphabet = list("0123456789/-NĐCPQTUKHTTCPndcp aA.,;\nđÐ_") + ["Đ"]
    for text in _random_texts(alphabet, 50_000, 30, seed=11):
        expected = [m.span(1) for m in reference.finditer(text)]
        assert [m.span(1) for m in vntext.NUMBER_PATTERN.finditer(text)] == expected, repr(text)
