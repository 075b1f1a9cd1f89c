"""parse_official_header: number, type, issuer, place, date and summary from the top lines."""
from __future__ import annotations

import datetime
import unicodedata

import pytest

from app.ingest import HeaderMetadata, parse_official_header
from app.ingest.header import org_case

MOTTO = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]

REPORT = [
    "THANH TRA CHÍNH PHỦ", "VỤ PHÁP CHẾ", *MOTTO, "Số: 15/BC-VPC", "Hà Nội, ngày 10 tháng 4 năm 2024",
    "BÁO CÁO", "Kết quả thực hiện công tác cải cách hành chính quý I năm 2024",
    "Thực hiện Kế hoạch CCHC số 2337/KH-TTCP của Thanh tra Chính phủ, Vụ Pháp chế báo cáo như sau:",
    "I. KẾT QUẢ THỰC HIỆN",
]


def test_report_in_two_column_table_order():
    meta = parse_official_header(REPORT)
    assert meta == HeaderMetadata(
        number="15/BC-VPC", doc_type="Báo cáo", issuer="Vụ Pháp chế", issuer_parent="Thanh tra Chính phủ",
        place="Hà Nội", issued_on=datetime.date(2024, 4, 10),
        summary="Kết quả thực hiện công tác cải cách hành chính quý I năm 2024",
    )


def test_nfd_lines_give_the_same_result_in_nfc():
    nfd = [unicodedata.normalize("NFD", line) for line in REPORT]
    assert nfd != REPORT
    meta = parse_official_header(nfd)
    assert meta == parse_official_header(REPORT)
    assert unicodedata.is_normalized("NFC", meta.summary) and unicodedata.is_normalized("NFC", meta.issuer)


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("Số: 2337/KH-TTCP", "2337/KH-TTCP"),
        ("Số:15/BC-VPC", "15/BC-VPC"),
        ("Số 107/2021/NĐ-CP", "107/2021/NĐ-CP"),
        ("Số: 16-NQ/TU", "16-NQ/TU"),
        ("Số:   1298/TB-TTCP", "1298/TB-TTCP"),
        ("SỐ: 05/QT-BTCD", "05/QT-BTCD"),
        ("Số: 61/2018/NÐ-CP", "61/2018/NĐ-CP"),  # look-alike Ð (U+00D0) folded to Đ
        ("Số: 15 /BC-VPC", "15/BC-VPC"),
    ],
)
def test_number_variants(line, number):
    meta = parse_official_header(["THANH TRA CHÍNH PHỦ", line, *MOTTO, "Hà Nội, ngày 10 tháng 4 năm 2024"])
    assert meta.number == number


def test_blank_draft_number_is_none():
    meta = parse_official_header(
        ["THANH TRA CHÍNH PHỦ", "Số:       /KH-TTCP", *MOTTO, "KẾ HOẠCH", "Cải cách hành chính"])
    assert meta.number is None
    assert meta.doc_type == "Kế hoạch"


@pytest.mark.parametrize(
    ("line", "place", "date"),
    [
        ("Hà Nội, ngày 10 tháng 4 năm 2024", "Hà Nội", datetime.date(2024, 4, 10)),
        ("Cao Bằng, ngày 02 tháng 8 năm 2019", "Cao Bằng", datetime.date(2019, 8, 2)),
        ("TP. Hồ Chí Minh, ngày 1 tháng 1 năm 2023", "TP. Hồ Chí Minh", datetime.date(2023, 1, 1)),
        ("Hà Nội, ngày  6 tháng 12 năm 2021", "Hà Nội", datetime.date(2021, 12, 6)),
        ("Hà Nội,ngày 6   tháng  12  năm   2021", "Hà Nội", datetime.date(2021, 12, 6)),
        ("Cao Bằng, ngày 02/8/2019", "Cao Bằng", datetime.date(2019, 8, 2)),
        ("Quảng Nam, 15 tháng 3 năm 2024", "Quảng Nam", datetime.date(2024, 3, 15)),  # no "ngày"
        ("Hà Nội, 10/04/2024", "Hà Nội", datetime.date(2024, 4, 10)),
        ("ngày 02/8/2019", None, datetime.date(2019, 8, 2)),
        ("Hà Nội, Ngày 10 Tháng 4 Năm 2024", "Hà Nội", datetime.date(2024, 4, 10)),
        ("Hà Nội, ngày 31 tháng 2 năm 2024", "Hà Nội", None),  # impossible date
        ("Hà Nội, ngày 10 tháng 13 năm 2024", "Hà Nội", None),
        ("Hà Nội, ngày      tháng      năm 2024", "Hà Nội", None),  # blank draft date
    ],
)
def test_place_and_date_variants(line, place, date):
    meta = parse_official_header(["THANH TRA CHÍNH PHỦ", "Số: 15/BC-VPC", *MOTTO, line, "BÁO CÁO", "Tình hình"])
    assert (meta.place, meta.issued_on) == (place, date)


def test_dates_in_the_body_are_not_the_issue_date():
    meta = parse_official_header(
        ["BÁO CÁO", "Tình hình thực hiện", "Căn cứ Nghị định số 107/2021/NĐ-CP ngày 6/12/2021 của Chính phủ;"]
    )
    assert meta.issued_on is None and meta.place is None and meta.number is None


@pytest.mark.parametrize(
    ("heading", "doc_type"),
    [
        ("NGHỊ ĐỊNH", "Nghị định"), ("QUYẾT ĐỊNH", "Quyết định"), ("KẾ HOẠCH", "Kế hoạch"),
        ("THÔNG BÁO", "Thông báo"), ("THÔNG TƯ", "Thông tư"), ("CHỈ THỊ", "Chỉ thị"),
        ("NGHỊ QUYẾT", "Nghị quyết"), ("CÔNG VĂN", "Công văn"), ("QUY TRÌNH", "Quy trình"),
        ("QUY CHẾ", "Quy chế"), ("TỜ TRÌNH", "Tờ trình"), ("HƯỚNG DẪN", "Hướng dẫn"), ("BÁO CÁO", "Báo cáo"),
        ("THÔNG TƯ LIÊN TỊCH", "Thông tư liên tịch"), ("QUY ĐỊNH", "Quy định"),
    ],
)
def test_type_headings(heading, doc_type):
    meta = parse_official_header(["BỘ NỘI VỤ", "Số: 01/XX-BNV", *MOTTO, "Hà Nội, ngày 1 tháng 1 năm 2024",
                                  heading, "Về việc thử nghiệm"])
    assert meta.doc_type == doc_type
    assert meta.summary == "Về việc thử nghiệm"


def test_decree_with_one_row_header_and_wrapped_summary():
    meta = parse_official_header([
        "CHÍNH PHỦ", "-------", "Số: 107/2021/NĐ-CP", *MOTTO, "---------------",
        "Hà Nội, ngày 6 tháng 12 năm 2021", "NGHỊ ĐỊNH",
        "Sửa đổi, bổ sung một số điều của Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018 của Chính phủ",
        "về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính",
        "_______",
        "Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;",
    ])
    assert meta.number == "107/2021/NĐ-CP"
    assert meta.doc_type == "Nghị định"
    assert meta.issuer == "Chính phủ" and meta.issuer_parent is None
    assert meta.issued_on == datetime.date(2021, 12, 6)
    assert meta.summary == (
        "Sửa đổi, bổ sung một số điều của Nghị định số 61/2018/NĐ-CP ngày 23 tháng 4 năm 2018 của Chính phủ "
        "về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính"
    )


def test_decision_authority_line_is_not_the_summary():
    meta = parse_official_header([
        "BỘ NỘI VỤ", "Số: 1234/QĐ-BNV", *MOTTO, "Hà Nội, ngày 5 tháng 5 năm 2023", "QUYẾT ĐỊNH",
        "BỘ TRƯỞNG BỘ NỘI VỤ", "Căn cứ Nghị định số 63/2022/NĐ-CP;",
    ])
    assert meta.doc_type == "Quyết định"
    assert meta.summary is None
    assert meta.issuer == "Bộ Nội vụ"


def test_official_letter_v_v_line_is_the_summary():
    meta = parse_official_header([
        "THANH TRA CHÍNH PHỦ", "Số: 123/TTCP-VP", "V/v triển khai Kế hoạch cải cách hành chính",
        "năm 2024 của Thanh tra Chính phủ", *MOTTO, "Hà Nội, ngày 20 tháng 1 năm 2024",
        "Kính gửi: Các vụ, cục, đơn vị thuộc Thanh tra Chính phủ",
    ])
    assert meta.doc_type == "Công văn"
    assert meta.number == "123/TTCP-VP"
    assert meta.summary == "V/v triển khai Kế hoạch cải cách hành chính năm 2024 của Thanh tra Chính phủ"
    assert meta.issuer == "Thanh tra Chính phủ"
    assert meta.issued_on == datetime.date(2024, 1, 20)


def test_official_letter_with_cong_van_heading():
    meta = parse_official_header(["SỞ NỘI VỤ", "Số: 45/SNV-CCHC", *MOTTO, "Cao Bằng, ngày 3 tháng 3 năm 2022",
                                  "CÔNG VĂN", "V/v báo cáo kết quả CCHC quý I"])
    assert meta.doc_type == "Công văn"
    assert meta.summary == "V/v báo cáo kết quả CCHC quý I"


def test_motto_is_never_issuer_or_summary():
    # motto first (right column read first), then the issuer, no heading at all
    meta = parse_official_header([*MOTTO, "UBND TỈNH CAO BẰNG", "SỞ NỘI VỤ", "Số: 45/SNV-CCHC",
                                  "Cao Bằng, ngày 3 tháng 3 năm 2022"])
    assert meta.issuer == "Sở Nội vụ" and meta.issuer_parent == "UBND tỉnh Cao Bằng"
    # heading followed directly by the motto (odd reading order): no summary rather than the motto
    meta = parse_official_header(["BÁO CÁO", *MOTTO])
    assert meta.summary is None and meta.issuer is None
    for value in (meta.issuer, meta.summary):
        assert value is None
    # motto in capitals (TCVN3 .VnTimeH) and with "Hoà"
    meta = parse_official_header(["THANH TRA CHÍNH PHỦ", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                  "ĐỘC LẬP - TỰ DO - HẠNH PHÚC", "Số: 1/TB-TTCP", "THÔNG BÁO", "Kết luận"])
    assert meta.issuer == "Thanh tra Chính phủ"
    assert meta.summary == "Kết luận"


def test_pdf_style_glued_columns():
    meta = parse_official_header([
        "THANH TRA CHÍNH PHỦ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "VỤ PHÁP CHẾ Độc lập - Tự do - Hạnh phúc",
        "Số: 15/BC-VPC Hà Nội, ngày 10 tháng 4 năm 2024",
        "BÁO CÁO Kết quả thực hiện công tác cải cách hành chính quý I năm 2024",
    ])
    assert meta.number == "15/BC-VPC"
    assert meta.issued_on == datetime.date(2024, 4, 10) and meta.place == "Hà Nội"
    assert meta.issuer == "Vụ Pháp chế" and meta.issuer_parent == "Thanh tra Chính phủ"
    assert meta.doc_type == "Báo cáo"
    assert meta.summary == "Kết quả thực hiện công tác cải cách hành chính quý I năm 2024"


def test_issuer_split_over_two_lines_is_joined():
    meta = parse_official_header(["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG NAM", "Số: 10/KH-UBND", *MOTTO,
                                  "Quảng Nam, ngày 12 tháng 1 năm 2024", "KẾ HOẠCH", "Cải cách hành chính năm 2024"])
    assert meta.issuer == "Ủy ban nhân dân tỉnh Quảng Nam"
    assert meta.issuer_parent is None


def test_marks_and_separators_are_not_issuers():
    meta = parse_official_header(["DỰ THẢO", "BỘ NỘI VỤ", "--------", "Số: 5/TTr-BNV", *MOTTO, "KHẨN",
                                  "TỜ TRÌNH", "Dự thảo Nghị định về vị trí việc làm"])
    assert meta.issuer == "Bộ Nội vụ"
    assert meta.doc_type == "Tờ trình"


def test_type_from_number_code_when_no_heading():
    meta = parse_official_header(["THANH TRA CHÍNH PHỦ", "Số: 2337/KH-TTCP", *MOTTO, "Hà Nội, ngày 1 tháng 3 năm 2022"])
    assert meta.doc_type == "Kế hoạch"
    assert parse_official_header(["TỈNH ỦY CAO BẰNG", "Số 16-NQ/TU"]).doc_type == "Nghị quyết"


def test_body_text_without_header_gives_nothing():
    meta = parse_official_header(["Một số nhiệm vụ còn chậm so với kế hoạch.", "Số liệu: 37/52 văn bản."])
    assert meta == HeaderMetadata()


@pytest.mark.parametrize("lines", [[], [""], ["   "], [None, 5], ["\n\n"], ["Số:"], ["ngày 99/99/9999"]])
def test_never_raises(lines):
    assert isinstance(parse_official_header(lines), HeaderMetadata)


@pytest.mark.parametrize(
    ("upper", "expected"),
    [
        ("THANH TRA CHÍNH PHỦ", "Thanh tra Chính phủ"),
        ("VỤ PHÁP CHẾ", "Vụ Pháp chế"),
        ("BAN TIẾP CÔNG DÂN TRUNG ƯƠNG", "Ban Tiếp công dân Trung ương"),
        ("UBND TỈNH CAO BẰNG", "UBND tỉnh Cao Bằng"),
        ("ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI", "Ủy ban nhân dân thành phố Hà Nội"),
        ("BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "Bộ Lao động - Thương binh và Xã hội"),
        ("TỈNH ỦY CAO BẰNG", "Tỉnh ủy Cao Bằng"),
        ("SỞ NỘI VỤ TỈNH QUẢNG NAM", "Sở Nội vụ tỉnh Quảng Nam"),
        ("Vụ Pháp chế", "Vụ Pháp chế"),
    ],
)
def test_org_case(upper, expected):
    assert org_case(upper) == expected


def test_summary_in_capitals_for_reform_documents():
    meta = parse_official_header(["UBND TỈNH QUẢNG NAM", "Số: 10/KH-UBND", *MOTTO, "KẾ HOẠCH",
                                  "CẢI CÁCH HÀNH CHÍNH NHÀ NƯỚC", "GIAI ĐOẠN 2021 - 2025", "I. MỤC ĐÍCH, YÊU CẦU"])
    assert meta.doc_type == "Kế hoạch"
    assert meta.summary == "CẢI CÁCH HÀNH CHÍNH NHÀ NƯỚC GIAI ĐOẠN 2021 - 2025"
    glued = parse_official_header(["UBND TỈNH QUẢNG NAM", "Số: 10/KH-UBND", *MOTTO,
                                   "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2024", "Thực hiện Nghị quyết số 76/NQ-CP;"])
    assert (glued.doc_type, glued.summary) == ("Kế hoạch", "CẢI CÁCH HÀNH CHÍNH NĂM 2024")
    assert glued.issuer == "UBND tỉnh Quảng Nam"


def test_capital_section_titles_in_an_official_letter_are_not_a_heading():
    meta = parse_official_header([
        "THANH TRA CHÍNH PHỦ", "Số: 99/TTCP-VP", "V/v thông báo kết quả kiểm tra CCHC", *MOTTO,
        "Hà Nội, ngày 2 tháng 2 năm 2023", "Kính gửi: Vụ Pháp chế", "Đoàn kiểm tra đã làm việc với đơn vị.",
        "KẾT LUẬN CỦA ĐOÀN KIỂM TRA", "Đơn vị đã hoàn thành các nhiệm vụ.",
    ])
    assert meta.doc_type == "Công văn"
    assert meta.summary == "V/v thông báo kết quả kiểm tra CCHC"
