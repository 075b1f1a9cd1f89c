"""Vietnamese OCR of scanned PDFs and images with Tesseract (``-l vie``), page by page.

Pure Python, no Flask. Every program that touches the uploaded file runs as a child process with a
timeout, its own process group (killed whole on timeout), a lower priority (``nice``) and limits on
memory, CPU time and the size of the files it writes (``prlimit``); a hostile file can cost a
tool's limits, never hang or exhaust the caller:

- ``pdfinfo`` (poppler) — page count, encryption, page sizes;
- ``pdftotext`` (poppler) — which pages already carry a text layer (those keep their text);
- ``pdftoppm`` (poppler) — renders one page without text to a grey image at 300 dpi (less for
  oversized pages, down to ``min_dpi``);
- ``tesseract`` with the Vietnamese model — text, word confidences and, when asked, an invisible
  text layer (``textonly_pdf``);
- ``qpdf`` — the searchable PDF: the text layers are overlaid on a copy of the original pages
  (rotation and page boxes respected); the original file is never modified.

Images (PNG, JPEG, TIFF with several frames) are decoded with Pillow after their size was read from
the header (``max_image_pixels``), turned upright from their EXIF orientation and written as a plain
PNG for Tesseract, so Tesseract never parses the uploaded bytes itself.

Use::

    status = ocr_status()                  # .available, .message (Vietnamese), .searchable_pdf
    plan = plan_ocr(path)                  # quick: pages, which need OCR; IngestError if refused
    with OcrJob(path, workdir=..., searchable_pdf=out) as job:   # IngestError if refused
        for page in job:                   # OcrPage, every page in order (text-layer pages too)
            report(f"{job.done}/{job.total} trang")
    result = job.result()                  # OcrResult: pages, text, searchable_pdf, notes

or ``ocr_file(path, progress=callback)`` for the whole file at once. Refusals and stops are
:class:`~app.ingest.safety.IngestError` with a Vietnamese message and a ``code``: ``ocr_off``,
``not_supported``, ``encrypted``, ``corrupt``, ``too_many_pages``, ``page_too_large``,
``image_too_large``, ``time_limit``, ``page_timeout``, ``ocr_failed``, ``cancelled``.

Text is NFC as recognised (:func:`app.vntext.as_written`): like any stored text it keeps the
spelling on the paper (``hoà`` stays ``hoà``); the tone convention is the index's business
(:func:`app.vntext.nfc` at analysis time), as for every other text of the library.
"""
from __future__ import annotations

import functools
import hashlib
import json
import logging
import math
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from app.ingest.pdf_text import MSG_PDF_CORRUPT, MSG_PDF_ENCRYPTED
from app.ingest.safety import MB, IngestError
from app.vntext import as_written

log = logging.getLogger(__name__)

LANGUAGE = "vie"
#: Debian packages that provide each program, for the "OCR is off" message and the install scripts.
PACKAGES = {
    "tesseract": "tesseract-ocr",
    "vie": "tesseract-ocr-vie",
    "pdfinfo": "poppler-utils",
    "pdftotext": "poppler-utils",
    "pdftoppm": "poppler-utils",
    "qpdf": "qpdf",
}
#: A PDF page "has text" (keeps its own text, is not recognised) from this many letters or digits.
MIN_TEXT_CHARS = 20
#: At most this many characters are read from what one program wrote (as ``extract_pdf_text``'s cap).
MAX_TEXT_CHARS = 20_000_000
#: A page read with a lower mean word confidence, or where no word was found, is read again after a
#: 3×3 median filter (the specks of a grainy copy removed: Tesseract's binarisation turns them into
#: stray marks and broken accents, or finds no text line at all); the reading with the higher
#: confidence is kept. Clean scans score 93–97 and are read once; a blank page is read twice.
RETRY_BELOW_CONFIDENCE = 85.0
#: Bump when the page files a work folder keeps change meaning.
WORK_FORMAT = 1

KIND_PDF = "pdf"
KIND_IMAGE = "image"
SOURCE_TEXT = "text"  # the PDF's own text layer, kept
SOURCE_OCR = "ocr"  # recognised by Tesseract


@dataclass(frozen=True)
class OcrLimits:
    """Limits of one file's OCR. Past a count or size limit the file is refused before any page is
    recognised; past a time limit the work stops with :class:`IngestError`."""

    max_pages: int = 200  # pages to recognise in one file (pages without a text layer, image frames)
    max_total_pages: int = 2000  # pages a PDF may have at all (as ``extract_pdf_text``)
    max_seconds: float = 1800.0  # the whole file, planning included
    page_seconds: float = 180.0  # one program on one page
    dpi: int = 300  # rendering of PDF pages
    min_dpi: int = 100  # a page that fits ``max_page_pixels`` only below this is refused
    max_page_pixels: int = 50_000_000  # one page as rendered or handed to Tesseract (A2 at 300 dpi: 35 Mpx)
    max_image_pixels: int = 80_000_000  # one frame of an image attachment (Pillow refuses from 179 Mpx)
    memory_bytes: int = 2048 * MB  # address space of each program (prlimit --as)
    max_output_bytes: int = 512 * MB  # largest file a program may write (prlimit --fsize)


DEFAULT_LIMITS = OcrLimits()


@dataclass(frozen=True)
class OcrPage:
    """One page's text. ``number`` is 1-based in the file (a frame of a TIFF is a page)."""

    number: int
    text: str  # NFC, as written on the page
    source: str  # SOURCE_TEXT ('text': the PDF's own text layer) or SOURCE_OCR ('ocr')
    confidence: float | None = None  # Tesseract's mean word confidence, 0–100 (OCR pages with words)
    seconds: float = 0.0  # time spent recognising it (0 for text-layer pages and resumed pages)


@dataclass(frozen=True)
class OcrPlan:
    """What :func:`plan_ocr` found: the file's kind, its pages and which of them need OCR."""

    kind: str  # KIND_PDF or KIND_IMAGE
    page_count: int
    ocr_pages: tuple[int, ...]  # 1-based, in order: pages without a text layer (every image frame)
    text_pages: tuple[int, ...]  # pages whose own text is kept
    dpi: dict[int, int] = field(default_factory=dict)  # resolution used for each page in ``ocr_pages``
    page_text: dict[int, str] = field(default_factory=dict, repr=False)  # text of ``text_pages``

    @property
    def needs_ocr(self) -> bool:
        """True when at least one page has no text layer."""
        return bool(self.ocr_pages)


@dataclass
class OcrResult:
    """Every page of a file in order, with the searchable PDF if one was asked for and made."""

    kind: str
    page_count: int
    pages: list[OcrPage]
    searchable_pdf: str | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # Vietnamese, e.g. why no searchable PDF was made

    @property
    def text(self) -> str:
        """The pages' text joined with ``'\\n'`` (as :func:`extract_pdf_text` joins pages)."""
        return "\n".join(page.text for page in self.pages)

    @property
    def ocr_page_count(self) -> int:
        """How many pages were recognised (not taken from a text layer)."""
        return sum(1 for page in self.pages if page.source == SOURCE_OCR)


# ------------------------------------------------------------------------------------------------
# Is OCR available?
# ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OcrStatus:
    """What this machine can do. ``message`` is Vietnamese, for the admin pages."""

    available: bool  # Tesseract, its Vietnamese model and poppler's tools are installed
    tesseract_version: str | None
    languages: tuple[str, ...]
    searchable_pdf: bool  # qpdf is installed too
    missing: tuple[str, ...]  # Debian packages to install
    message: str


def _which(tool: str) -> str | None:
    return shutil.which(tool)


@functools.lru_cache(maxsize=1)
def _cached_status() -> OcrStatus:
    missing: list[str] = []
    version = None
    languages: tuple[str, ...] = ()
    tesseract = _which("tesseract")
    if tesseract is None:
        missing += [PACKAGES["tesseract"], PACKAGES["vie"]]
    else:
        try:
            done = subprocess.run([tesseract, "--version"], capture_output=True, timeout=20, check=False)
            first = (done.stdout or done.stderr).decode("utf-8", "replace").split("\n", 1)[0]
            version = first.replace("tesseract", "").strip() or None
            done = subprocess.run([tesseract, "--list-langs"], capture_output=True, timeout=20, check=False)
            lines = done.stdout.decode("utf-8", "replace").splitlines()
            languages = tuple(sorted(line.strip() for line in lines[1:] if line.strip()))
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("tesseract does not answer: %s", exc)
            missing.append(PACKAGES["tesseract"])
        if LANGUAGE not in languages and PACKAGES["vie"] not in missing:
            missing.append(PACKAGES["vie"])
    for tool in ("pdfinfo", "pdftotext", "pdftoppm"):
        if _which(tool) is None and PACKAGES[tool] not in missing:
            missing.append(PACKAGES[tool])
    searchable = _which("qpdf") is not None
    available = not missing
    if not searchable:
        missing.append(PACKAGES["qpdf"])
    if available:
        message = f"Nhận dạng chữ (OCR) đang bật: Tesseract {version or ''}, tiếng Việt".replace("  ", " ")
        message += "." if searchable else "; chưa tạo được bản PDF có lớp chữ (thiếu gói qpdf)."
    else:
        message = (
            "Nhận dạng chữ (OCR) đang tắt: máy chủ chưa cài " + ", ".join(missing)
            + ". Tệp quét vẫn được lưu nhưng chưa tìm kiếm được nội dung; báo quản trị viên cài các gói này."
        )
    return OcrStatus(available, version, languages, searchable, tuple(missing), message)


def ocr_status(refresh: bool = False) -> OcrStatus:
    """Return what is installed (cached per process; ``refresh=True`` looks again).

    Never raises: a missing or broken Tesseract gives ``available=False`` and a Vietnamese
    ``message`` naming the Debian packages to install.
    """
    if refresh:
        _cached_status.cache_clear()
    return _cached_status()


def ocr_available(refresh: bool = False) -> bool:
    """True when Tesseract with its Vietnamese model (``vie``) and poppler's tools are installed."""
    return ocr_status(refresh).available


# ------------------------------------------------------------------------------------------------
# Running the tools
# ------------------------------------------------------------------------------------------------


class _Timeout(Exception):
    pass


@dataclass
class _Run:
    returncode: int
    stdout: str
    stderr: str


def _read_capped(path: str, cap: int) -> str:
    try:
        with open(path, "rb") as fh:
            return fh.read(cap).decode("utf-8", "replace")
    except OSError:
        return ""


def _wrapped(cmd: list[str], limits: OcrLimits, cpu_seconds: float) -> list[str]:
    """``cmd`` behind ``nice`` and ``prlimit`` when they exist (Linux: util-linux, coreutils)."""
    prefix: list[str] = []
    nice = _which("nice")
    if nice:
        prefix += [nice, "-n", "10"]
    prlimit = _which("prlimit")
    if prlimit:
        prefix += [prlimit, f"--as={limits.memory_bytes}", f"--fsize={limits.max_output_bytes}",
                   f"--cpu={max(1, math.ceil(cpu_seconds)) + 5}", "--core=0", "--"]
    return prefix + cmd


def _run(cmd: list[str], *, timeout: float, limits: OcrLimits, scratch: str, output_cap: int = 4 * MB) -> _Run:
    """Run ``cmd`` with the limits; its output goes to files in ``scratch`` and is read back capped.

    Raises :class:`_Timeout` (after killing the whole process group) when it runs past ``timeout``.
    """
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"  # one core for Tesseract: the other stays with the web processes
    env.setdefault("LC_ALL", "C.UTF-8")
    out_path = os.path.join(scratch, "stdout")
    err_path = os.path.join(scratch, "stderr")
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen(
            _wrapped(cmd, limits, timeout), stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env,
            start_new_session=True,
        )
        try:
            proc.wait(timeout=max(timeout, 0.1))
        except subprocess.TimeoutExpired as exc:
            _kill(proc)
            raise _Timeout(cmd[0]) from exc
        except BaseException:
            _kill(proc)
            raise
    return _Run(proc.returncode, _read_capped(out_path, output_cap), _read_capped(err_path, 64 * 1024))


def _kill(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        log.error("OCR tool %s did not end after SIGKILL", proc.pid)


# ------------------------------------------------------------------------------------------------
# Messages
# ------------------------------------------------------------------------------------------------


def _n(value: float) -> str:
    """An integer written the Vietnamese way: 12.345."""
    return f"{int(value):,}".replace(",", ".")


def _minutes(seconds: float) -> str:
    return f"{_n(seconds // 60)} phút" if seconds >= 120 else f"{_n(seconds)} giây"


MSG_NOT_SUPPORTED = (
    "Chỉ nhận dạng chữ được tệp PDF và ảnh PNG, JPEG, TIFF. Tệp này không thuộc các loại đó nên được lưu "
    "nguyên, không nhận dạng."
)
MSG_IMAGE_CORRUPT = (
    "Tệp ảnh bị hỏng hoặc không đầy đủ nên hệ thống không đọc được. Hãy mở thử ảnh trên máy tính, lưu lại "
    "(hoặc quét lại) rồi tải lên lại."
)


def _off_error() -> IngestError:
    status = ocr_status()
    return IngestError(status.message, "ocr_off")


def _too_many_pages(count: int, limit: int, what: str) -> IngestError:
    return IngestError(
        f"Tệp có {_n(count)} {what}, vượt giới hạn {_n(limit)} trang cho một tệp nên không nhận dạng chữ. "
        "Hãy tách tệp thành nhiều tệp nhỏ hơn rồi tải lên từng tệp.",
        "too_many_pages",
    )


def _time_limit(limits: OcrLimits, done: int | None = None, total: int | None = None) -> IngestError:
    so_far = f", mới xong {page_label(done, total)}" if total else ""
    return IngestError(
        f"Đã dừng nhận dạng chữ vì quá thời gian cho phép ({_minutes(limits.max_seconds)} cho một tệp){so_far}. "
        "Hãy tách tệp thành nhiều tệp nhỏ hơn hoặc quét lại với độ phân giải 300 dpi rồi tải lên lại.",
        "time_limit",
    )


def _page_timeout(number: int, limits: OcrLimits) -> IngestError:
    return IngestError(
        f"Trang {_n(number)} xử lý quá {_minutes(limits.page_seconds)} nên đã dừng nhận dạng chữ (trang có thể "
        "bị hỏng hoặc chứa ảnh bất thường). Hãy in lại tệp ra PDF hoặc quét lại trang đó rồi tải lên lại.",
        "page_timeout",
    )


def _ocr_failed(number: int) -> IngestError:
    return IngestError(
        f"Không nhận dạng được chữ ở trang {_n(number)}: tệp có thể bị hỏng hoặc chứa ảnh quá lớn. "
        "Hãy in lại tệp ra PDF hoặc quét lại rồi tải lên lại.",
        "ocr_failed",
    )


# ------------------------------------------------------------------------------------------------
# Planning: which pages need OCR
# ------------------------------------------------------------------------------------------------


def _sniff(path: str) -> str:
    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise IngestError("Không đọc được tệp. Hãy thử tải lên lại.", "corrupt") from exc
    if b"%PDF-" in head:
        return KIND_PDF
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return KIND_IMAGE
    raise IngestError(MSG_NOT_SUPPORTED, "not_supported")


class _Clock:
    def __init__(self, limits: OcrLimits, started: float | None = None):
        self.limits = limits
        self.started = time.monotonic() if started is None else started

    def remaining(self) -> float:
        return self.limits.max_seconds - (time.monotonic() - self.started)

    def timeout(self) -> float:
        """Seconds the next program may run: the page limit, or what is left of the file's."""
        return min(self.limits.page_seconds, self.remaining())

    def page_limited(self) -> bool:
        """True when a timeout now would be the page's limit rather than the file's."""
        return self.limits.page_seconds < self.remaining()


def plan_ocr(path: str, limits: OcrLimits | None = None) -> OcrPlan:
    """Look at the file at ``path`` and return which pages need OCR (nothing is recognised yet).

    A PDF: its pages with at least ``MIN_TEXT_CHARS`` letters or digits of text keep that text
    (``text_pages``, their text in ``page_text``); the others go to OCR (``ocr_pages``), each with
    the resolution it will be rendered at. An image (PNG, JPEG, TIFF): every frame goes to OCR.
    Takes well under a second for ordinary files; the programs it runs have the time limit of one page.

    Raises :class:`IngestError` (Vietnamese message) when OCR is off, the file is neither PDF nor
    image, is corrupt or needs a password, has more than ``max_total_pages`` pages or more than
    ``max_pages`` to recognise, a page too large to render at ``min_dpi`` within
    ``max_page_pixels``, or an image frame over ``max_image_pixels``. Never modifies the file.
    """
    limits = limits or DEFAULT_LIMITS
    return _plan(path, limits, _Clock(limits))


def _plan(path: str, limits: OcrLimits, clock: _Clock) -> OcrPlan:
    kind = _sniff(path)
    if not ocr_available():
        raise _off_error()
    with tempfile.TemporaryDirectory(prefix="ocr-plan-") as scratch:
        if kind == KIND_PDF:
            return _plan_pdf(path, limits, clock, scratch)
    return _plan_image(path, limits)


_PAGES = re.compile(r"^Pages:\s+(\d+)\s*$", re.M)
_PAGE_SIZE = re.compile(r"^Page\s+(\d+)\s+size:\s+([\d.]+)\s+x\s+([\d.]+)\s+pts", re.M)
_PAGE_ROT = re.compile(r"^Page\s+(\d+)\s+rot:\s+(\d+)", re.M)


def _poppler(cmd: list[str], *, limits: OcrLimits, clock: _Clock, scratch: str, output_cap: int = 4 * MB,
             allow_errors: bool = False) -> _Run:
    """Run a poppler tool on the file; its refusals become the library's PDF messages."""
    page_limited = clock.page_limited()
    try:
        run = _run(cmd, timeout=clock.timeout(), limits=limits, scratch=scratch, output_cap=output_cap)
    except _Timeout as exc:
        if not page_limited:
            raise _time_limit(limits) from exc
        raise IngestError(MSG_PDF_CORRUPT, "corrupt") from exc
    if "Incorrect password" in run.stderr or run.returncode == 3:
        raise IngestError(MSG_PDF_ENCRYPTED, "encrypted")
    if run.returncode != 0 and not allow_errors:
        log.info("%s refused the file (%s): %s", cmd[0], run.returncode, run.stderr[:300])
        raise IngestError(MSG_PDF_CORRUPT, "corrupt")
    return run


def _plan_pdf(path: str, limits: OcrLimits, clock: _Clock, scratch: str) -> OcrPlan:
    info = _poppler([_which("pdfinfo") or "pdfinfo", path], limits=limits, clock=clock, scratch=scratch)
    found = _PAGES.search(info.stdout)
    if not found:
        raise IngestError(MSG_PDF_CORRUPT, "corrupt")
    count = int(found.group(1))
    if count == 0:
        raise IngestError(MSG_PDF_CORRUPT, "corrupt")
    if count > limits.max_total_pages:
        raise _too_many_pages(count, limits.max_total_pages, "trang")

    # Text of every page, pages separated by form feeds (written to a file, read back capped).
    text_path = os.path.join(scratch, "text.txt")
    _poppler([_which("pdftotext") or "pdftotext", "-enc", "UTF-8", "-q", path, text_path],
             limits=limits, clock=clock, scratch=scratch)
    texts = _read_capped(text_path, MAX_TEXT_CHARS * 4).split("\f")
    text_pages: list[int] = []
    ocr_pages: list[int] = []
    page_text: dict[int, str] = {}
    for number in range(1, count + 1):
        text = _clean(texts[number - 1]) if number <= len(texts) else ""
        if sum(ch.isalnum() for ch in text) >= MIN_TEXT_CHARS:
            text_pages.append(number)
            page_text[number] = text
        else:
            ocr_pages.append(number)
    if len(ocr_pages) > limits.max_pages:
        raise _too_many_pages(len(ocr_pages), limits.max_pages, "trang cần nhận dạng chữ")

    dpi: dict[int, int] = {}
    if ocr_pages:
        sizes = _poppler([_which("pdfinfo") or "pdfinfo", "-f", "1", "-l", str(count), path],
                         limits=limits, clock=clock, scratch=scratch)
        boxes = {int(m.group(1)): (float(m.group(2)), float(m.group(3))) for m in _PAGE_SIZE.finditer(sizes.stdout)}
        for number in ocr_pages:
            width, height = boxes.get(number, (595.0, 842.0))
            dpi[number] = _page_dpi(number, width, height, limits)
    return OcrPlan(KIND_PDF, count, tuple(ocr_pages), tuple(text_pages), dpi, page_text)


def _page_dpi(number: int, width_pt: float, height_pt: float, limits: OcrLimits) -> int:
    """The resolution page ``number`` is rendered at: ``limits.dpi``, less if it would exceed
    ``max_page_pixels``; IngestError when even ``min_dpi`` is too much."""
    inches = max(width_pt, 1.0) / 72 * max(height_pt, 1.0) / 72
    dpi = limits.dpi
    if inches * dpi * dpi > limits.max_page_pixels:
        dpi = int(math.sqrt(limits.max_page_pixels / inches))
    if dpi < limits.min_dpi:
        cm_w, cm_h = width_pt / 72 * 2.54, height_pt / 72 * 2.54
        raise IngestError(
            f"Trang {_n(number)} có khổ {_n(cm_w)} × {_n(cm_h)} cm, quá lớn để nhận dạng chữ. Hãy quét hoặc "
            "xuất lại tệp với khổ giấy thông thường (A4, A3) rồi tải lên lại.",
            "page_too_large",
        )
    return dpi


def _open_image(path: str):
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(path)
    except Image.DecompressionBombError as exc:  # over twice Pillow's MAX_IMAGE_PIXELS, said by the header
        found = re.search(r"\((\d+) pixels\)", str(exc))
        raise _image_too_large(int(found.group(1)) if found else None, OcrLimits().max_image_pixels) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise IngestError(MSG_IMAGE_CORRUPT, "corrupt") from exc
    if image.format not in ("PNG", "JPEG", "MPO", "TIFF"):
        image.close()
        raise IngestError(MSG_NOT_SUPPORTED, "not_supported")
    return image


def _check_frame_size(image, number: int, limits: OcrLimits) -> None:
    width, height = image.size
    if width <= 0 or height <= 0:
        raise IngestError(MSG_IMAGE_CORRUPT, "corrupt")
    if width * height > limits.max_image_pixels:
        raise _image_too_large(width * height, limits.max_image_pixels, f"{_n(width)} × {_n(height)}", number)


def _image_too_large(pixels: int | None, limit: int, size: str = "", number: int = 1) -> IngestError:
    which = f"Ảnh trang {_n(number)}" if number > 1 else "Ảnh"
    shown = f"{size} điểm ảnh ({_millions(pixels)} triệu điểm ảnh)" if size else f"{_millions(pixels)} triệu điểm ảnh"
    return IngestError(
        f"{which} có kích thước {shown if pixels else 'quá lớn'}, vượt giới hạn {_millions(limit)} triệu điểm ảnh "
        "nên không nhận dạng chữ. Hãy quét lại ở 300 dpi hoặc giảm kích thước ảnh rồi tải lên lại.",
        "image_too_large",
    )


def _millions(pixels: int | None) -> str:
    """Millions written the Vietnamese way: 80, 81,5, 10.000."""
    value = (pixels or 0) / 1_000_000
    if value >= 100 or value == int(value):
        return _n(value)
    return f"{value:.1f}".replace(".", ",")


def _image_dpi(image) -> int:
    """The scan's resolution from its header, or guessed from its size as an A4 page (phones write 72)."""
    declared = image.info.get("dpi")
    try:
        value = int(round(float(declared[0]))) if declared else 0
    except (TypeError, ValueError, IndexError):
        value = 0
    if 150 <= value <= 1200:
        return value
    guessed = int(max(image.size) / 11.69)
    return min(max(guessed, 70), 1200)


def _plan_image(path: str, limits: OcrLimits) -> OcrPlan:
    image = _open_image(path)
    try:
        frames: list[int] = []
        dpi: dict[int, int] = {}
        number = 0
        while True:
            number += 1
            if number > limits.max_pages:
                raise _too_many_pages(_frame_count(image, number), limits.max_pages, "trang (khung ảnh)")
            _check_frame_size(image, number, limits)
            frames.append(number)
            dpi[number] = _image_dpi(image)
            try:
                image.seek(number)
            except EOFError:
                break
            except (OSError, ValueError, SyntaxError) as exc:
                raise IngestError(MSG_IMAGE_CORRUPT, "corrupt") from exc
    finally:
        image.close()
    return OcrPlan(KIND_IMAGE, len(frames), tuple(frames), (), dpi)


def _frame_count(image, at_least: int) -> int:
    """Frames of a multi-page TIFF, counted up to 100,000 (only for the message)."""
    count = at_least
    try:
        while count < 100_000:
            image.seek(count)
            count += 1
    except (EOFError, OSError, ValueError, SyntaxError):
        pass
    return count


# ------------------------------------------------------------------------------------------------
# Text clean-up
# ------------------------------------------------------------------------------------------------

_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u00ad\ufeff\ufffe]")
_LIGATURES = {ord(k): v for k, v in {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "\u2028": "\n"}.items()}
_BLANK_LINES = re.compile(r"\n{3,}")


def _clean(text: str) -> str:
    """NFC (``as_written``), no control characters or soft hyphens, no trailing spaces or runs of blank lines."""
    text = as_written(text.replace("\f", "\n").replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n"))
    text = _CONTROLS.sub("", text.translate(_LIGATURES))
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip("\n")


def _mean_confidence(tsv: str) -> float | None:
    """Mean confidence of the words in Tesseract's TSV output (level 5 rows), None without words."""
    values: list[float] = []
    for line in tsv.splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) >= 12 and parts[0] == "5" and parts[11].strip():
            try:
                conf = float(parts[10])
            except ValueError:
                continue
            if conf >= 0:
                values.append(conf)
    return round(sum(values) / len(values), 1) if values else None


# ------------------------------------------------------------------------------------------------
# The job
# ------------------------------------------------------------------------------------------------


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(MB), b""):
            digest.update(chunk)
    return digest.hexdigest()


class OcrJob:
    """OCR of one file, page by page; iterate it to get every page (:class:`OcrPage`) in order.

    ``OcrJob(path)`` plans at once (:func:`plan_ocr`) and raises :class:`IngestError` for a refused
    file, before anything is recognised. Then ``job.total`` pages need OCR; ``job.done`` of them are
    finished while iterating (for "3/12 trang"). Pages with a text layer are yielded with their own
    text (``source='text'``), the others once recognised (``source='ocr'``). Stopping early is just
    leaving the loop (or ``close()``); a stop at a limit raises IngestError (``time_limit``,
    ``page_timeout``, ``ocr_failed``) from the iteration, pages already yielded stay valid.

    ``workdir``: a folder kept between runs (one per file, e.g. per job row): each finished page is
    written there, and a later ``OcrJob`` on the same file and folder yields those pages again
    without recognising them (``seconds == 0``): a job killed mid-file resumes where it was, with
    no page twice. The folder is emptied when the file or the settings differ. Without it, a
    temporary folder is used and removed on ``close()``.

    ``searchable_pdf``: a path to write, after the last page, a copy of the file with an invisible
    text layer on the recognised pages (an image becomes a PDF of its frames). Written atomically;
    the original file is never modified. If it cannot be made (qpdf missing or failing) the text is
    still complete and ``result().notes`` says why.
    """

    def __init__(self, path: str, *, limits: OcrLimits | None = None, workdir: str | None = None,
                 searchable_pdf: str | None = None):
        self.path = path
        self.limits = limits or DEFAULT_LIMITS
        self._clock = _Clock(self.limits)
        self.plan = _plan(path, self.limits, self._clock)
        self.searchable_target = searchable_pdf
        self._own_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="ocr-")
        os.makedirs(self.workdir, exist_ok=True)
        self.done = 0
        self._pages: list[OcrPage] = []
        self._notes: list[str] = []
        self._searchable: str | None = None
        self._finished = False
        self._closed = False
        self._prepare_workdir()

    # -- public ---------------------------------------------------------------------------------

    @property
    def total(self) -> int:
        """Pages to recognise (pages without a text layer, or image frames)."""
        return len(self.plan.ocr_pages)

    def __iter__(self) -> Iterator[OcrPage]:
        if self._closed:
            raise RuntimeError("OcrJob is closed")
        ocr = set(self.plan.ocr_pages)
        self._pages = []
        self.done = 0
        for number in range(1, self.plan.page_count + 1):
            if number in ocr:
                page = self._recognised(number)
                self.done += 1
            else:
                page = OcrPage(number, self.plan.page_text.get(number, ""), SOURCE_TEXT)
            self._pages.append(page)
            yield page
        if self.searchable_target:
            self._write_searchable()
        self._finished = True

    def result(self) -> OcrResult:
        """Every page, after a complete iteration (iterates now if that was not done)."""
        if not self._finished:
            for _page in self:
                pass
        return OcrResult(self.plan.kind, self.plan.page_count, list(self._pages), self._searchable,
                         round(time.monotonic() - self._clock.started, 3), list(self._notes))

    def close(self) -> None:
        """Remove the temporary folder (a given ``workdir`` is kept for resuming)."""
        if not self._closed and self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
        self._closed = True

    def __enter__(self) -> OcrJob:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- work folder ----------------------------------------------------------------------------

    def _prepare_workdir(self) -> None:
        stamp = {
            "format": WORK_FORMAT, "sha256": _sha256(self.path), "language": LANGUAGE,
            "dpi": {str(k): v for k, v in self.plan.dpi.items()}, "layers": bool(self.searchable_target),
        }
        stamp_path = os.path.join(self.workdir, "job.json")
        try:
            with open(stamp_path, encoding="utf-8") as fh:
                same = json.load(fh) == stamp
        except (OSError, ValueError):
            same = False
        for name in os.listdir(self.workdir):
            # Scratch left by a run that was killed goes in any case; finished pages only for another file.
            if name.startswith("tmp-") or ".tmp-" in name or (not same and name.startswith("page-")):
                _remove(os.path.join(self.workdir, name))
        if not same:
            _write_atomic(stamp_path, json.dumps(stamp).encode())

    def _page_file(self, number: int, suffix: str) -> str:
        return os.path.join(self.workdir, f"page-{number:05d}{suffix}")

    # -- one page -------------------------------------------------------------------------------

    def _recognised(self, number: int) -> OcrPage:
        saved = self._page_file(number, ".json")
        try:
            with open(saved, encoding="utf-8") as fh:
                data = json.load(fh)
            return OcrPage(number, data["text"], SOURCE_OCR, data.get("confidence"), 0.0)
        except (OSError, ValueError, KeyError):
            pass
        if self._clock.remaining() <= 0:
            raise _time_limit(self.limits, self.done, self.total)
        started = time.monotonic()
        scratch = tempfile.mkdtemp(prefix="tmp-", dir=self.workdir)
        try:
            image = self._page_image(number, scratch)
            text, confidence, layer = self._tesseract(number, image, os.path.join(scratch, "first"))
            if confidence is None or confidence < RETRY_BELOW_CONFIDENCE:
                again = self._tesseract(number, _despeckled(image, scratch), os.path.join(scratch, "again"))
                if again[1] is not None and (confidence is None or again[1] > confidence):
                    text, confidence, layer = again
            if layer:
                os.replace(layer, self._page_file(number, ".layer.pdf"))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        page = OcrPage(number, text, SOURCE_OCR, confidence, round(time.monotonic() - started, 3))
        _write_atomic(saved, json.dumps({"text": page.text, "confidence": confidence}, ensure_ascii=False).encode())
        return page

    def _tool(self, number: int, cmd: list[str], scratch: str) -> _Run:
        """Run one program on page ``number`` within the page's and the file's time limits."""
        if self._clock.remaining() <= 0:
            raise _time_limit(self.limits, self.done, self.total)
        page_limited = self._clock.page_limited()
        try:
            return _run(cmd, timeout=self._clock.timeout(), limits=self.limits, scratch=scratch)
        except _Timeout as exc:
            if page_limited:
                raise _page_timeout(number, self.limits) from exc
            raise _time_limit(self.limits, self.done, self.total) from exc

    def _page_image(self, number: int, scratch: str) -> str:
        """The page as an image file for Tesseract (and, for images, its page of the searchable PDF)."""
        if self.plan.kind == KIND_PDF:
            base = os.path.join(scratch, "page")
            cmd = [_which("pdftoppm") or "pdftoppm", "-r", str(self.plan.dpi[number]), "-f", str(number),
                   "-l", str(number), "-gray", "-singlefile", "-q", self.path, base]
            run = self._tool(number, cmd, scratch)
            if run.returncode != 0 or not os.path.exists(base + ".pgm"):
                log.info("pdftoppm failed on page %d (%s): %s", number, run.returncode, run.stderr[:300])
                raise _ocr_failed(number)
            return base + ".pgm"
        return self._frame_image(number, scratch)

    def _frame_image(self, number: int, scratch: str) -> str:
        from PIL import Image, ImageOps

        source = _open_image(self.path)
        try:
            try:
                source.seek(number - 1)
                _check_frame_size(source, number, self.limits)
                frame = ImageOps.exif_transpose(source) if number == 1 else source.copy()
                frame.load()
            except IngestError:
                raise
            except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombError) as exc:
                raise IngestError(MSG_IMAGE_CORRUPT, "corrupt") from exc
        finally:
            source.close()
        frame = _flatten(frame)
        if frame.width * frame.height > self.limits.max_page_pixels:
            scale = math.sqrt(self.limits.max_page_pixels / (frame.width * frame.height))
            frame = frame.resize((max(1, int(frame.width * scale)), max(1, int(frame.height * scale))),
                                 Image.Resampling.LANCZOS)
            self.plan.dpi[number] = max(int(self.plan.dpi[number] * scale), 1)
        dpi = self.plan.dpi[number]
        grey = os.path.join(scratch, "page.png")
        frame.convert("L").save(grey, "PNG", dpi=(dpi, dpi), compress_level=1)
        if self.searchable_target:
            # The page of the searchable PDF: the frame as it is (colours kept: seals are red).
            frame.save(self._page_file(number, ".image.pdf"), "PDF", resolution=float(dpi))
        return grey

    def _tesseract(self, number: int, image: str, base: str) -> tuple[str, float | None, str | None]:
        """Tesseract on one page image: (text, mean word confidence, text-layer PDF or None)."""
        cmd = [_which("tesseract") or "tesseract", image, base, "-l", LANGUAGE, "--dpi", str(self.plan.dpi[number])]
        if self.searchable_target:
            cmd += ["-c", "textonly_pdf=1", "txt", "tsv", "pdf"]
        else:
            cmd += ["txt", "tsv"]
        run = self._tool(number, cmd, os.path.dirname(base))
        if run.returncode != 0 or not os.path.exists(base + ".txt"):
            log.info("tesseract failed on page %d (%s): %s", number, run.returncode, run.stderr[:300])
            raise _ocr_failed(number)
        text = _clean(_read_capped(base + ".txt", MAX_TEXT_CHARS))
        confidence = _mean_confidence(_read_capped(base + ".tsv", 64 * MB))
        layer = base + ".pdf" if self.searchable_target and os.path.exists(base + ".pdf") else None
        return text, confidence, layer

    # -- the searchable PDF ---------------------------------------------------------------------

    def _write_searchable(self) -> None:
        target = self.searchable_target
        assert target
        qpdf = _which("qpdf")
        if qpdf is None:
            self._notes.append("Chưa tạo được bản PDF có lớp chữ: máy chủ thiếu gói qpdf.")
            return
        numbers = list(self.plan.ocr_pages)
        layers = [self._page_file(n, ".layer.pdf") for n in numbers]
        if not numbers or not all(os.path.exists(p) for p in layers):
            if numbers:
                self._notes.append("Chưa tạo được bản PDF có lớp chữ: thiếu lớp chữ của một số trang.")
            return
        scratch = tempfile.mkdtemp(prefix="tmp-", dir=self.workdir)
        try:
            base = self.path
            if self.plan.kind == KIND_IMAGE:
                base = os.path.join(scratch, "images.pdf")
                images = [self._page_file(n, ".image.pdf") for n in numbers]
                self._qpdf([qpdf, "--empty", "--pages", *images, "--", base], scratch)
            overlay = os.path.join(scratch, "layers.pdf")
            self._qpdf([qpdf, "--empty", "--pages", *layers, "--", overlay], scratch)
            out = os.path.join(scratch, "searchable.pdf")
            to = ",".join(str(n) for n in numbers)
            self._qpdf([qpdf, base, "--overlay", overlay, f"--to={to}", f"--from=1-{len(numbers)}", "--", out],
                       scratch)
            os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
            tmp_target = f"{target}.tmp-{os.getpid()}"
            shutil.copyfile(out, tmp_target)
            os.replace(tmp_target, target)
            self._searchable = target
        except (_Timeout, OSError, RuntimeError) as exc:
            log.warning("searchable PDF of %s not made: %s", self.path, exc)
            self._notes.append("Chưa tạo được bản PDF có lớp chữ cho tệp này; phần chữ nhận dạng vẫn đầy đủ.")
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def _qpdf(self, cmd: list[str], scratch: str) -> None:
        run = _run(cmd, timeout=max(self._clock.timeout(), 30.0), limits=self.limits, scratch=scratch)
        if run.returncode not in (0, 3):  # 3: done, with warnings (a damaged file repaired)
            raise RuntimeError(f"qpdf exited {run.returncode}: {run.stderr[:300]}")


def _despeckled(image_path: str, scratch: str) -> str:
    """The page image after a 3×3 median filter, written beside it (the page is at most
    ``max_page_pixels``: it was rendered or checked by us)."""
    from PIL import Image, ImageFilter

    out = os.path.join(scratch, "despeckled.pgm")
    with Image.open(image_path) as image:
        image.convert("L").filter(ImageFilter.MedianFilter(3)).save(out, "PPM")
    return out


def _flatten(frame):
    """An RGB or grey copy of an image frame; transparency over white, 16-bit and CMYK converted."""
    from PIL import Image

    if frame.mode in ("1", "L", "RGB"):
        return frame
    if frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info):
        rgba = frame.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    if frame.mode.startswith("I;16") or frame.mode in ("I", "F"):
        return frame.point(lambda v: v / 256).convert("L") if frame.mode != "F" else frame.convert("L")
    return frame.convert("RGB")


def _remove(path: str) -> None:
    if os.path.isdir(path):
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            os.remove(path)
        except OSError:
            pass


def _write_atomic(path: str, data: bytes) -> None:
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def ocr_file(path: str, *, limits: OcrLimits | None = None, workdir: str | None = None,
             searchable_pdf: str | None = None,
             progress: Callable[[int, int], bool | None] | None = None) -> OcrResult:
    """Recognise the whole file at ``path`` and return an :class:`OcrResult` (every page in order).

    ``progress(done, total)`` is called before the first page and after each recognised page
    (``0/12``, ``1/12``… of the pages needing OCR); returning ``False`` stops with IngestError
    ``cancelled``. Other arguments and refusals: see :class:`OcrJob`.
    """
    with OcrJob(path, limits=limits, workdir=workdir, searchable_pdf=searchable_pdf) as job:
        if progress is not None and progress(0, job.total) is False:
            raise _cancelled(0, job.total)
        for page in job:
            if page.source == SOURCE_OCR and progress is not None and progress(job.done, job.total) is False:
                raise _cancelled(job.done, job.total)
        return job.result()


def _cancelled(done: int, total: int) -> IngestError:
    return IngestError(f"Đã dừng nhận dạng chữ theo yêu cầu ({_n(done)}/{_n(total)} trang).", "cancelled")


def page_label(done: int, total: int) -> str:
    """``'3/12 trang'``: the progress line of a running job."""
    return f"{_n(done)}/{_n(total)} trang"

