"""Start a news article from a Word file: mammoth turns the .docx into clean HTML (pictures kept),
which is then written as the Markdown the editor works in.

The file goes through the library's safety checks first (zip bombs, macros, wrong content…).
"""
from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser

import mammoth

from app import ingest, vntext
from app.services.news import images as news_images
from app.services.uploads import clean_name, refused_when_disk_full

MAX_IMAGES = 40


@dataclass
class ConvertedDocx:
    title: str
    summary: str
    body: str                                            # Markdown
    images: list[news_images.StoredImage] = field(default_factory=list)
    skipped_images: int = 0


def _escape_inline(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|])", r"\\\1", text)


class _MarkdownWriter(HTMLParser):
    """Writes mammoth's small HTML vocabulary (p, h1–h6, strong, em, a, img, br, lists, tables) as Markdown."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.line: list[str] = []
        self.lists: list[list] = []        # [kind, counter]
        self.table: list[list[str]] | None = None
        self.cell: list[str] | None = None
        self.heading = 0
        self.href: str | None = None
        self.link_text: list[str] = []

    def _out(self, text: str) -> None:
        if self.href is not None:
            self.link_text.append(text)
        elif self.cell is not None:
            self.cell.append(text)
        else:
            self.line.append(text)

    def _flush(self) -> None:
        text = "".join(self.line).strip()
        self.line = []
        if not text:
            return
        if self.heading:
            text = "#" * min(self.heading + 1, 4) + " " + text.replace("\n", " ")
        elif self.lists:
            kind = self.lists[-1]
            indent = "   " * (len(self.lists) - 1)
            marker = f"{kind[1]}." if kind[0] == "ol" else "-"
            text = f"{indent}{marker} {text}"
            self.blocks.append(text)
            return
        self.blocks.append(text + "\n")

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("p",) and self.cell is None:
            self._flush()
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._flush()
            self.heading = int(tag[1])
        elif tag in ("strong", "b"):
            self._out("**")
        elif tag in ("em", "i"):
            self._out("*")
        elif tag == "br":
            self._out("  \n" if self.cell is None else " ")
        elif tag == "a":
            href = attrs.get("href") or ""
            self.href = href if href.startswith(("http://", "https://", "mailto:")) else ""
            self.link_text = []
        elif tag == "img":
            src = attrs.get("src") or ""
            if src:
                self._flush()
                alt = _escape_inline(attrs.get("alt") or "")
                self.blocks.append(f"![{alt}]({src})\n")
        elif tag in ("ul", "ol"):
            self._flush()
            if not self.lists and self.blocks and not self.blocks[-1].endswith("\n"):
                pass
            self.lists.append([tag, 0])
        elif tag == "li":
            self._flush()
            if self.lists:
                self.lists[-1][1] += 1
        elif tag == "table":
            self._flush()
            self.table = []
        elif tag == "tr" and self.table is not None:
            self.table.append([])
        elif tag in ("td", "th") and self.table is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "p" and self.cell is None:
            self._flush()
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._flush()
            self.heading = 0
        elif tag in ("strong", "b"):
            self._out("**")
        elif tag in ("em", "i"):
            self._out("*")
        elif tag == "a" and self.href is not None:
            text, href = "".join(self.link_text), self.href
            self.href = None
            self._out(f"[{text}]({href})" if href and text.strip() else text)
        elif tag == "li":
            self._flush()
        elif tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                self.lists.pop()
            if not self.lists and self.blocks:
                self.blocks[-1] += "\n"
        elif tag in ("td", "th") and self.cell is not None and self.table is not None:
            text = " ".join("".join(self.cell).split()).replace("|", "\\|")
            if self.table:
                self.table[-1].append(text)
            self.cell = None
        elif tag == "table" and self.table is not None:
            rows = [row for row in self.table if any(cell for cell in row)]
            self.table = None
            if rows:
                width = max(len(row) for row in rows)
                rows = [row + [""] * (width - len(row)) for row in rows]
                lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
                lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
                self.blocks.append("\n".join(lines) + "\n")

    def handle_data(self, data):
        if self.heading or self.cell is not None or self.href is not None:
            self._out(_escape_inline(data))
        else:
            self._out(_escape_inline(data))

    def markdown(self) -> str:
        self._flush()
        text = "\n".join(self.blocks)
        text = text.replace("****", "")
        return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def html_to_markdown(fragment: str) -> str:
    """Return Markdown for mammoth's HTML (tables become pipe tables, pictures stay pictures)."""
    writer = _MarkdownWriter()
    writer.feed(fragment)
    writer.close()
    return writer.markdown()


def _plain(markdown_line: str) -> str:
    return re.sub(r"[*_#\\]", "", markdown_line).strip()


def convert(path: str, original_name: str, image_url) -> ConvertedDocx:
    """Convert the Word file at ``path`` into a title, summary and Markdown body; pictures are
    checked and stored (``image_url(stored_name)`` gives their address). Raises
    ``ingest.IngestError`` for a file the library would refuse; pictures that are not
    JPEG/PNG/WebP are skipped and counted."""
    ingest.check_upload(path, original_name, allowed=("docx",))
    stored: list[news_images.StoredImage] = []
    skipped = 0

    def keep_image(image):
        nonlocal skipped
        if len(stored) >= MAX_IMAGES:
            skipped += 1
            return {}
        with image.open() as stream:
            data = stream.read(news_images.MAX_IMAGE_BYTES + 1)
        try:
            picture = news_images.store(data)
        except news_images.DiskFull:
            raise
        except news_images.ImageError:
            skipped += 1
            return {}
        stored.append(picture)
        return {"src": image_url(picture.stored_name), "alt": image.alt_text or ""}

    try:
        with open(path, "rb") as handle:
            result = mammoth.convert_to_html(handle, convert_image=mammoth.images.img_element(keep_image))
    except Exception as exc:
        news_images.remove(*(image.stored_name for image in stored))
        if isinstance(exc, news_images.DiskFull):
            raise ingest.IngestError(str(exc), "disk_full") from None
        raise ingest.IngestError(
            "Không đọc được nội dung tệp Word này; hãy mở bằng Word, lưu lại rồi thử lại.") from None
    body = vntext.as_written(html_to_markdown(result.value))
    lines = [line for line in body.splitlines() if line.strip()]
    title_line = next((line for line in lines if not line.startswith(("![", "|"))), "")
    title = _plain(title_line)[:500] or os.path.splitext(original_name)[0]
    if title_line:
        body = body.replace(title_line, "", 1).lstrip()
    summary = next((_plain(line) for line in body.splitlines()
                    if line.strip() and not line.startswith(("![", "|", "#"))), "")[:1000]
    return ConvertedDocx(title=title, summary=summary, body=body, images=stored, skipped_images=skipped)


def convert_upload(file_storage, image_url) -> ConvertedDocx:
    """``convert`` for an uploaded file (kept in a temporary file that is always removed)."""
    name = clean_name(file_storage.filename)
    fd, path = tempfile.mkstemp(suffix=".docx")
    try:
        with refused_when_disk_full("a Word file for news"), os.fdopen(fd, "wb") as out:
            while chunk := file_storage.stream.read(1024 * 1024):
                out.write(chunk)
        return convert(path, name, image_url)
    finally:
        os.remove(path)
