"""check_upload / read_member: refused files, zip bombs, declared sizes that lie."""
from __future__ import annotations

import io
import os
import shutil
import struct
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from app.ingest import IngestError, check_upload, extract_docx, read_member
from app.ingest.safety import check_zip
from tests.helpers import sample
from tests.word_fixtures import CONTENT_TYPES, DOC_START, ROOT_RELS

MB = 1024 * 1024

DOCUMENT = DOC_START.decode() + "Xin chào</w:t></w:r></w:p></w:body></w:document>"


@pytest.fixture
def quy1() -> str:
    """The quarterly report (tests/word_fixtures.py): a normal, safe .docx."""
    return sample("bao-cao-cchc-quy-1-2024.docx")


def write_zip(path, members: dict[str, bytes | str], compression=zipfile.ZIP_DEFLATED) -> str:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return str(path)


def minimal_docx(path, **extra) -> str:
    members = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS, "word/document.xml": DOCUMENT}
    members.update(extra)
    return write_zip(path, members)


def refused(path, name, **kwargs) -> IngestError:
    with pytest.raises(IngestError) as info:
        check_upload(str(path), name, **kwargs)
    return info.value


# -- test files (tests/word_fixtures.py) ---------------------------------------------------------


def test_sample_docx_accepted(quy1):
    check = check_upload(quy1, "bao-cao-cchc-quy-1-2024.docx")
    assert (check.kind, check.extension) == ("docx", ".docx")
    assert check.size == os.path.getsize(quy1)


def test_truncated_docx_refused_as_corrupt():
    exc = refused(sample("hong-cat-cut.docx"), "hong-cat-cut.docx")
    assert exc.code == "corrupt"
    assert str(exc).startswith("Tệp bị hỏng hoặc không đầy đủ")


def test_old_binary_doc_refused_with_save_as_docx_advice(tmp_path):
    exc = refused(sample("bao-cao-cu.doc"), "bao-cao-cu.doc")
    assert exc.code == "old_doc"
    assert "Word" in str(exc) and ".docx" in str(exc) and "Save As" in str(exc)
    renamed = shutil.copy(sample("bao-cao-cu.doc"), tmp_path / "bao-cao.docx")
    assert refused(renamed, "bao-cao.docx").code == "old_doc"  # OLE2 content under a .docx name


def test_macro_document_refused_by_name_and_by_content(tmp_path):
    exc = refused(sample("bao-cao-co-macro.docm"), "bao-cao-co-macro.docm")
    assert exc.code == "macro" and "macro" in str(exc)
    renamed = shutil.copy(sample("bao-cao-co-macro.docm"), tmp_path / "bao-cao.docx")
    assert refused(renamed, "bao-cao.docx").code == "macro"  # a VBA project under a .docx name
    with pytest.raises(IngestError) as info:
        extract_docx(str(renamed))
    assert info.value.code == "macro"


def test_doc_extension_holding_a_docx_says_rename(tmp_path, quy1):
    path = shutil.copy(quy1, tmp_path / "x.doc")
    exc = refused(path, "bao cao.doc")
    assert exc.code == "mismatch" and "đổi đuôi" in str(exc)


def test_password_protected_word_file(tmp_path):
    # Word saves an encrypted .docx as an OLE2 file with an "EncryptedPackage" stream.
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 100
    path = tmp_path / "mat-khau.docx"
    path.write_bytes(data)
    exc = refused(path, "mat-khau.docx")
    assert exc.code == "encrypted" and "mật khẩu" in str(exc)


# -- simple refusals ----------------------------------------------------------------------------


def test_empty_file(tmp_path):
    path = tmp_path / "rong.docx"
    path.write_bytes(b"")
    exc = refused(path, "rong.docx")
    assert exc.code == "empty" and "trống" in str(exc)


def test_over_max_bytes(quy1):
    exc = refused(quy1, "a.docx", max_bytes=10_000)
    assert exc.code == "too_large" and "MB" in str(exc)


def test_macro_extension_refused(quy1):
    exc = refused(quy1, "bao-cao.docm")
    assert exc.code == "macro" and "macro" in str(exc)
    assert refused(quy1, "mau.dotm").code == "macro"


def test_docx_with_vba_project_refused(tmp_path, quy1):
    path = shutil.copy(quy1, tmp_path / "macro.docx")
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 fake vba")
    exc = refused(path, "macro.docx")
    assert exc.code == "macro"
    # and extract_docx refuses it too (it runs the same checks)
    with pytest.raises(IngestError):
        extract_docx(str(path))


def test_docx_with_macro_enabled_content_type_refused(tmp_path):
    types = CONTENT_TYPES.replace("document.main+xml", "document.macroEnabled.main+xml")
    path = minimal_docx(tmp_path / "m.docx", **{"[Content_Types].xml": types})
    assert refused(path, "m.docx").code == "macro"


def test_png_and_pdf_renamed_docx_refused(tmp_path):
    png = tmp_path / "anh.docx"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    exc = refused(png, "anh.docx")
    assert exc.code == "mismatch" and "PNG" in str(exc)
    pdf = tmp_path / "vb.docx"
    pdf.write_bytes(b"%PDF-1.4\n%...\n")
    exc = refused(pdf, "vb.docx")
    assert exc.code == "mismatch" and "PDF" in str(exc)
    junk = tmp_path / "junk.docx"
    junk.write_bytes(b"hello world")
    assert refused(junk, "junk.docx").code == "mismatch"


def test_zip_that_is_not_a_word_document(tmp_path):
    path = write_zip(tmp_path / "a.docx", {"readme.txt": "xin chào"})
    exc = refused(path, "a.docx")
    assert exc.code == "mismatch" and "ZIP" in str(exc)
    sheet_types = CONTENT_TYPES.replace("/word/document.xml", "/xl/workbook.xml").replace(
        "wordprocessingml.document.main+xml", "spreadsheetml.sheet.main+xml")
    sheet = write_zip(tmp_path / "b.docx", {
        "[Content_Types].xml": sheet_types, "_rels/.rels": ROOT_RELS.replace("word/document.xml", "xl/workbook.xml"),
        "xl/workbook.xml": "<workbook/>"})
    exc = refused(sheet, "b.docx")
    assert exc.code == "mismatch" and "Excel" in str(exc)


def test_pdf_must_have_pdf_header(tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(b"\x89PNG\r\n\x1a\n....")
    exc = refused(path, "a.pdf")
    assert exc.code == "mismatch" and "PNG" in str(exc)
    ok = tmp_path / "b.pdf"
    ok.write_bytes(b"%PDF-1.7\n...")
    assert check_upload(str(ok), "B.PDF").kind == "pdf"


def test_allowed_restricts_kinds_with_a_list_of_what_is_accepted(tmp_path):
    ok = tmp_path / "b.pdf"
    ok.write_bytes(b"%PDF-1.7\n...")
    exc = refused(ok, "b.pdf", allowed=("docx",))
    assert exc.code == "not_allowed" and "Word (.docx)" in str(exc) and ".pdf" in str(exc)
    exc = refused(tmp_path / "b.pdf", "bang.xlsx", allowed=("docx", "pdf"))
    assert "PDF (.pdf)" in str(exc)


def test_other_kinds_accepted_as_other(tmp_path):
    png = tmp_path / "a.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 10)
    assert check_upload(str(png), "So do.PNG").kind == "other"
    txt = tmp_path / "a.txt"
    txt.write_text("ghi chú", encoding="utf-8")
    assert check_upload(str(txt), "ghi chu.txt").kind == "other"
    xlsx_types = CONTENT_TYPES.replace("/word/document.xml", "/xl/workbook.xml").replace(
        "wordprocessingml.document.main+xml", "spreadsheetml.sheet.main+xml")
    xlsx = write_zip(tmp_path / "s.xlsx", {"[Content_Types].xml": xlsx_types,
                                           "_rels/.rels": ROOT_RELS.replace("word/document.xml", "xl/workbook.xml"),
                                           "xl/workbook.xml": "<workbook/>"})
    assert check_upload(xlsx, "Bang tong hop.xlsx").kind == "other"
    fake_jpg = tmp_path / "a.jpg"
    fake_jpg.write_bytes(b"%PDF-1.4 not an image")
    assert refused(fake_jpg, "a.jpg").code == "mismatch"


def test_programs_and_web_pages_refused(tmp_path):
    path = tmp_path / "x"
    path.write_bytes(b"MZ\x90\x00")
    for name in ("setup.exe", "trang.html", "logo.svg", "script.js"):
        assert refused(path, name).code == "dangerous"


# -- zip structure ------------------------------------------------------------------------------


def test_too_many_members(tmp_path):
    members = {f"word/media/p{i}.xml": "x" for i in range(2001)}
    path = minimal_docx(tmp_path / "many.docx", **members)
    exc = refused(path, "many.docx")
    assert exc.code == "zip_bomb" and "2000" in str(exc)


@pytest.mark.parametrize("name", ["/etc/passwd", "../../evil.xml", "word/../../evil.xml", "C:/Windows/x.xml",
                                  "word\\..\\..\\evil.xml"])
def test_member_paths_must_be_relative(tmp_path, name):
    path = minimal_docx(tmp_path / "p.docx", **{name: "x"})
    with zipfile.ZipFile(path) as zf:  # zipfile keeps the raw name in the directory
        assert any(i.filename.endswith("evil.xml") or i.filename.endswith("passwd") or "Windows" in i.filename
                   for i in zf.infolist())
    assert refused(path, "p.docx").code == "unsafe_zip"


def test_nested_zip_refused_but_chart_embeddings_allowed(tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("a.txt", "x")
    nested = minimal_docx(tmp_path / "n.docx", **{"word/media/archive.zip": inner.getvalue()})
    assert refused(nested, "n.docx").code == "unsafe_zip"
    hidden = minimal_docx(tmp_path / "h.docx", **{"word/media/image1.png": inner.getvalue()})
    exc = refused(hidden, "h.docx")
    assert exc.code == "unsafe_zip" and "lồng" in str(exc)
    chart = minimal_docx(tmp_path / "c.docx", **{"word/embeddings/Microsoft_Excel_Worksheet.xlsx": inner.getvalue()})
    assert check_upload(chart, "c.docx").kind == "docx"


def test_high_ratio_member_refused(tmp_path):
    path = minimal_docx(tmp_path / "r.docx", **{"word/media/zeros.bin": b"\0" * (5 * MB)})
    exc = refused(path, "r.docx")
    assert exc.code == "zip_bomb" and ":1" in str(exc)
    # small members may compress well: a 500 KB run of spaces is fine
    ok = minimal_docx(tmp_path / "ok.docx", **{"word/media/spaces.xml": b" " * (500 * 1024)})
    assert check_upload(ok, "ok.docx").kind == "docx"


def test_total_declared_size_limit(tmp_path):
    path = minimal_docx(tmp_path / "t.docx", **{"word/media/a.bin": os.urandom(MB)})
    with zipfile.ZipFile(path) as zf:
        check_zip(zf)
        with pytest.raises(IngestError) as info:
            check_zip(zf, max_total=MB // 2)
    assert info.value.code == "zip_bomb"


# -- zip bombs ----------------------------------------------------------------------------------

@pytest.fixture
def bomb_docx() -> str:
    """A ~2 MB .docx whose word/document.xml inflates to ~2 GB (built once per session)."""
    return sample("bom-giai-nen.docx")


def patch_declared_size(source: str, target, member: str, size: int) -> str:
    """Copy ``source`` to ``target`` with ``member``'s uncompressed size in the central directory set to ``size``."""
    data = bytearray(Path(source).read_bytes())
    encoded = member.encode()
    pos = data.find(b"PK\x01\x02")
    patched = False
    while pos != -1:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46:pos + 46 + name_len] == encoded:
            struct.pack_into("<I", data, pos + 24, size)
            patched = True
        pos = data.find(b"PK\x01\x02", pos + 4)
    assert patched
    with open(target, "wb") as fh:
        fh.write(data)
    return str(target)


def measure(func):
    """Run ``func`` expecting IngestError; return (error, peak traced bytes). Memory, not time:
    a bomb refused early never holds its declared size, and memory does not depend on how busy
    the machine is."""
    tracemalloc.start()
    try:
        with pytest.raises(IngestError) as info:
            func()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return info.value, peak


def test_bomb_is_small_on_disk_and_huge_declared(bomb_docx):
    assert os.path.getsize(bomb_docx) < 4 * MB
    with zipfile.ZipFile(bomb_docx) as zf:
        assert zf.getinfo("word/document.xml").file_size > 1900 * MB


def test_zip_bomb_refused_fast_with_little_memory(bomb_docx):
    exc, peak = measure(lambda: check_upload(bomb_docx, "bomb.docx"))
    assert exc.code == "zip_bomb"
    assert "200 MB" in str(exc)
    assert peak < 200 * MB
    exc, peak = measure(lambda: extract_docx(bomb_docx))
    assert exc.code == "zip_bomb"
    assert peak < 200 * MB


def test_bomb_with_lying_small_size_stopped_when_read(bomb_docx, tmp_path):
    liar = patch_declared_size(bomb_docx, tmp_path / "liar.docx", "word/document.xml", 1000)
    with zipfile.ZipFile(liar) as zf:
        assert zf.getinfo("word/document.xml").file_size == 1000  # the directory now says 1 KB
    exc, peak = measure(lambda: extract_docx(liar))
    assert exc.code in ("corrupt", "zip_bomb")
    assert peak < 200 * MB


def test_bomb_with_plausible_lying_size_stopped_by_the_cap(bomb_docx, tmp_path):
    # 150 MB claimed: under the 200 MB total and only ~75:1 for ~2 MB compressed, so the
    # directory checks pass; reading is what must stop it.
    liar = patch_declared_size(bomb_docx, tmp_path / "liar150.docx", "word/document.xml", 150 * MB)
    check_upload(liar, "liar150.docx")
    exc, peak = measure(lambda: extract_docx(liar))
    assert exc.code == "zip_bomb"
    assert peak < 200 * MB
    with zipfile.ZipFile(liar) as zf:
        exc, peak = measure(lambda: read_member(zf, "word/document.xml", 10 * MB))
    assert exc.code == "zip_bomb" and peak < 200 * MB


class _EndlessReader(io.RawIOBase):
    """A member stream that never ends, whatever the directory declared."""

    def readable(self):
        return True

    def readinto(self, buffer):
        buffer[:] = b"\0" * len(buffer)
        return len(buffer)


class _LyingZip:
    """Stands in for a zip reader that trusts nothing but returns more than the declared size."""

    def getinfo(self, name):
        info = zipfile.ZipInfo(name)
        info.file_size = 100
        return info

    def open(self, info):
        return io.BufferedReader(_EndlessReader())


def test_read_member_never_returns_more_than_cap():
    exc, peak = measure(lambda: read_member(_LyingZip(), "word/document.xml", 5 * MB))
    assert exc.code == "zip_bomb"
    assert peak < 50 * MB


def test_read_member_reads_normal_members_and_refuses_missing_ones(quy1):
    with zipfile.ZipFile(quy1) as zf:
        data = read_member(zf, "word/document.xml", 10 * MB)
        assert data.startswith(b"<?xml") and len(data) == zf.getinfo("word/document.xml").file_size
        with pytest.raises(IngestError):
            read_member(zf, "word/none.xml", MB)
        with pytest.raises(IngestError):
            read_member(zf, "word/document.xml", 100)  # declared size over the cap


def test_check_upload_leaves_the_file_alone(tmp_path, quy1):
    path = shutil.copy(quy1, tmp_path / "a.docx")
    before = Path(path).read_bytes()
    check_upload(str(path), "a.docx")
    assert Path(path).read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["a.docx"]
