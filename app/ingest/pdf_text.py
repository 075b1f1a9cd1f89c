"""Text of a PDF with pypdf (pure Python), NFC-normalised.

pypdf has its own limits against decompression bombs (``pypdf.Configuration``: 75 MB per
stream); on top of that, reading stops after ``max_pages`` pages or ``MAX_TEXT_CHARS`` characters.
"""
from __future__ import annotations

import logging
import unicodedata

from app.ingest.safety import IngestError

log = logging.getLogger(__name__)

MAX_TEXT_CHARS = 20_000_000

MSG_PDF_CORRUPT = (
    "Tệp PDF bị hỏng hoặc không đầy đủ nên hệ thống không đọc được. Hãy mở thử tệp bằng trình đọc PDF; "
    "nếu mở được, hãy in ra PDF (Print > Save as PDF) hoặc xuất lại PDF từ văn bản gốc rồi tải lên lại."
)
MSG_PDF_ENCRYPTED = (
    "Tệp PDF đang được đặt mật khẩu hoặc mã hóa nên hệ thống không đọc được nội dung. Hãy gỡ mật khẩu "
    "(hoặc xuất lại PDF không đặt mật khẩu từ văn bản gốc) rồi tải lên lại."
)


def extract_pdf_text(path: str, max_pages: int = 2000) -> str:
    """Return the text of the PDF at ``path``: pages in order separated by ``'\\n'``, NFC.

    Reads at most ``max_pages`` pages (the rest is ignored) and ``MAX_TEXT_CHARS`` characters.
    A PDF protected only by an owner password (opens without a password, as many signed official
    PDFs do) is read normally. A page whose text cannot be extracted is skipped. Raises
    :class:`IngestError` (Vietnamese message) when the file is not a PDF, is corrupt, or needs a
    password (or an encryption method pypdf cannot open without extra libraries).
    """
    # here, not at the top: pypdf takes a third of a second to import, needed only when a PDF arrives
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise IngestError(MSG_PDF_CORRUPT, "corrupt") from exc
    if b"%PDF-" not in head:
        raise IngestError("Tệp không phải PDF (thiếu phần đầu %PDF). Hãy tải lên đúng tệp PDF.", "mismatch")

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise IngestError(MSG_PDF_ENCRYPTED, "encrypted")
            except (DependencyError, FileNotDecryptedError, NotImplementedError) as exc:
                raise IngestError(MSG_PDF_ENCRYPTED, "encrypted") from exc
        pages = reader.pages
        count = len(pages)
    except IngestError:
        raise
    except (DependencyError, FileNotDecryptedError) as exc:
        raise IngestError(MSG_PDF_ENCRYPTED, "encrypted") from exc
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError,
            ZeroDivisionError, AssertionError) as exc:
        raise IngestError(MSG_PDF_CORRUPT, "corrupt") from exc

    texts: list[str] = []
    total = 0
    for index in range(min(count, max_pages)):
        try:
            page_text = pages[index].extract_text() or ""
        except (DependencyError, FileNotDecryptedError) as exc:
            raise IngestError(MSG_PDF_ENCRYPTED, "encrypted") from exc
        except Exception as exc:  # noqa: BLE001 - one unreadable page must not lose the others
            log.warning("pdf page %d of %s skipped: %s", index + 1, path, exc)
            continue
        texts.append(page_text)
        total += len(page_text)
        if total >= MAX_TEXT_CHARS:
            break
    text = unicodedata.normalize("NFC", "\n".join(texts))
    return text[:MAX_TEXT_CHARS].replace("\x00", "")
