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


# -- the shapes agencies send, read from generated Word files ---------------------------------------------------------

D = datetime.date
SHAPES = {
    # file: (type, number, issued, issuer, title, parent number, annex position)
    "nghi-dinh-30-2020-cong-tac-van-thu.docx": ("Nghị định", "30/2020/NĐ-CP", D(2020, 3, 5), "Chính phủ",
                                                "Về công tác văn thư", None, None),
    "phu-luc-the-thuc.docx": ("Phụ lục", None, D(2020, 3, 5), "Chính phủ",
                              "Phụ lục I: THỂ THỨC, KỸ THUẬT TRÌNH BÀY VĂN BẢN HÀNH CHÍNH", "30/2020/NĐ-CP", 1),
    "phu-luc-viet-hoa.docx": ("Phụ lục", None, D(2020, 3, 5), None,
                              "Phụ lục II: VIẾT HOA TRONG VĂN BẢN HÀNH CHÍNH", "30/2020/NĐ-CP", 2),
    "phu-luc-chu-viet-tat.docx": ("Phụ lục", None, D(2020, 3, 5), "Chính phủ",
                                  "Phụ lục III: CHỮ VIẾT TẮT TÊN LOẠI VĂN BẢN VÀ BẢN SAO VĂN BẢN", "30/2020/NĐ-CP", 3),
    "mau-don-de-nghi-cap-ban-sao.docx": ("Đơn", None, None, None, "ĐƠN ĐỀ NGHỊ CẤP BẢN SAO VĂN BẢN TỪ SỔ GỐC",
                                         None, None),
    "mau-bien-ban-hop-to-cchc.docx": ("Biên bản", None, None, None,
                                      "BIÊN BẢN Họp Tổ công tác cải cách hành chính quý II năm 2024", None, None),
    "mau-giay-xac-nhan.docx": (None, None, None, None, "GIẤY XÁC NHẬN THỜI GIAN CÔNG TÁC", None, None),
    "bao-cao-tu-danh-gia-co-chu-thich.docx": ("Báo cáo", "41/BC-TCCB", D(2024, 12, 20), "Vụ Tổ chức cán bộ",
                                              "Tự đánh giá kết quả cải cách hành chính năm 2024", None, None),
    # the demo's files and the VNI notice
    "bao-cao-cchc-quy-1-2024.docx": ("Báo cáo", "15/BC-VPC", D(2024, 4, 10), "Vụ Pháp chế",
                                     "Kết quả thực hiện công tác cải cách hành chính quý I năm 2024", None, None),
    "bao-cao-cchc-6-thang-2024-tcvn3.docx": ("Báo cáo", "27/BC-VPC", D(2024, 7, 16), "Vụ Pháp chế",
                                             "Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024",
                                             None, None),
    "quy-trinh-tiep-cong-dan.docx": ("Quy trình", "05/QT-BTCD", D(2023, 8, 2), "Ban Tiếp công dân Trung ương",
                                     "Tiếp nhận, xử lý đơn và đăng ký lịch tiếp công dân trực tuyến", None, None),
    "thong-bao-vni.docx": ("Thông báo", "41/TB-VP", D(2024, 6, 3), "Văn phòng",
                           "Lịch kiểm tra công tác cải cách hành chính năm 2024 tại các đơn vị", None, None),
}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_header_of_generated_word_files_in_each_shape(name):
    from app.ingest import extract_docx
    from tests.helpers import sample

    meta = extract_docx(sample(name)).metadata
    assert (meta.doc_type, meta.number, meta.issued_on, meta.issuer, meta.title, meta.parent_number,
            meta.annex_position) == SHAPES[name]


def test_every_demo_and_shape_file_is_covered():
    from app.demo.documents import DEMO_FILES, SHAPE_FILES

    assert set(DEMO_FILES) | set(SHAPE_FILES) <= set(SHAPES)


ANNEX_REFERENCE = "(Kèm theo Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ)"


@pytest.mark.parametrize(
    ("lines", "label", "position", "heading"),
    [
        (["Phụ lục I", "THỂ THỨC VĂN BẢN", ANNEX_REFERENCE, "I. QUỐC HIỆU"], "Phụ lục I", 1, "THỂ THỨC VĂN BẢN"),
        (["PHỤ LỤC IV", ANNEX_REFERENCE, "MẪU CHỮ VÀ CHI TIẾT TRÌNH BÀY", "Ghi chú: …"], "Phụ lục IV", 4,
         "MẪU CHỮ VÀ CHI TIẾT TRÌNH BÀY"),
        (["PHỤ LỤC SỐ 02", "(Ban hành kèm theo Nghị định số 30/2020/NĐ-CP)", "Danh mục hồ sơ", "1. Hồ sơ"],
         "Phụ lục 02", 2, "Danh mục hồ sơ"),
        (["Phụ lục I. THỂ THỨC VĂN BẢN HÀNH CHÍNH", ANNEX_REFERENCE], "Phụ lục I", 1, "THỂ THỨC VĂN BẢN HÀNH CHÍNH"),
        (["Phụ lục III: MẪU TRÌNH BÀY", "kèm theo Nghị định số 30/2020/NĐ-CP"], "Phụ lục III", 3, "MẪU TRÌNH BÀY"),
        (["PHỤ LỤC", ANNEX_REFERENCE, "BẢNG CHỮ VIẾT TẮT"], "Phụ lục", None, "BẢNG CHỮ VIẾT TẮT"),
    ],
)
def test_annex_label_reference_and_heading_in_any_order(lines, label, position, heading):
    meta = parse_official_header(lines)
    assert (meta.doc_type, meta.number, meta.annex_label, meta.annex_position, meta.summary) == (
        "Phụ lục", None, label, position, heading)
    assert (meta.parent_type, meta.parent_number) == ("Nghị định", "30/2020/NĐ-CP")
    assert meta.title == f"{label}: {heading}"


def test_annex_named_in_the_page_header_only():
    meta = parse_official_header(
        ["DANH MỤC HỒ SƠ NĂM 2024", "STT", "Tên hồ sơ"],
        page_header=["Phụ lục 3 kèm theo Kế hoạch số 12/KH-VPC ngày 15/01/2024 của Vụ Pháp chế"])
    assert (meta.doc_type, meta.title, meta.parent_type, meta.parent_number) == (
        "Phụ lục", "Phụ lục 3: DANH MỤC HỒ SƠ NĂM 2024", "Kế hoạch", "12/KH-VPC")
    assert meta.parent_issued_on == meta.issued_on == datetime.date(2024, 1, 15)
    assert meta.parent_issuer == meta.issuer == "Vụ Pháp chế"


def test_a_decree_naming_its_annexes_is_not_an_annex_and_kem_theo_is_not_its_number():
    decree = parse_official_header([
        "CHÍNH PHỦ", "Số: 30/2020/NĐ-CP", *MOTTO, "Hà Nội, ngày 05 tháng 3 năm 2020", "NGHỊ ĐỊNH",
        "Về công tác văn thư", "Phụ lục I kèm theo Nghị định số 30/2020/NĐ-CP quy định thể thức văn bản."])
    assert (decree.doc_type, decree.number, decree.annex_label) == ("Nghị định", "30/2020/NĐ-CP", None)
    regulation = parse_official_header([
        "THANH TRA CHÍNH PHỦ", *MOTTO, "QUY CHẾ", "Làm việc của Thanh tra Chính phủ",
        "(Ban hành kèm theo Quyết định số 12/QĐ-TTCP ngày 2 tháng 1 năm 2024)"])
    assert regulation.doc_type == "Quy chế" and regulation.number is None and regulation.annex_label is None


@pytest.mark.parametrize(
    ("heading", "doc_type"),
    [("TỜ KHAI ĐĂNG KÝ THAY ĐỔI THÔNG TIN", "Tờ khai"), ("GIẤY ĐỀ NGHỊ THANH TOÁN", "Giấy đề nghị"),
     ("MẪU PHIẾU KHẢO SÁT", "Mẫu"), ("KẾ HOẠCH CÁ NHÂN NĂM 2024", "Kế hoạch"), ("ĐƠN VỊ ĐĂNG KÝ", None),
     ("BẢN TỰ KIỂM ĐIỂM", None)],
)
def test_a_forms_type_is_what_its_headings_first_words_name(heading, doc_type):
    meta = parse_official_header(["Mẫu số 02", *MOTTO, "-----------", heading, "Kính gửi: Văn phòng"])
    assert (meta.doc_type, meta.title, meta.number, meta.issuer) == (doc_type, heading, None, None)
    assert meta.summary is None


def test_a_document_with_an_issuer_but_no_summary_is_titled_by_its_heading_not_the_motto():
    meta = parse_official_header(["VỤ PHÁP CHẾ", *MOTTO, "Hà Nội, ngày 3 tháng 5 năm 2024",
                                  "DANH SÁCH CÔNG CHỨC THAM GIA TẬP HUẤN", "STT | Họ và tên"])
    assert meta.issuer == "Vụ Pháp chế" and meta.title == "DANH SÁCH CÔNG CHỨC THAM GIA TẬP HUẤN"
