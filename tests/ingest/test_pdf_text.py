"""extract_pdf_text / extract_text on small PDFs built in the test."""
from __future__ import annotations

import unicodedata

import pytest
from pypdf import PdfWriter

from app.ingest import IngestError, check_upload, extract_pdf_text, extract_text
from tests.scans import pdf_file


def make_pdf(pages: list[str]) -> bytes:
    """A minimal valid PDF: one Helvetica text line per page, with a correct xref table."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, text in enumerate(pages):
        stream = f"BT /F1 24 Tf 72 700 Td ({text}) Tj ET".encode("latin-1")
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >>"
                       f" /Contents {5 + 2 * i} 0 R >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    return pdf_file(objects)


@pytest.fixture
def pdf_path(tmp_path):
    path = tmp_path / "bao-cao.pdf"
    path.write_bytes(make_pdf(["Bao cao quy I", "Trang hai"]))
    return str(path)


def test_text_of_a_minimal_pdf(pdf_path):
    assert check_upload(pdf_path, "bao-cao.pdf").kind == "pdf"
    text = extract_pdf_text(pdf_path)
    assert text.split("\n") == ["Bao cao quy I", "Trang hai"]
    assert unicodedata.is_normalized("NFC", text)
    assert extract_text(pdf_path, "pdf") == text


def test_max_pages(pdf_path):
    assert extract_pdf_text(pdf_path, max_pages=1) == "Bao cao quy I"


def test_password_protected_pdf_refused(pdf_path, tmp_path):
    writer = PdfWriter(clone_from=pdf_path)
    writer.encrypt(user_password="mat-khau", owner_password="chu", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    writer.write(str(locked))
    with pytest.raises(IngestError) as info:
        extract_pdf_text(str(locked))
    assert info.value.code == "encrypted" and "mật khẩu" in str(info.value)


def test_owner_password_only_pdf_is_read(pdf_path, tmp_path):
    """Restricted PDFs that open without a password (common for signed official PDFs) are read."""
    writer = PdfWriter(clone_from=pdf_path)
    writer.encrypt(user_password="", owner_password="chu", algorithm="RC4-128")
    restricted = tmp_path / "restricted.pdf"
    writer.write(str(restricted))
    assert "Bao cao quy I" in extract_pdf_text(str(restricted))


@pytest.mark.parametrize("content", [b"%PDF-1.4\ngarbage garbage\n", "half"])
def test_corrupt_pdf_refused(pdf_path, tmp_path, content):
    if content == "half":
        data = open(pdf_path, "rb").read()
        content = data[: len(data) // 2]
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(content)
    with pytest.raises(IngestError) as info:
        extract_pdf_text(str(broken))
    assert info.value.code == "corrupt" and "PDF" in str(info.value)


def test_not_a_pdf_refused(tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(b"PK\x03\x04 not a pdf")
    with pytest.raises(IngestError) as info:
        extract_pdf_text(str(path))
    assert info.value.code == "mismatch"


def test_extract_text_other_kind_is_none(pdf_path):
    assert extract_text(pdf_path, "other") is None
