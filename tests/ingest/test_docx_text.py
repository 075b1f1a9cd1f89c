"""extract_docx: reading order, tables, headers/footers, legacy fonts, XML safety, speed."""
from __future__ import annotations

import datetime
import io
import os
import tempfile
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import qn

from app.ingest import ExtractedText, IngestError, extract_docx, extract_text
from tests.helpers import sample
from tests.word_fixtures import XXE_SECRET

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
LEGACY_SIGNS = set("¶¸µ®«Ö©¬§¦")  # TCVN3 bytes that are not Vietnamese letters


def _no_legacy_gibberish(text: str) -> bool:
    return not (set(text) & LEGACY_SIGNS)


# -- test files (tests/word_fixtures.py) -------------------------------------------------------------------------------


def test_quarterly_report_sample():
    result = extract_docx(sample("bao-cao-cchc-quy-1-2024.docx"))
    assert isinstance(result, ExtractedText)
    meta = result.metadata
    assert meta.number == "15/BC-VPC"
    assert meta.issued_on == datetime.date(2024, 4, 10)
    assert meta.place == "Hà Nội"
    assert meta.doc_type == "Báo cáo"
    assert meta.summary == "Kết quả thực hiện công tác cải cách hành chính quý I năm 2024"
    assert meta.issuer == "Vụ Pháp chế" and meta.issuer_parent == "Thanh tra Chính phủ"
    # header table (cells with manual line breaks) then the heading, in reading order
    assert result.body_lines[:8] == [
        "THANH TRA CHÍNH PHỦ", "VỤ PHÁP CHẾ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Số: 15/BC-VPC", "Hà Nội, ngày 10 tháng 4 năm 2024", "BÁO CÁO",
        "Kết quả thực hiện công tác cải cách hành chính quý I năm 2024",
    ]
    # progress table: cells in body_lines, one line per row in text
    assert "86,5% văn bản đi có chữ ký số" in result.body_lines
    lines = result.text.split("\n")
    assert "STT | Nhiệm vụ | Lĩnh vực | Tiến độ | Số liệu kiểm chứng" in lines
    assert "4 | Rà soát vị trí việc làm theo đề án được phê duyệt | Cải cách tổ chức bộ máy hành chính nhà nước" \
           " | Chậm tiến độ | Chưa có số liệu" in lines
    # the table nested in the last row: its rows follow the row that holds it
    row7 = lines.index("7 | Phát hành văn bản điện tử có chữ ký số | Xây dựng và phát triển Chính phủ điện tử, "
                       "Chính phủ số | Đang thực hiện | 86,5% văn bản đi có chữ ký số")
    assert lines[row7 + 1:row7 + 6] == ["Tháng | Văn bản đi | Được ký số", "Tháng 1 | 130 | 112",
                                        "Tháng 2 | 110 | 95", "Tháng 3 | 160 | 139", "Cộng | 400 | 346"]
    # the table comes after the paragraph that introduces it and before section II
    text = result.text
    assert text.index("Tiến độ và số liệu kiểm chứng của từng nhiệm vụ:") < text.index("STT | Nhiệm vụ") \
        < text.index("II. TỒN TẠI")
    # 7 reform fields
    for field in ("1. Công tác chỉ đạo, điều hành cải cách hành chính",
                  "7. Xây dựng và phát triển Chính phủ điện tử, Chính phủ số"):
        assert field in result.body_lines
    # signature block: a borderless table beside the recipients
    assert result.body_lines[-3:] == ["VỤ TRƯỞNG", "(Đã ký)", "Nguyễn Văn An"]
    # page header and footer
    assert result.header_lines == ["Thanh tra Chính phủ - Vụ Pháp chế"]
    assert result.footer_lines == ["Báo cáo CCHC quý I năm 2024 - số 15/BC-VPC"]
    assert text.startswith("Thanh tra Chính phủ - Vụ Pháp chế\n")
    assert text.endswith("\nBáo cáo CCHC quý I năm 2024 - số 15/BC-VPC")
    assert result.legacy_runs == 0
    assert unicodedata.is_normalized("NFC", text)
    assert "" not in result.body_lines


def test_tcvn3_sample_is_converted():
    result = extract_docx(sample("bao-cao-cchc-6-thang-2024-tcvn3.docx"))
    assert "Kết quả thực hiện công tác cải cách hành chính" in result.text
    assert "BÁO CÁO" in result.body_lines
    assert "THANH TRA CHÍNH PHỦ" in result.body_lines and "VỤ PHÁP CHẾ" in result.body_lines  # .VnTimeH capitals
    assert "Đang thực hiện" in result.body_lines  # a table cell
    assert "Quý II" in result.body_lines  # a cell of the nested table
    assert "Nguyễn Văn An" in result.body_lines
    assert result.legacy_runs > 50
    assert _no_legacy_gibberish(result.text)
    assert unicodedata.is_normalized("NFC", result.text)
    meta = result.metadata
    assert meta.number == "27/BC-VPC"
    assert meta.doc_type == "Báo cáo"
    assert meta.summary == "Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024"
    assert meta.issued_on == datetime.date(2024, 7, 16) and meta.place == "Hà Nội"
    assert meta.issuer == "Vụ Pháp chế" and meta.issuer_parent == "Thanh tra Chính phủ"
    assert result.footer_lines == ["Báo cáo CCHC 6 tháng đầu năm 2024 - số 27/BC-VPC"]  # Unicode, kept as it is


def test_vni_sample_is_converted_header_and_footer_too():
    result = extract_docx(sample("thong-bao-vni.docx"))
    meta = result.metadata
    assert (meta.number, meta.doc_type, meta.issuer) == ("41/TB-VP", "Thông báo", "Văn phòng")
    assert meta.summary == "Lịch kiểm tra công tác cải cách hành chính năm 2024 tại các đơn vị"
    assert meta.issued_on == datetime.date(2024, 6, 3)
    assert "3 | Ban Tiếp công dân Trung ương | 25/6/2024" in result.text.split("\n")
    assert result.header_lines == ["Văn phòng Thanh tra Chính phủ"]
    assert result.footer_lines == ["Lịch kiểm tra CCHC năm 2024"]
    assert "CHÁNH VĂN PHÒNG" in result.body_lines
    assert result.legacy_runs > 30
    assert "Đề nghị các đơn vị chuẩn bị báo cáo tự đánh giá" in result.text
    assert not set(result.text) & set("øûïåäëöñæîÑÖ")  # VNI codes that are no Vietnamese letter


def test_procedure_sample():
    result = extract_docx(sample("quy-trinh-tiep-cong-dan.docx"))
    meta = result.metadata
    assert (meta.number, meta.doc_type) == ("05/QT-BTCD", "Quy trình")
    assert meta.summary == "Tiếp nhận, xử lý đơn và đăng ký lịch tiếp công dân trực tuyến"
    assert meta.issuer == "Ban Tiếp công dân Trung ương" and meta.issuer_parent == "Thanh tra Chính phủ"
    assert meta.issued_on == datetime.date(2023, 8, 2)
    assert any(line.startswith("Bước 4. Văn phòng trả kết quả") for line in result.body_lines)
    assert "2 | Phòng Tiếp nhận | 02 ngày" in result.text.split("\n")
    assert result.header_lines == [] and result.footer_lines == []


def test_truncated_sample_refused():
    with pytest.raises(IngestError) as info:
        extract_docx(sample("hong-cat-cut.docx"))
    assert "hỏng" in str(info.value) and "không đầy đủ" in str(info.value)


def test_old_doc_sample_refused():
    with pytest.raises(IngestError) as info:
        extract_docx(sample("bao-cao-cu.doc"))
    assert info.value.code == "old_doc" and ".docx" in str(info.value)


def test_extract_text_dispatch(tmp_path):
    assert "Kết quả thực hiện" in extract_text(sample("bao-cao-cchc-quy-1-2024.docx"), "docx")
    other = tmp_path / "a.png"
    other.write_bytes(b"\x89PNG\r\n\x1a\n")
    assert extract_text(str(other), "other") is None


# -- documents built in the test ----------------------------------------------------------------


def save(document, path) -> str:
    document.save(str(path))
    return str(path)


def test_nested_table_and_reading_order(tmp_path):
    d = docx.Document()
    d.add_paragraph("Đoạn mở đầu")
    outer = d.add_table(rows=2, cols=2)
    outer.cell(0, 0).text = "Ô ngoài 1"
    outer.cell(0, 1).text = "Ô ngoài 2"
    cell = outer.cell(1, 0)
    cell.text = "Trước bảng con"
    inner = cell.add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "Ô con A"
    inner.cell(0, 1).text = "Ô con B"
    cell.add_paragraph("Sau bảng con")
    outer.cell(1, 1).text = "Ô ngoài 4"
    d.add_paragraph("Đoạn kết")
    result = extract_docx(save(d, tmp_path / "nested.docx"))
    assert result.body_lines == ["Đoạn mở đầu", "Ô ngoài 1", "Ô ngoài 2", "Trước bảng con", "Ô con A", "Ô con B",
                                 "Sau bảng con", "Ô ngoài 4", "Đoạn kết"]
    assert result.text.split("\n") == [
        "Đoạn mở đầu", "Ô ngoài 1 | Ô ngoài 2", "Trước bảng con Sau bảng con | Ô ngoài 4", "Ô con A | Ô con B",
        "Đoạn kết"]


def _inject(document, xml: str, index: int | None = None):
    element = parse_xml(xml)
    body = document.element.body
    if index is None:
        body.insert(len(body) - 1, element)  # before the final sectPr
    else:
        body.insert(index, element)


def test_content_controls_tracked_changes_and_fields(tmp_path):
    d = docx.Document()
    d.add_paragraph("Một")
    _inject(d, f'<w:sdt xmlns:w="{W}"><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>Trong content control</w:t></w:r>'
               "</w:p></w:sdtContent></w:sdt>")
    _inject(d, f'<w:p xmlns:w="{W}"><w:r><w:t xml:space="preserve">Giữ </w:t></w:r>'
               '<w:del w:id="1" w:author="a"><w:r><w:delText>ĐÃ XÓA </w:delText></w:r></w:del>'
               '<w:ins w:id="2" w:author="a"><w:r><w:t xml:space="preserve">thêm </w:t></w:r></w:ins>'
               '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
               '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r>'
               '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
               '<w:hyperlink><w:r><w:t xml:space="preserve"> liên kết</w:t></w:r></w:hyperlink></w:p>')
    result = extract_docx(save(d, tmp_path / "sdt.docx"))
    assert result.body_lines == ["Một", "Trong content control", "Giữ thêm 7 liên kết"]
    assert "ĐÃ XÓA" not in result.text and "PAGE" not in result.text


def test_text_box_read_once(tmp_path):
    d = docx.Document()
    box = f'<w:txbxContent xmlns:w="{W}"><w:p><w:r><w:t>Trong khung chữ</w:t></w:r></w:p></w:txbxContent>'
    _inject(d, f'<w:p xmlns:w="{W}" xmlns:mc="{MC}" xmlns:wps="http://schemas.microsoft.com/office/word/2010/'
               'wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml"><w:r><w:t>Neo</w:t></w:r>'
               f'<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>{box}</wps:txbx></w:drawing>'
               f'</mc:Choice><mc:Fallback><w:pict><v:textbox>{box}</v:textbox></w:pict></mc:Fallback>'
               "</mc:AlternateContent></w:r></w:p>")
    result = extract_docx(save(d, tmp_path / "box.docx"))
    assert result.body_lines == ["Neo", "Trong khung chữ"]


def _set_fonts(rpr_parent, name):
    """Give an element's rPr an rFonts with ascii/hAnsi/cs = name (no theme fonts)."""
    rpr = rpr_parent.get_or_add_rPr() if hasattr(rpr_parent, "get_or_add_rPr") else rpr_parent
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = parse_xml(f'<w:rFonts xmlns:w="{W}"/>')
        rpr.insert(0, rfonts)
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    for key in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(key), name)


def test_font_resolution_run_style_chain_and_defaults(tmp_path):
    d = docx.Document()
    base = d.styles.add_style("VnBase", WD_STYLE_TYPE.PARAGRAPH)
    base.font.name = ".VnTime"
    child = d.styles.add_style("VnChild", WD_STYLE_TYPE.PARAGRAPH)
    child.base_style = base  # no font of its own: inherits .VnTime
    heading = d.styles.add_style("VnHeading", WD_STYLE_TYPE.PARAGRAPH)
    heading.font.name = ".VnTimeH"
    vni_char = d.styles.add_style("VniChar", WD_STYLE_TYPE.CHARACTER)
    vni_char.font.name = "VNI-Times"

    d.add_paragraph("c¶i c¸ch hµnh chÝnh", style="VnBase")  # paragraph style
    d.add_paragraph("kÕ ho¹ch", style="VnChild")  # based-on chain
    d.add_paragraph("b¸o c¸o", style="VnHeading")  # capitals font
    p = d.add_paragraph(style="VnBase")
    run = p.add_run("Times New Roman thắng")
    run.font.name = "Times New Roman"  # run font overrides the style
    p = d.add_paragraph()
    p.add_run("Vieät Nam", style="VniChar")  # character style
    p = d.add_paragraph()
    run = p.add_run("Thanh tra ChÝnh phñ")
    run.font.name = ".VnArial"  # run font
    result = extract_docx(save(d, tmp_path / "fonts.docx"))
    assert result.body_lines == ["cải cách hành chính", "kế hoạch", "BÁO CÁO", "Times New Roman thắng", "Việt Nam",
                                 "Thanh tra Chính phủ"]
    assert result.legacy_runs == 5


def test_font_from_document_defaults(tmp_path):
    d = docx.Document()
    defaults = d.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(defaults, ".VnTime")
    d.add_paragraph("Thùc hiÖn kÕ ho¹ch")
    p = d.add_paragraph()
    p.add_run("Unicode rõ ràng").font.name = "Arial"
    result = extract_docx(save(d, tmp_path / "defaults.docx"))
    assert result.body_lines == ["Thực hiện kế hoạch", "Unicode rõ ràng"]
    assert result.legacy_runs == 1


def test_header_in_table_built_with_python_docx(tmp_path):
    d = docx.Document()
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "BỘ NỘI VỤ\nSố: 1234/QĐ-BNV"
    t.cell(0, 1).text = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
                         "Hà Nội, ngày 5 tháng 5 năm 2023")
    d.add_paragraph("QUYẾT ĐỊNH")
    d.add_paragraph("Về việc ban hành Quy chế làm việc")
    section = d.sections[0]
    section.header.paragraphs[0].text = "Bộ Nội vụ"
    section.footer.paragraphs[0].text = "Trang chân"
    result = extract_docx(save(d, tmp_path / "qd.docx"))
    meta = result.metadata
    assert (meta.number, meta.doc_type, meta.issuer) == ("1234/QĐ-BNV", "Quyết định", "Bộ Nội vụ")
    assert meta.summary == "Về việc ban hành Quy chế làm việc"
    assert meta.issued_on == datetime.date(2023, 5, 5)
    assert result.header_lines == ["Bộ Nội vụ"] and result.footer_lines == ["Trang chân"]


def test_headers_of_several_sections_deduplicated(tmp_path):
    d = docx.Document()
    d.add_paragraph("Phần một")
    d.sections[0].header.paragraphs[0].text = "Tiêu đề chung"
    d.add_section()
    d.add_paragraph("Phần hai")
    second = d.sections[1]
    second.header.is_linked_to_previous = False
    second.header.paragraphs[0].text = "Tiêu đề chung"
    second.header.add_paragraph("Tiêu đề phần hai")
    result = extract_docx(save(d, tmp_path / "sections.docx"))
    assert result.header_lines == ["Tiêu đề chung", "Tiêu đề phần hai"]
    assert result.body_lines == ["Phần một", "Phần hai"]


def test_nfd_text_is_normalised(tmp_path):
    d = docx.Document()
    d.add_paragraph(unicodedata.normalize("NFD", "Cải cách hành chính\u00a0nhà\tnước\u00ad"))
    result = extract_docx(save(d, tmp_path / "nfd.docx"))
    assert result.body_lines == ["Cải cách hành chính nhà nước"]
    assert unicodedata.is_normalized("NFC", result.text)


# -- XML safety ---------------------------------------------------------------------------------

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def raw_docx(path, document_xml: str) -> str:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("word/document.xml", document_xml)
    return str(path)


def test_external_entities_are_never_resolved():
    hostname = "/etc/hostname"
    host_value = Path(hostname).read_text().strip() if os.path.exists(hostname) else ""
    result = extract_docx(sample("xxe.docx"))  # entities naming a secret file beside it and /etc/hostname
    assert XXE_SECRET not in result.text
    if len(host_value) >= 4:
        assert host_value not in result.text
    assert result.body_lines == ["trước giữa sau"]


def test_python_docx_parser_does_not_resolve_entities_either():
    """python-docx (used elsewhere in the portal) parses with resolve_entities=False too."""
    document = docx.Document(sample("xxe.docx"))
    assert XXE_SECRET not in "".join(p.text for p in document.paragraphs)


def test_billion_laughs_is_not_expanded(tmp_path):
    entities = '<!ENTITY a0 "hahahahahahahahahaha">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    xml = (f'<?xml version="1.0"?><!DOCTYPE w:document [{entities}]><w:document xmlns:w="{W}"><w:body><w:p><w:r>'
           "<w:t>x&a9;y</w:t></w:r></w:p></w:body></w:document>")
    try:  # libxml2 refuses the amplification outright; either way nothing is expanded
        result = extract_docx(raw_docx(tmp_path / "laughs.docx", xml))
    except IngestError as exc:
        assert exc.code == "corrupt"
    else:
        assert len(result.text) < 100


def test_broken_xml_refused(tmp_path):
    with pytest.raises(IngestError) as info:
        extract_docx(raw_docx(tmp_path / "broken.docx", f'<w:document xmlns:w="{W}"><w:body><w:p>'))
    assert info.value.code == "corrupt"


def test_no_temporary_files_left(tmp_path, monkeypatch):
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    work = tmp_path / "work"
    work.mkdir()
    path = work / "a.docx"
    path.write_bytes(Path(sample("bao-cao-cchc-quy-1-2024.docx")).read_bytes())
    extract_docx(str(path))
    with pytest.raises(IngestError):
        extract_docx(sample("hong-cat-cut.docx"))
    assert os.listdir(temp) == [] and os.listdir(work) == ["a.docx"]


# -- speed --------------------------------------------------------------------------------------


def test_five_megabyte_docx_is_read_whole():
    """Every paragraph and table cell of a 5 MB file (30,000 paragraphs, one run in ten in a
    legacy font) is read. Its speed is a benchmark matter, not a test's: no clock here."""
    path = sample("bao-cao-rat-dai.docx")
    assert os.path.getsize(path) >= 5 * 1024 * 1024
    result = extract_docx(path)
    assert len(result.body_lines) == 30000 + 6000
    assert result.legacy_runs == 3000
    assert result.body_lines[10].startswith("10 ") and result.body_lines[-1] == "ô 2999"
    assert _no_legacy_gibberish(result.text)


# -- footnotes, endnotes, text boxes ----------------------------------------------------------------------------------


def test_footnotes_and_endnotes_follow_the_body_under_chu_thich_with_their_marks():
    result = extract_docx(sample("bao-cao-tu-danh-gia-co-chu-thich.docx"))
    lines = result.text.split("\n")
    assert "Tự đánh giá kết quả cải cách hành chính năm 2024[1]" in lines
    assert "Vụ tự chấm 86,5/100 điểm theo bộ tiêu chí PAR Index của Thanh tra Chính phủ[2]." in lines
    assert "Việc số hoá tài liệu lưu trữ còn chậm[i]." in lines  # the author's spelling kept
    notes = ["[1] Theo hướng dẫn chấm điểm Chỉ số cải cách hành chính của Bộ Nội vụ.",
             "[2] Bộ tiêu chí ban hành kèm theo Kế hoạch số 2337/KH-TTCP; điểm tối đa 100.",
             "[3] Không kể hồ sơ mật, lập bằng giấy theo quy định bảo vệ bí mật nhà nước.",
             "[i] Số liệu đến ngày 15/12/2024."]
    assert result.notes == notes
    assert lines[-5:] == ["Chú thích", *notes]  # after the body (this report has no page footer)
    assert result.body_lines[-5:] == ["Chú thích", *notes]
    assert result.text.count("Theo hướng dẫn chấm điểm") == 1
    # The header parser reads the summary without its mark.
    assert result.metadata.summary == "Tự đánh giá kết quả cải cách hành chính năm 2024"


def test_a_text_box_is_read_once_right_after_the_paragraph_anchoring_it():
    lines = extract_docx(sample("bao-cao-tu-danh-gia-co-chu-thich.docx")).text.split("\n")
    anchor = lines.index("Vụ tự chấm 86,5/100 điểm theo bộ tiêu chí PAR Index của Thanh tra Chính phủ[2].")
    assert lines[anchor + 1:anchor + 4] == ["Điểm tự đánh giá", "86,5/100 điểm", "Tăng 4,2 điểm so với 2023"]
    assert lines.count("86,5/100 điểm") == 1  # the VML copy for old Word is not read again


def test_notes_typed_in_legacy_fonts_are_converted_like_the_body():
    result = extract_docx(sample("nghi-dinh-30-2020-cong-tac-van-thu.docx"))
    assert result.notes[1] == ("[2] Thiết bị lưu khóa bí mật là thiết bị vật lý chứa chứng thư số và khóa bí mật của "
                               "cơ quan, tổ chức, dùng để ký số văn bản điện tử theo chữ ký số chuyên dùng công vụ.")
    assert result.notes[2].startswith("[i] Các văn bản hướng dẫn trước đây")
    assert _no_legacy_gibberish(result.text)


def test_custom_marks_unreferenced_notes_and_separators(tmp_path):
    from app.demo.wordfile import Note, WordDocument, docx_bytes, para

    data = docx_bytes(WordDocument(blocks=[
        para("Số liệu chưa kiểm chứng", Note("Theo báo cáo nhanh của đơn vị.", mark="*"), "; số đã kiểm chứng",
             Note("Theo biên bản kiểm tra."), "."),
    ]))
    parts = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = {info.filename: zf.read(info.filename) for info in zf.infolist()}
    unreferenced = (f'<w:footnote xmlns:w="{W}" w:id="9"><w:p><w:r><w:t>Không được dẫn tới</w:t></w:r></w:p>'
                    '</w:footnote></w:footnotes>').encode()
    parts["word/footnotes.xml"] = parts["word/footnotes.xml"].replace(b"</w:footnotes>", unreferenced)
    path = tmp_path / "notes.docx"
    with zipfile.ZipFile(path, "w") as zf:
        for name, member in parts.items():
            zf.writestr(name, member)
    result = extract_docx(str(path))
    assert result.text.split("\n") == ["Số liệu chưa kiểm chứng[*]; số đã kiểm chứng[1].", "Chú thích",
                                       "[*] Theo báo cáo nhanh của đơn vị.", "[1] Theo biên bản kiểm tra."]


def test_a_document_without_notes_has_no_chu_thich_section():
    result = extract_docx(sample("bao-cao-cchc-quy-1-2024.docx"))
    assert result.notes == [] and "Chú thích" not in result.text.split("\n")
