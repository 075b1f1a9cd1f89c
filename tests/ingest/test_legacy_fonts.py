"""Tests for app.ingest.legacy_fonts (TCVN3 / VNI legacy Vietnamese fonts -> Unicode).

The reference tables below are written out independently of the module (from the published
TCVN 5712:1993 VN3 and VNI-Windows tables). The encoders of app/demo/wordfile.py, made by
inverting the module's decode tables, must agree with them; they *encode* Unicode text, which the
module must then decode back.
"""
from __future__ import annotations

import unicodedata

import pytest

from app.demo.wordfile import encode_for_font, encode_tcvn3, encode_vni
from app.ingest.legacy_fonts import (
    convert,
    convert_tcvn3,
    convert_vni,
    encoding_for_font,
    looks_like_tcvn3,
)
from tests.helpers import sample

# ---------------------------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------------------------

# The 67 lower-case Vietnamese letters with diacritics, by vowel; tones grave, hook, tilde, acute, dot.
VIETNAMESE_LOWER = (
    "àảãáạ" "ăằẳẵắặ" "âầẩẫấậ" "đ" "èẻẽéẹ" "êềểễếệ" "ìỉĩíị" "òỏõóọ"
    "ôồổỗốộ" "ơờởỡớợ" "ùủũúụ" "ưừửữứự" "ỳỷỹýỵ"
)
VIETNAMESE_UPPER = VIETNAMESE_LOWER.upper()
ALL_LETTERS = VIETNAMESE_LOWER + VIETNAMESE_UPPER

# Unicode -> TCVN3 (as python-docx returns it: the byte's Latin-1 character).
TCVN3_REF = {
    "à": "µ", "ả": "¶", "ã": "·", "á": "¸", "ạ": "¹",
    "ă": "¨", "ằ": "»", "ẳ": "¼", "ẵ": "½", "ắ": "¾", "ặ": "Æ",
    "â": "©", "ầ": "Ç", "ẩ": "È", "ẫ": "É", "ấ": "Ê", "ậ": "Ë",
    "đ": "®",
    "è": "Ì", "ẻ": "Î", "ẽ": "Ï", "é": "Ð", "ẹ": "Ñ",
    "ê": "ª", "ề": "Ò", "ể": "Ó", "ễ": "Ô", "ế": "Õ", "ệ": "Ö",
    "ì": "×", "ỉ": "Ø", "ĩ": "Ü", "í": "Ý", "ị": "Þ",
    "ò": "ß", "ỏ": "á", "õ": "â", "ó": "ã", "ọ": "ä",
    "ô": "«", "ồ": "å", "ổ": "æ", "ỗ": "ç", "ố": "è", "ộ": "é",
    "ơ": "¬", "ờ": "ê", "ở": "ë", "ỡ": "ì", "ớ": "í", "ợ": "î",
    "ù": "ï", "ủ": "ñ", "ũ": "ò", "ú": "ó", "ụ": "ô",
    "ư": "\u00ad", "ừ": "õ", "ử": "ö", "ữ": "÷", "ứ": "ø", "ự": "ù",
    "ỳ": "ú", "ỷ": "û", "ỹ": "ü", "ý": "ý", "ỵ": "þ",
    # the only capitals with diacritics that VN3 has
    "Ă": "¡", "Â": "¢", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦", "Đ": "§",
}

# Unicode -> VNI-Windows, lower case; upper case is the same with every character upper-cased.
VNI_REF_LOWER = {
    "à": "aø", "ả": "aû", "ã": "aõ", "á": "aù", "ạ": "aï",
    "ă": "aê", "ằ": "aè", "ẳ": "aú", "ẵ": "aü", "ắ": "aé", "ặ": "aë",
    "â": "aâ", "ầ": "aà", "ẩ": "aå", "ẫ": "aã", "ấ": "aá", "ậ": "aä",
    "đ": "ñ",
    "è": "eø", "ẻ": "eû", "ẽ": "eõ", "é": "eù", "ẹ": "eï",
    "ê": "eâ", "ề": "eà", "ể": "eå", "ễ": "eã", "ế": "eá", "ệ": "eä",
    "ì": "ì", "ỉ": "æ", "ĩ": "ó", "í": "í", "ị": "ò",
    "ò": "oø", "ỏ": "oû", "õ": "oõ", "ó": "où", "ọ": "oï",
    "ô": "oâ", "ồ": "oà", "ổ": "oå", "ỗ": "oã", "ố": "oá", "ộ": "oä",
    "ơ": "ô", "ờ": "ôø", "ở": "ôû", "ỡ": "ôõ", "ớ": "ôù", "ợ": "ôï",
    "ù": "uø", "ủ": "uû", "ũ": "uõ", "ú": "uù", "ụ": "uï",
    "ư": "ö", "ừ": "öø", "ử": "öû", "ữ": "öõ", "ứ": "öù", "ự": "öï",
    "ỳ": "yø", "ỷ": "yû", "ỹ": "yõ", "ý": "yù", "ỵ": "î",
}
VNI_REF = {**VNI_REF_LOWER, **{k.upper(): v.upper() for k, v in VNI_REF_LOWER.items()}}

SENTENCE = (
    "Thực hiện Kế hoạch cải cách hành chính năm 2024: đổi mới, nâng cao chất lượng phục vụ "
    "người dân; tiếp tục rà soát thủ tục, ưu tiên số hóa hồ sơ (tỷ lệ 86,5%). Nguyễn Văn Ẩn, "
    "Ỷ Lan, Đinh Bộ Lĩnh, Ưng Hoàng Phúc, Ở Ợ Ỡ Ữ Ỹ."
)


def test_reference_data_is_complete():
    assert len(VIETNAMESE_LOWER) == 67
    assert len(set(ALL_LETTERS)) == 134
    assert set(VIETNAMESE_LOWER) <= set(TCVN3_REF)
    assert set(ALL_LETTERS) == set(VNI_REF)
    assert len(set(TCVN3_REF.values())) == len(TCVN3_REF) == 74


def test_the_writers_encoders_agree_with_the_reference_tables():
    for letter, code in TCVN3_REF.items():
        assert encode_tcvn3(letter) == code, letter
    for letter, code in VNI_REF.items():
        assert encode_vni(letter) == code, letter
    assert encode_tcvn3("BÁO CÁO", capitals=True) == "b¸o c¸o"
    assert encode_for_font("Hà Nội", "Times New Roman") == "Hà Nội"


@pytest.mark.parametrize("text, font", [
    ("Ấn định", ".VnTime"),  # .VnTime has no capitals with tone marks
    ("Báo cáo", ".VnTimeH"),  # a capitals font draws lower case as capitals
    ("trích «dẫn»", ".VnTime"),  # « is the TCVN3 code of ô
    ("caûi", "VNI-Times"),  # û is a VNI mark, not a letter
])
def test_text_a_legacy_font_would_misread_is_refused(text, font):
    with pytest.raises(ValueError):
        encode_for_font(text, font)


# ---------------------------------------------------------------------------------------------
# encoding_for_font
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "font, expected",
    [
        (".VnTime", "tcvn3"),
        (".VnArial", "tcvn3"),
        (".VnCentury Schoolbook", "tcvn3"),
        (".VnAvant", "tcvn3"),
        (".VnArial Narrow", "tcvn3"),
        (".VnTimeH", "tcvn3-caps"),
        (".VnArialH", "tcvn3-caps"),
        (".VnAvantH", "tcvn3-caps"),
        (".VnBodoniH", "tcvn3-caps"),
        (".VnCentury SchoolbookH", "tcvn3-caps"),
        ("  .vntimeh ", "tcvn3-caps"),
        (".VNTIME", "tcvn3"),
        ("VNI-Times", "vni"),
        ("VNI-Helve", "vni"),
        ("VNI-Avo", "vni"),
        (" vni-times ", "vni"),
        ("Times New Roman", None),
        ("Arial", None),
        ("Calibri", None),
        ("Symbol", None),
        ("VnTime", None),
        ("VNI", None),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_encoding_for_font(font, expected):
    assert encoding_for_font(font) == expected


# ---------------------------------------------------------------------------------------------
# TCVN3
# ---------------------------------------------------------------------------------------------


def test_tcvn3_examples():
    assert convert_tcvn3("c¶i c¸ch hµnh chÝnh") == "cải cách hành chính"
    assert convert_tcvn3("KÕt qu¶ thùc hiÖn c«ng t¸c") == "Kết quả thực hiện công tác"
    assert convert_tcvn3("§ang thùc hiÖn, ®­îc phª duyÖt") == "Đang thực hiện, được phê duyệt"
    assert convert_tcvn3("NguyÔn V¨n An") == "Nguyễn Văn An"


def test_tcvn3_every_letter_round_trips():
    letters = VIETNAMESE_LOWER + "ĂÂÊÔƠƯĐ"
    assert convert_tcvn3(encode_tcvn3(letters)) == letters
    for letter in letters:
        assert convert_tcvn3(encode_tcvn3(letter)) == letter


def test_tcvn3_sentence_round_trips():
    # .VnTime has no capitals with tone marks: encode the lower-cased sentence.
    lower = SENTENCE.lower()
    encoded = encode_tcvn3(lower)
    assert encoded != lower
    assert convert_tcvn3(encoded) == lower
    assert convert(encoded, "tcvn3") == lower


def test_tcvn3_capitals_font():
    assert convert("b¸o c¸o", encoding_for_font(".VnTimeH")) == "BÁO CÁO"
    assert convert_tcvn3("®éc lËp - tù do - h¹nh phóc", capitals=True) == "ĐỘC LẬP - TỰ DO - HẠNH PHÚC"
    assert convert_tcvn3("®", capitals=True) == "Đ"
    assert convert_tcvn3("§", capitals=True) == "Đ"
    assert convert_tcvn3("vô tr­ëng", capitals=True) == "VỤ TRƯỞNG"
    assert convert_tcvn3("ii. tån t¹i", capitals=True) == "II. TỒN TẠI"
    assert convert_tcvn3("abc xyz 123", capitals=True) == "ABC XYZ 123"
    # .VnTime (no trailing H) is not a capitals font
    assert convert("b¸o c¸o", encoding_for_font(".VnTime")) == "báo cáo"


def test_tcvn3_capitals_cover_every_letter():
    encoded = encode_tcvn3(ALL_LETTERS.lower())
    assert convert_tcvn3(encoded, capitals=True) == VIETNAMESE_UPPER * 2
    upper_sentence = SENTENCE.upper()
    assert convert_tcvn3(encode_tcvn3(SENTENCE.lower()), capitals=True) == upper_sentence


# ---------------------------------------------------------------------------------------------
# VNI
# ---------------------------------------------------------------------------------------------


def test_vni_examples():
    assert convert_vni("Vieät Nam") == "Việt Nam"
    assert convert_vni("caûi caùch haønh chính") == "cải cách hành chính"
    assert convert_vni("ñ") == "đ"
    assert convert_vni("Ñ") == "Đ"
    assert convert_vni("ö ô Ö Ô") == "ư ơ Ư Ơ"
    assert convert_vni("Ngöôøi daân") == "Người dân"
    assert convert_vni("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM") == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert convert_vni("Ñoäc laäp - Töï do - Haïnh phuùc") == "Độc lập - Tự do - Hạnh phúc"
    assert convert_vni("ÑAÏI HOÄI ÑAÛNG") == "ĐẠI HỘI ĐẢNG"
    assert convert_vni("naêm, aên, ñaéng, Naüng") == "năm, ăn, đắng, Nẵng"
    assert convert(" Thaønh phoá Hoà Chí Minh ", encoding_for_font("VNI-Times")) == " Thành phố Hồ Chí Minh "


def test_vni_every_letter_round_trips():
    assert convert_vni(encode_vni(ALL_LETTERS)) == ALL_LETTERS
    for letter in ALL_LETTERS:
        assert convert_vni(encode_vni(letter)) == letter, (letter, encode_vni(letter))


def test_vni_sentence_round_trips():
    encoded = encode_vni(SENTENCE)
    assert encoded != SENTENCE
    assert convert_vni(encoded) == SENTENCE
    assert convert(encoded, "vni") == SENTENCE


def test_vni_mixed_case_base_and_mark():
    # the case of the result follows the base letter
    assert convert_vni("Aù") == "Á"
    assert convert_vni("aÙ") == "á"


def test_vni_letter_split_across_runs_composes_after_join():
    runs = ["Vie", "ät Nam"]
    joined = "".join(convert_vni(r) for r in runs)
    assert unicodedata.normalize("NFC", joined) == "Việt Nam"


# ---------------------------------------------------------------------------------------------
# Common behaviour
# ---------------------------------------------------------------------------------------------

ASCII_SAMPLES = ["", "Hello, World! 123", "So: 27/BC-VPC", "KH-TTCP 2024 (a+b)=c\t\n"]


@pytest.mark.parametrize("text", ASCII_SAMPLES)
@pytest.mark.parametrize("encoding", ["tcvn3", "vni", None])
def test_ascii_unchanged(text, encoding):
    assert convert(text, encoding) == text


def test_convert_none_returns_text_unchanged():
    text = "Tie\u0302\u0301ng Vie\u0323\u0302t c¶i ñ"  # deliberately not NFC, with legacy chars
    assert convert(text, None) is text
    assert convert(text, encoding_for_font("Times New Roman")) is text


def test_convert_rejects_unknown_encoding():
    with pytest.raises(ValueError):
        convert("abc", "viscii")


@pytest.mark.parametrize("encoding", ["tcvn3", "tcvn3-caps", "vni"])
def test_output_is_nfc(encoding):
    samples = [encode_tcvn3(SENTENCE.lower()), encode_vni(SENTENCE), "Vie\u0323\u0302t c¶i ñ", "eä" * 3]
    for text in samples:
        result = convert(text, encoding)
        assert unicodedata.is_normalized("NFC", result), (encoding, text, result)


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_cp1252_and_raw_c1_forms_are_both_accepted(encoding):
    # bytes 0x80-0x9F may arrive as the Windows-1252 character or as the raw C1 control
    for byte in range(0x80, 0xA0):
        try:
            cp1252 = bytes([byte]).decode("cp1252")
        except UnicodeDecodeError:
            continue
        assert convert(cp1252, encoding) == cp1252
        assert convert(chr(byte), encoding) == cp1252
    assert convert("\u201cc¶i c¸ch\u201d \x93", "tcvn3") == "\u201ccải cách\u201d \u201c"


def test_private_use_symbol_font_forms_are_accepted():
    assert convert_tcvn3("c\uf0b6i c\uf0b8ch") == "cải cách"
    assert convert_vni("Vie\uf0e4t") == "Việt"


def test_large_text_converts_whole():
    text = encode_tcvn3(SENTENCE.lower()) * 5000  # about 1 MB
    assert convert_tcvn3(text) == SENTENCE.lower() * 5000
    assert convert_vni(encode_vni(SENTENCE) * 5000) == SENTENCE * 5000


# ---------------------------------------------------------------------------------------------
# looks_like_tcvn3
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "c¶i c¸ch hµnh chÝnh",
        "KÕt qu¶ thùc hiÖn c«ng t¸c c¶i c¸ch hµnh chÝnh 6 th¸ng ®Çu n¨m 2024",
        "Céng hßa x· héi chñ nghÜa ViÖt Nam",
    ],
)
def test_looks_like_tcvn3_true(text):
    assert looks_like_tcvn3(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Plain ASCII text about administrative reform.",
        "cải cách hành chính",
        "Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024",
        "Vụ Pháp chế - Thanh tra Chính phủ",
        "Copyright © 2024 Microsoft® Word. All rights reserved, « quoted » text.",
        "Vieät Nam caûi caùch",  # VNI is not TCVN3
        "b¸o",  # too little evidence
    ],
)
def test_looks_like_tcvn3_false(text):
    assert not looks_like_tcvn3(text)


# ---------------------------------------------------------------------------------------------
# A whole document typed in TCVN3 (written by tests/word_fixtures.py)
# ---------------------------------------------------------------------------------------------


def _run_font_name(run, paragraph) -> str | None:
    """The run's font: its own w:rFonts (ascii, then hAnsi), else the paragraph style chain."""
    from docx.oxml.ns import qn

    if run.font.name:
        return run.font.name
    rpr = run._element.rPr
    if rpr is not None and rpr.rFonts is not None:
        for attr in ("w:ascii", "w:hAnsi"):
            value = rpr.rFonts.get(qn(attr))
            if value:
                return value
    style = paragraph.style
    while style is not None:
        if style.font.name:
            return style.font.name
        style = style.base_style
    return None


def _iter_paragraphs(container):
    yield from container.paragraphs
    for table in getattr(container, "tables", []):
        for row in table.rows:
            for cell in row.cells:
                yield from _iter_paragraphs(cell)


def _convert_document(path) -> tuple[list[str], list[str], set[str]]:
    docx = pytest.importorskip("docx")
    document = docx.Document(path)
    raw, converted, fonts = [], [], set()
    for paragraph in _iter_paragraphs(document):
        raw_parts, parts = [], []
        for run in paragraph.runs:
            font = _run_font_name(run, paragraph)
            if run.text:
                fonts.add(font)
            raw_parts.append(run.text)
            parts.append(convert(run.text, encoding_for_font(font)))
        raw.append("".join(raw_parts))
        converted.append(unicodedata.normalize("NFC", "".join(parts)))
    for section in document.sections:
        for part in (section.header, section.footer):
            for paragraph in _iter_paragraphs(part):
                text = "".join(
                    convert(r.text, encoding_for_font(_run_font_name(r, paragraph))) for r in paragraph.runs
                )
                converted.append(text)
    return raw, converted, fonts


def test_tcvn3_document_converts():
    raw, converted, fonts = _convert_document(sample("bao-cao-cchc-6-thang-2024-tcvn3.docx"))
    assert fonts == {".VnTime", ".VnTimeH"}
    text = "\n".join(converted)

    assert "Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024" in text
    assert "BÁO CÁO" in converted  # the .VnTimeH heading, a paragraph of its own
    for expected in [
        "THANH TRA CHÍNH PHỦ\nVỤ PHÁP CHẾ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hà Nội, ngày 16 tháng 7 năm 2024",
        "I. KẾT QUẢ TRIỂN KHAI NHIỆM VỤ",
        "II. TỒN TẠI, HẠN CHẾ",
        "như sau:",  # ư is the soft hyphen U+00AD in TCVN3
        "được phê duyệt",
        "Đã rà soát 45/52 văn bản",
        "Quý II",  # a cell of the table nested in the progress table
        "VỤ TRƯỞNG",
        "Nguyễn Văn An",
        # header and footer are real Unicode text (no legacy font) and must stay as they are
        "Thanh tra Chính phủ - Vụ Pháp chế",
        "Báo cáo CCHC 6 tháng đầu năm 2024 - số 27/BC-VPC",
    ]:
        assert expected in text, expected

    assert "c¶i c¸ch hµnh chÝnh" in "\n".join(raw)  # what Word keeps, before conversion
    assert looks_like_tcvn3("\n".join(raw))
    assert not looks_like_tcvn3(text)
    assert all(unicodedata.is_normalized("NFC", line) for line in converted)


def test_font_inherited_from_style_or_hansi_attribute():
    docx = pytest.importorskip("docx")
    import io

    from docx.oxml.ns import qn

    document = docx.Document()
    heading = document.styles.add_style("VnHeading", docx.enum.style.WD_STYLE_TYPE.PARAGRAPH)
    heading.font.name = ".VnTimeH"
    document.add_paragraph(style=heading).add_run("b¸o c¸o")  # font from the paragraph style
    run = document.add_paragraph().add_run("c¶i c¸ch")  # font only in w:rFonts/@w:hAnsi
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:hAnsi"), ".VnTime")
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)

    reopened = docx.Document(buffer)
    paragraphs = reopened.paragraphs[-2:]
    results = []
    for paragraph in paragraphs:
        (run,) = paragraph.runs
        assert run.font.name is None
        results.append(convert(run.text, encoding_for_font(_run_font_name(run, paragraph))))
    assert results == ["BÁO CÁO", "cải cách"]
