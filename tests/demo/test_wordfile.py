"""app/demo/wordfile.py: the Word files it writes are read back as written, byte for byte the same
every time, and text a legacy font would garble is refused before anything is written."""
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest

from app.demo.wordfile import Note, Run, Table, TextBox, WordDocument, docx_bytes, para, write_docx
from app.ingest import extract_docx
from tests import word_fixtures


def report() -> WordDocument:
    """A small report using every kind of block: headings, runs in three fonts, a nested table."""
    return WordDocument(
        blocks=[
            para("KẾT QUẢ", bold=True, font=".VnTimeH", style="Heading 1"),
            para(Run("Đã số hóa "), Run("1.250 hồ sơ", bold=True), Run(" trong quý", italic=True)),
            para("Việt Nam, gõ bằng VNI", font="VNI-Times"),
            para("Dòng một\nDòng hai"),
            Table([["Đơn vị", "Kết quả"],
                   ["Vụ Pháp chế", ["Đạt 86,5%", Table([["Quý I", "400"], ["Quý II", "420"]])]]], header_rows=1),
        ],
        header=[para("Đầu trang")], footer=[para("Chân trang", font=".VnTime")],
        font=".VnTime", title="Báo cáo thử", created=datetime(2024, 7, 16, 8),
    )


def test_what_is_written_is_read_back(tmp_path):
    result = extract_docx(write_docx(report(), tmp_path / "bao-cao.docx"))
    assert result.body_lines == [
        "KẾT QUẢ", "Đã số hóa 1.250 hồ sơ trong quý", "Việt Nam, gõ bằng VNI", "Dòng một",
        "Dòng hai", "Đơn vị", "Kết quả", "Vụ Pháp chế", "Đạt 86,5%", "Quý I", "400", "Quý II", "420"]
    assert result.text.split("\n")[-5:] == ["Đơn vị | Kết quả", "Vụ Pháp chế | Đạt 86,5%", "Quý I | 400",
                                            "Quý II | 420", "Chân trang"]
    assert result.header_lines == ["Đầu trang"] and result.footer_lines == ["Chân trang"]
    assert result.legacy_runs == 16  # every run, page header and footer too: .VnTime, .VnTimeH or VNI-Times


def test_legacy_runs_hold_the_bytes_word_would_keep(tmp_path):
    document = docx.Document(write_docx(report(), tmp_path / "bao-cao.docx"))
    heading, figures = document.paragraphs[0], document.paragraphs[1]
    assert (heading.runs[0].text, heading.runs[0].font.name, heading.style.name) == ("kÕt qu¶", ".VnTimeH", "Heading 1")
    assert [r.text for r in figures.runs] == ["§· sè hãa ", "1.250 hå s¬", " trong quý"]
    assert figures.runs[1].bold and figures.runs[2].italic
    assert document.core_properties.title == "Báo cáo thử"
    assert document.core_properties.created == datetime(2024, 7, 16, 8, tzinfo=UTC)


def test_the_same_description_gives_the_same_bytes():
    first, second = docx_bytes(report()), docx_bytes(report())
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}


@pytest.mark.parametrize("block", [
    para("Ấn định thời hạn", font=".VnTime"),  # no capitals with tone marks in .VnTime
    para("Kết quả", font=".VnTimeH"),  # a capitals font cannot show lower case
    para("Đạt", style="Kiểu không có"),
    Table([["a", "b"], ["c"]]),
])
def test_what_cannot_be_written_faithfully_is_refused_and_nothing_written(tmp_path, block):
    path = tmp_path / "x.docx"
    with pytest.raises(ValueError):
        write_docx(WordDocument(blocks=[block]), path)
    assert not path.exists()


@pytest.mark.parametrize("name", sorted(set(word_fixtures.BUILDERS) - {"bom-giai-nen.docx", "bao-cao-rat-dai.docx"}))
def test_every_test_file_is_built_the_same_every_time(tmp_path, name):
    one, two = tmp_path / "1", tmp_path / "2"
    one.mkdir()
    two.mkdir()
    first = Path(word_fixtures.build(name, one)).read_bytes()
    second = Path(word_fixtures.build(name, two)).read_bytes()
    if name == "xxe.docx":  # it names the secret file beside it by its absolute path
        first, second = (_parts(data).replace(str(folder).encode(), b"") for data, folder in
                         ((first, one), (second, two)))
    assert first == second


def _parts(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return b"".join(package.read(info) for info in package.infolist())


def test_notes_and_text_boxes_are_written_where_word_looks_for_them():
    data = docx_bytes(WordDocument(blocks=[
        para("Căn cứ", Note("Chú thích cuối trang.", font=".VnTime"), " và",
             Note("Chú thích cuối văn bản.", endnote=True), TextBox([para("Trong khung")])),
    ]))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = set(package.namelist())
        types = package.read("[Content_Types].xml").decode()
        rels = package.read("word/_rels/document.xml.rels").decode()
        settings = package.read("word/settings.xml").decode()
        document = package.read("word/document.xml").decode()
        footnotes = package.read("word/footnotes.xml").decode()
    assert {"word/footnotes.xml", "word/endnotes.xml"} <= names
    assert "wordprocessingml.footnotes+xml" in types and "wordprocessingml.endnotes+xml" in types
    assert 'relationships/footnotes"' in rels and 'relationships/endnotes"' in rels
    assert settings.index("<w:footnotePr>") < settings.index("<w:compat>")
    assert 'w:type="separator" w:id="-1"' in footnotes and "<w:footnoteRef/>" in footnotes
    assert "Chó thÝch cuèi trang." in footnotes  # stored the way a .VnTime run stores it
    assert document.count("<w:txbxContent>") == 2  # the DrawingML shape and its VML copy
    assert '<mc:Choice Requires="wps">' in document and "<mc:Fallback>" in document
