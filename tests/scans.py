"""Generated "scans" for the OCR tests and bench/ocr_bench.py: Vietnamese text rendered with Pillow
in a Debian font that has every Vietnamese letter (DejaVu Serif, package fonts-dejavu-core), pages
assembled into PDFs whose pages are images only, and a page with a real text layer.

Nothing here reads a file outside the repository except the font.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess

from PIL import Image, ImageDraw, ImageFont

#: Fonts with the whole Vietnamese alphabet, first found wins (Liberation 2.1 in Debian 12 lacks
#: the letters with two marks: ế, ộ… come out as boxes).
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",  # fonts-dejavu-core
    "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf",  # fonts-noto-core
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)


def vietnamese_font() -> str:
    """Path of a TrueType font with every Vietnamese letter; AssertionError naming the package if none."""
    for path in FONT_CANDIDATES:
        if os.path.exists(path):
            return path
    fc_match = shutil.which("fc-match")
    if fc_match:
        found = subprocess.run([fc_match, "-f", "%{file}", "serif:lang=vi"], capture_output=True, text=True,
                               check=False).stdout.strip()
        if found.endswith((".ttf", ".otf")) and os.path.exists(found):
            return found
    raise AssertionError("No font with Vietnamese letters: install the Debian package fonts-dejavu-core")


def wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """``text`` (paragraphs separated by newlines) broken into lines no wider than ``width`` pixels."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if line and font.getlength(candidate) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def render_page(text: str, **kwargs) -> Image.Image:
    """A page of ``text`` as a scanner would give it; see :func:`render_page_lines`."""
    return render_page_lines(text, **kwargs)[0]


def render_page_lines(text: str, *, dpi: int = 300, size_in: tuple[float, float] = (8.27, 11.69),
                      point: float = 13, margin_in: float = 0.8, rotate: float = 0.0,
                      mode: str = "L") -> tuple[Image.Image, list[str]]:
    """A page of ``text`` as a scanner would give it — black on white at ``dpi``, ``point``-size
    type, optionally turned by ``rotate`` degrees (a sheet fed slightly askew) — and the lines
    drawn on it (text that does not fit on the page is left out)."""
    width, height = int(size_in[0] * dpi), int(size_in[1] * dpi)
    page = Image.new(mode, (width, height), "white")
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(vietnamese_font(), round(point * dpi / 72))
    margin = int(margin_in * dpi)
    line_height = round(point * dpi / 72 * 1.5)
    y = margin
    drawn: list[str] = []
    for line in wrap(text, font, width - 2 * margin):
        if y + line_height > height - margin:
            break
        draw.text((margin, y), line, font=font, fill="black")
        drawn.append(line)
        y += line_height
    if rotate:
        page = page.rotate(rotate, resample=Image.Resampling.BICUBIC, expand=False, fillcolor="white")
    page.info["dpi"] = (dpi, dpi)
    return page, drawn


def worn(image: Image.Image, seed: int = 7) -> Image.Image:
    """A tired photocopy of a grey ``image``: slightly blurred, with grey grain (Gaussian, σ 28 around
    mid-grey, its darker half darkening the page twice over; the same grain for the same ``seed``)."""
    import numpy as np
    from PIL import ImageFilter

    blurred = np.asarray(image.convert("L").filter(ImageFilter.GaussianBlur(0.9)), dtype=np.int16)
    noise = np.random.default_rng(seed).normal(128, 28, size=blurred.shape)
    grain = (np.clip(noise - 128, 0, None) * 2).astype(np.int16)
    return Image.fromarray(np.clip(blurred - grain, 0, 255).astype(np.uint8), "L")


def image_pdf(pages: list[Image.Image], dpi: int = 300) -> bytes:
    """A PDF whose pages are only these images (no text layer), as a scanner writes it."""
    out = io.BytesIO()
    first, *rest = pages
    first.save(out, "PDF", resolution=float(dpi), save_all=True, append_images=rest)
    return out.getvalue()


def text_pdf(lines: list[str]) -> bytes:
    """A one-page A4 PDF with a real text layer (Helvetica, ASCII text), one line per entry."""
    body = " ".join(f"BT /F1 12 Tf 72 {760 - 18 * i} Td ({line}) Tj ET" for i, line in enumerate(lines)).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
    ]
    return pdf_file(objects)


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF from its numbered objects (object 1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def join_pdfs(parts: list[bytes]) -> bytes:
    """The pages of several PDFs, in order, as one PDF (pypdf)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for data in parts:
        writer.append(PdfReader(io.BytesIO(data)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# A Vietnamese decision in two parts, the scanned file the OCR tests upload.
DECISION = (
    "QUYẾT ĐỊNH\n"
    "Về việc ban hành Kế hoạch cải cách hành chính năm 2025\n"
    "Căn cứ Nghị định số 107/2021/NĐ-CP của Chính phủ;\n"
    "Ủy ban nhân dân tỉnh giao Sở Nội vụ đôn đốc việc số hóa hồ sơ."
)
SECOND = "Điều 2. Giám đốc các sở chịu trách nhiệm thi hành\nQuyết định này; người dân nộp hồ sơ trực tuyến."
