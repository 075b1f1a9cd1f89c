"""app.ingest.ocr against the real Tesseract (Debian tesseract-ocr + tesseract-ocr-vie) and poppler.

The scans are generated here (tests/scans.py): Vietnamese sentences of our own rendered at 300 dpi
on small pages, so each recognised page costs well under a second.
"""
from __future__ import annotations

import hashlib
import os
import struct
import subprocess
import unicodedata
import zlib

import pytest
from PIL import Image
from pypdf import PdfWriter

from app.ingest import IngestError, ocr
from app.ingest.ocr import OcrJob, OcrLimits, ocr_available, ocr_file, ocr_status, page_label, plan_ocr
from app.vntext import nfc
from tests.scans import image_pdf, join_pdfs, pdf_file, render_page, text_pdf, worn

SMALL = (6.6, 2.6)  # inches: a strip of a page, enough for a few lines

DECISION = (
    "QUYẾT ĐỊNH\n"
    "Về việc ban hành Kế hoạch cải cách hành chính năm 2025\n"
    "Căn cứ Nghị định số 107/2021/NĐ-CP của Chính phủ;\n"
    "Ủy ban nhân dân tỉnh giao Sở Nội vụ đôn đốc việc số hóa hồ sơ."
)
DECISION_WORDS = ["QUYẾT ĐỊNH", "cải cách hành chính", "107/2021/NĐ-CP", "Ủy ban nhân dân", "Sở Nội vụ", "số hóa hồ sơ"]
SECOND = (
    "Điều 2. Giám đốc các sở, thủ trưởng các cơ quan chịu trách nhiệm thi hành\n"
    "Quyết định này; người dân được hướng dẫn nộp hồ sơ trực tuyến."
)
SECOND_WORDS = ["Điều 2", "thủ trưởng", "chịu trách nhiệm", "người dân", "hướng dẫn", "trực tuyến"]
TEXT_LAYER = ["Bao cao ket qua thuc hien ke hoach nam 2025", "Trang nay co lop chu san"]


def scan(text: str, **kwargs) -> Image.Image:
    return render_page(text, size_in=SMALL, margin_in=0.3, point=12, **kwargs)


def write(tmp_path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def sha256(path: str) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def pdftotext(path: str) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True, check=True).stdout.decode()


def refused(path: str, **kwargs) -> IngestError:
    with pytest.raises(IngestError) as info:
        ocr_file(path, **kwargs)
    return info.value


@pytest.fixture(scope="module")
def mixed_pdf(tmp_path_factory) -> str:
    """Three pages: a scanned decision, a page with a text layer, a scanned second page."""
    data = join_pdfs([image_pdf([scan(DECISION)]), text_pdf(TEXT_LAYER), image_pdf([scan(SECOND)])])
    path = tmp_path_factory.mktemp("ocr") / "quyet-dinh-scan.pdf"
    path.write_bytes(data)
    return str(path)


@pytest.fixture
def status_refreshed(monkeypatch):
    """Tests that change what is found on PATH leave the cached status as the machine has it."""
    yield
    monkeypatch.undo()
    ocr_status(refresh=True)


# -- set-up ----------------------------------------------------------------------------------------


def test_tesseract_with_vietnamese_is_installed():
    status = ocr_status(refresh=True)
    assert ocr_available(), status.message
    assert "vie" in status.languages and status.searchable_pdf
    assert status.message.startswith("Nhận dạng chữ (OCR) đang bật")


def test_without_tesseract_ocr_is_off_and_says_so(tmp_path, monkeypatch, mixed_pdf, status_refreshed):
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract, no poppler
    status = ocr_status(refresh=True)
    assert not status.available and not ocr_available()
    assert "tesseract-ocr" in status.missing and "tesseract-ocr-vie" in status.missing
    assert status.message.startswith("Nhận dạng chữ (OCR) đang tắt") and "tesseract-ocr-vie" in status.message
    with pytest.raises(IngestError) as info:
        OcrJob(mixed_pdf)
    assert info.value.code == "ocr_off" and str(info.value) == status.message


# -- recognition -----------------------------------------------------------------------------------


def test_scanned_pages_recognised_text_layer_kept(mixed_pdf, tmp_path):
    before = sha256(mixed_pdf)
    plan = plan_ocr(mixed_pdf)
    assert (plan.kind, plan.page_count, plan.ocr_pages, plan.text_pages) == ("pdf", 3, (1, 3), (2,))
    assert plan.needs_ocr and plan.dpi == {1: 300, 3: 300}

    progress = []
    out = str(tmp_path / "searchable.pdf")
    result = ocr_file(mixed_pdf, searchable_pdf=out, progress=lambda done, total: progress.append((done, total)))

    assert progress == [(0, 2), (1, 2), (2, 2)] and page_label(1, 2) == "1/2 trang"
    assert [(p.number, p.source) for p in result.pages] == [(1, "ocr"), (2, "text"), (3, "ocr")]
    assert result.ocr_page_count == 2 and result.page_count == 3
    first, kept, last = result.pages
    for word in DECISION_WORDS:
        assert word in first.text, (word, first.text)
    for word in SECOND_WORDS:
        assert word in last.text, (word, last.text)
    assert kept.text == "\n".join(TEXT_LAYER) and kept.confidence is None
    assert first.confidence is not None and first.confidence > 80
    assert all(unicodedata.is_normalized("NFC", p.text) for p in result.pages)
    assert result.text == "\n".join(p.text for p in result.pages)

    # The searchable copy: every page, the recognised words findable; the original untouched.
    assert result.searchable_pdf == out and result.notes == []
    searchable = pdftotext(out)
    assert searchable.count("\f") == 3
    pages = searchable.split("\f")
    assert "cải cách hành chính" in pages[0] and "Bao cao ket qua" in pages[1] and "trực tuyến" in pages[2]
    assert sha256(mixed_pdf) == before
    assert pdftotext(mixed_pdf).split("\f")[0].strip() == ""  # the original page 1 still has no text


def test_iteration_reports_pages_in_order_and_can_stop(mixed_pdf):
    seen = []
    with OcrJob(mixed_pdf) as job:
        assert (job.total, job.done) == (2, 0)
        for page in job:
            seen.append((page.number, page.source, job.done))
            if page.number == 2:
                break  # leaving the loop stops the work: page 3 is never recognised
        workdir = job.workdir
    assert seen == [(1, "ocr", 1), (2, "text", 1)]
    assert not os.path.exists(workdir)  # a temporary work folder is removed on close


def test_resumes_from_its_work_folder_without_doing_a_page_twice(mixed_pdf, tmp_path):
    workdir = str(tmp_path / "job-7")
    with OcrJob(mixed_pdf, workdir=workdir) as job:
        first = next(iter(job))  # "killed" after the first page
    assert first.seconds > 0 and sorted(os.listdir(workdir)) == ["job.json", "page-00001.json"]
    os.mkdir(os.path.join(workdir, "tmp-killed"))  # the scratch a killed run leaves behind

    with OcrJob(mixed_pdf, workdir=workdir) as job:
        pages = list(job)
    assert [p.number for p in pages] == [1, 2, 3]
    assert pages[0].seconds == 0 and pages[0].text == first.text  # taken from the folder
    assert pages[2].seconds > 0
    assert sorted(os.listdir(workdir)) == ["job.json", "page-00001.json", "page-00003.json"]

    # Another file in the same folder: nothing of the first file is reused.
    other = write(tmp_path, "other.pdf", image_pdf([scan(SECOND)]))
    with OcrJob(other, workdir=workdir) as job:
        (only,) = list(job)
    assert only.seconds > 0 and "trực tuyến" in only.text


def test_image_attachments_png_jpeg_and_multipage_tiff(tmp_path):
    png = write(tmp_path, "scan.png", b"")
    scan(DECISION).save(png, "PNG", dpi=(300, 300))
    result = ocr_file(png, searchable_pdf=str(tmp_path / "png.pdf"))
    assert [(p.number, p.source) for p in result.pages] == [(1, "ocr")]
    assert "cải cách hành chính" in result.text and "107/2021/NĐ-CP" in result.text
    assert "cải cách hành chính" in pdftotext(result.searchable_pdf)

    # A phone photo taken sideways: the pixels lie on their side, EXIF says to turn them upright.
    jpeg = str(tmp_path / "photo.jpg")
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    scan(SECOND).convert("RGB").rotate(90, expand=True).save(jpeg, "JPEG", quality=92, dpi=(300, 300), exif=exif)
    assert "chịu trách nhiệm" in ocr_file(jpeg).text

    tiff = str(tmp_path / "two-pages.tiff")
    scan(DECISION).save(tiff, "TIFF", save_all=True, append_images=[scan(SECOND)], dpi=(300, 300),
                        compression="tiff_lzw")
    result = ocr_file(tiff, searchable_pdf=str(tmp_path / "tiff.pdf"))
    assert [p.number for p in result.pages] == [1, 2]
    assert "Ủy ban nhân dân" in result.pages[0].text and "hướng dẫn" in result.pages[1].text
    assert pdftotext(result.searchable_pdf).count("\f") == 2


def test_text_is_nfc_as_written_and_matches_under_the_tone_convention(tmp_path):
    """The page says "hoà giải" (old tone placement): kept as written; the index's nfc() finds "hòa"."""
    png = write(tmp_path, "hoa-giai.png", b"")
    scan("Tổ hoà giải ở cơ sở và Ủy ban nhân dân xã phối hợp thực hiện.").save(png, dpi=(300, 300))
    text = ocr_file(png).text
    assert "hoà giải" in text and unicodedata.is_normalized("NFC", text)
    assert "hòa giải" in nfc(text)


def test_grainy_photocopy_read_again_after_despeckling(tmp_path, monkeypatch):
    """Grain fools Tesseract's binarisation (stray marks, lost accents, or no text line found at
    all): the page is read a second time after a median filter and the better reading is kept."""
    readings = []
    real = ocr.OcrJob._tesseract

    def counted(self, number, image, base):
        found = real(self, number, image, base)
        readings.append(found[1])
        return found

    monkeypatch.setattr(ocr.OcrJob, "_tesseract", counted)
    png = str(tmp_path / "photocopy.png")
    worn(render_page(DECISION, size_in=SMALL, margin_in=0.3, point=12, dpi=200)).save(png, dpi=(200, 200))
    page = ocr_file(png).pages[0]
    assert len(readings) == 2 and (readings[0] or 0) < ocr.RETRY_BELOW_CONFIDENCE < readings[1] == page.confidence
    for word in DECISION_WORDS:
        assert word in page.text, (word, page.text)


# -- hostile and broken files ----------------------------------------------------------------------


def test_password_protected_pdf_refused_owner_password_only_read(mixed_pdf, tmp_path):
    writer = PdfWriter(clone_from=mixed_pdf)
    writer.encrypt(user_password="mat-khau", owner_password="chu", algorithm="AES-256")
    locked = str(tmp_path / "locked.pdf")
    writer.write(locked)
    exc = refused(locked)
    assert exc.code == "encrypted" and "mật khẩu" in str(exc)

    writer = PdfWriter(clone_from=mixed_pdf)
    writer.encrypt(user_password="", owner_password="chu", algorithm="AES-256")
    restricted = str(tmp_path / "restricted.pdf")
    writer.write(restricted)
    assert plan_ocr(restricted).ocr_pages == (1, 3)


@pytest.mark.parametrize("content", ["half", b"%PDF-1.4\ngarbage garbage\n"])
def test_broken_pdf_refused(mixed_pdf, tmp_path, content):
    if content == "half":
        data = open(mixed_pdf, "rb").read()
        content = data[: len(data) // 2]
    exc = refused(write(tmp_path, "broken.pdf", content))
    assert exc.code == "corrupt" and "bị hỏng" in str(exc)


def test_other_files_are_not_recognised(tmp_path):
    exc = refused(write(tmp_path, "bang.xlsx", b"PK\x03\x04" + b"\x00" * 100))
    assert exc.code == "not_supported" and "PDF và ảnh PNG, JPEG, TIFF" in str(exc)
    exc = refused(write(tmp_path, "anh.gif", b"GIF89a" + b"\x00" * 100))
    assert exc.code == "not_supported"


def test_truncated_image_refused(tmp_path):
    png = str(tmp_path / "cut.png")
    scan(DECISION).save(png)
    data = open(png, "rb").read()
    exc = refused(write(tmp_path, "cut.png", data[: len(data) // 3]))
    assert exc.code == "corrupt" and "ảnh bị hỏng" in str(exc)


def pages_pdf(count: int, *, declared: int | None = None, box: tuple[int, int] = (595, 842)) -> bytes:
    kids = " ".join(f"{3 + i} 0 R" for i in range(count))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{kids}] /Count {declared or count} >>".encode()]
    objects += [f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {box[0]} {box[1]}] >>".encode()] * count
    return pdf_file(objects)


def test_pdf_bomb_with_thousands_of_pages_refused_before_any_work(tmp_path):
    exc = refused(write(tmp_path, "many.pdf", pages_pdf(5000)))
    assert exc.code == "too_many_pages" and "5.000 trang" in str(exc) and "2.000 trang" in str(exc)
    # A page count that lies (a billion pages declared, one there) is a broken file.
    exc = refused(write(tmp_path, "lie.pdf", pages_pdf(1, declared=1_000_000_000)))
    assert exc.code == "corrupt"


def test_more_pages_to_recognise_than_the_limit_refused(mixed_pdf):
    exc = refused(mixed_pdf, limits=OcrLimits(max_pages=1))
    assert exc.code == "too_many_pages" and "2 trang cần nhận dạng chữ" in str(exc) and "giới hạn 1 trang" in str(exc)


def test_giant_page_refused(tmp_path):
    exc = refused(write(tmp_path, "huge.pdf", pages_pdf(1, box=(14400, 14400))))
    assert exc.code == "page_too_large" and "Trang 1 có khổ 508 × 508 cm" in str(exc)


def test_oversized_page_rendered_at_a_lower_resolution(tmp_path):
    plan = plan_ocr(write(tmp_path, "a2.pdf", pages_pdf(1, box=(1191, 1684))), OcrLimits(max_page_pixels=20_000_000))
    assert plan.dpi[1] < 300 and plan.dpi[1] >= 100


def test_pdf_page_holding_a_decompression_bomb_stays_within_its_limits(tmp_path):
    """A small page drawing an 8,000 × 8,000 image (64 Mpx from 60 KB of deflate): poppler renders
    the page at 300 dpi, never the image at full size; the page is recognised (blank)."""
    side = 8_000
    data = zlib.compress(b"\xff" * side * side, 1)
    content = b"q 216 0 0 144 0 0 cm /Im1 Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 216 144] /Resources << /XObject << /Im1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Filter /FlateDecode /Length %d >>\nstream\n" % (side, side, len(data)) + data + b"\nendstream",
    ]
    path = write(tmp_path, "bomb.pdf", pdf_file(objects))
    result = ocr_file(path, limits=OcrLimits(memory_bytes=512 * 1024 * 1024))
    assert [(p.number, p.source, p.text) for p in result.pages] == [(1, "ocr", "")]


def png_header_only(width: int, height: int) -> bytes:
    """A PNG declaring ``width`` × ``height`` pixels with a few bytes of data (a decompression bomb's header)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(
        b"IEND", b"")


def test_image_decompression_bomb_refused_from_its_header(tmp_path):
    """Sizes come from the header: nothing is decoded (a real 10-gigapixel image would need 10 GB)."""
    exc = refused(write(tmp_path, "bomb.png", png_header_only(100_000, 100_000)))
    assert exc.code == "image_too_large"
    assert str(exc).startswith("Ảnh có kích thước 10.000 triệu điểm ảnh, vượt giới hạn 80 triệu điểm ảnh")
    exc = refused(write(tmp_path, "big.png", png_header_only(9_000, 9_000)))
    assert exc.code == "image_too_large"
    assert str(exc).startswith("Ảnh có kích thước 9.000 × 9.000 điểm ảnh (81 triệu điểm ảnh), vượt giới hạn 80 triệu")


def test_tiff_with_too_many_frames_refused(tmp_path):
    tiff = str(tmp_path / "many.tiff")
    tiny = Image.new("L", (20, 20), "white")
    tiny.save(tiff, "TIFF", save_all=True, append_images=[tiny] * 6)
    exc = refused(tiff, limits=OcrLimits(max_pages=3))
    assert exc.code == "too_many_pages" and "7 trang (khung ảnh)" in str(exc)


def test_a_page_that_hangs_is_killed_at_the_page_limit(mixed_pdf, tmp_path, monkeypatch):
    """A Tesseract that never answers: the page limit kills it (its whole process group) and the
    file stops with a Vietnamese message; nothing is left running."""
    pid_file = tmp_path / "pid"
    fake = tmp_path / "tesseract"
    fake.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nexec sleep 600\n")
    fake.chmod(0o755)
    real_which = ocr._which
    monkeypatch.setattr(ocr, "_which", lambda tool: str(fake) if tool == "tesseract" else real_which(tool))
    exc = refused(mixed_pdf, limits=OcrLimits(page_seconds=1.0))
    assert exc.code == "page_timeout" and "Trang 1 xử lý quá 1 giây" in str(exc)
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_file_time_limit_stops_between_pages(mixed_pdf, monkeypatch):
    def after_first_page(done, total):
        if done == 1:  # from now on the file's time is up
            monkeypatch.setattr(ocr._Clock, "remaining", lambda self: -1.0)
    with pytest.raises(IngestError) as info:
        ocr_file(mixed_pdf, limits=OcrLimits(max_seconds=600), progress=after_first_page)
    assert info.value.code == "time_limit"
    assert "quá thời gian cho phép (10 phút cho một tệp), mới xong 1/2 trang" in str(info.value)


def test_memory_limit_applies_to_the_tools(mixed_pdf):
    exc = refused(mixed_pdf, limits=OcrLimits(memory_bytes=48 * 1024 * 1024))
    assert exc.code == "ocr_failed" and "Không nhận dạng được chữ ở trang 1" in str(exc)


def test_progress_callback_can_cancel(mixed_pdf):
    exc = refused(mixed_pdf, progress=lambda done, total: done < 1)
    assert exc.code == "cancelled" and "1/2 trang" in str(exc)


def test_searchable_pdf_without_qpdf_keeps_the_text(mixed_pdf, tmp_path, monkeypatch):
    real_which = ocr._which
    monkeypatch.setattr(ocr, "_which", lambda tool: None if tool == "qpdf" else real_which(tool))
    out = str(tmp_path / "s.pdf")
    result = ocr_file(mixed_pdf, searchable_pdf=out)
    assert result.searchable_pdf is None and not os.path.exists(out)
    assert result.notes == ["Chưa tạo được bản PDF có lớp chữ: máy chủ thiếu gói qpdf."]
    assert "cải cách hành chính" in result.text

