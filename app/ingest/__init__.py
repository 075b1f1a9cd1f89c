"""Upload ingestion: check an uploaded file, extract its text, read its official header.

Pure Python (no Flask). Every upload in the portal goes through it::

    check = check_upload(temp_path, original_name, allowed=("docx",))   # raises IngestError
    extracted = extract_docx(temp_path)        # .text, .body_lines, .metadata (HeaderMetadata)…
    text = extract_text(temp_path, check.kind) # str for docx/pdf, None for other files

``str(IngestError)`` is a Vietnamese message meant for the user.
"""
from __future__ import annotations

from app.ingest.docx_text import ExtractedText, extract_docx
from app.ingest.header import HeaderMetadata, annex_position, is_motto, parse_official_header, type_from_number
from app.ingest.pdf_text import extract_pdf_text
from app.ingest.safety import FileCheck, IngestError, check_upload, read_member

__all__ = [
    "IngestError",
    "FileCheck",
    "check_upload",
    "read_member",
    "HeaderMetadata",
    "parse_official_header",
    "annex_position",
    "is_motto",
    "type_from_number",
    "ExtractedText",
    "extract_docx",
    "extract_pdf_text",
    "extract_text",
]


def extract_text(path: str, kind: str) -> str | None:
    """Return the text of the file at ``path`` given its checked ``kind``.

    'docx' → ``extract_docx(path).text``; 'pdf' → ``extract_pdf_text(path)``; anything else → None
    (stored without text). Raises IngestError (Vietnamese message) for an unreadable docx/pdf.
    """
    if kind == "docx":
        return extract_docx(path).text
    if kind == "pdf":
        return extract_pdf_text(path)
    return None
