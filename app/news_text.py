"""Markdown → safe HTML for news, plain text for search, slugs, and document-number links.

Raw HTML typed into the Markdown is shown as text (markdown-it with ``html=False``); the result
then goes through nh3 (the ammonia sanitiser) with a short allow-list, so no script, event
handler, style or ``javascript:`` link can reach a page, whatever the renderer does.
"""
from __future__ import annotations

import html
import re

import nh3
from markdown_it import MarkdownIt

from app import vntext

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "em", "del", "s", "a", "ul", "ol", "li", "blockquote",
    "code", "pre", "hr", "table", "thead", "tbody", "tr", "th", "td", "img", "figure", "figcaption",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
IMAGE_PREFIX = "/news/images/"
# The only names ``app.services.news.images`` gives stored pictures: news/2024/05/<uuid hex>.jpg
IMAGE_NAME = re.compile(r"news/\d{4}/\d{2}/[0-9a-f]{32}\.(?:jpg|png)")
MAX_SLUG_LENGTH = 100

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"])

# A paragraph holding only an image becomes a figure whose caption is the image's text.
_LONE_IMAGE = re.compile(r'<p>(<img src="[^"]*" alt="([^"]*)"(?: title="[^"]*")? ?/?>)</p>')


def _attribute_filter(tag: str, name: str, value: str) -> str | None:
    if tag == "img" and name == "src":
        # Only pictures stored by the portal, by their exact stored name: the intranet has no
        # internet and CSP allows only 'self'; anything else (``%2e%2e/``, a query, another
        # page of the portal the reader's browser would request) is dropped.
        return value if is_image_path(value) else None
    if tag == "a" and name == "href" and value.startswith("//"):
        return None  # protocol-relative: another host
    return value


def is_image_name(name: str) -> bool:
    """True for a name a stored news picture can have (``news/2024/05/<32 hex>.jpg``), nothing else."""
    return IMAGE_NAME.fullmatch(name) is not None


def is_image_path(path: str) -> bool:
    """True for the address of a stored news picture (``/news/images/`` + an image name)."""
    return path.startswith(IMAGE_PREFIX) and is_image_name(path[len(IMAGE_PREFIX):])


def sanitise(fragment: str) -> str:
    """Return ``fragment`` with everything outside the allow-list removed (tags, attributes, schemes)."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str | None) -> str:
    """Return the sanitised HTML of a Markdown body (headings start at ``h2``: the page has the ``h1``)."""
    rendered = _markdown.render(vntext.as_written(text))
    rendered = re.sub(r"<(/?)h1>", r"<\1h2>", rendered)
    rendered = _LONE_IMAGE.sub(
        lambda m: f"<figure>{m.group(1)}<figcaption>{m.group(2)}</figcaption></figure>" if m.group(2)
        else f"<figure>{m.group(1)}</figure>", rendered)
    return sanitise(rendered)


def plain_text(fragment: str | None) -> str:
    """Return the readable text of an HTML fragment (for search and summaries), one block per line."""
    spaced = re.sub(r"</(p|h[1-6]|li|tr|blockquote|pre|figcaption)>|<br ?/?>", "\n", fragment or "")
    text = html.unescape(nh3.clean(spaced, tags=set()))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def slugify(title: str) -> str:
    """Return the URL slug of a Vietnamese title: accents folded, ``đ`` → ``d``, words joined by ``-``."""
    folded = vntext.fold(vntext.nfc(title or "")).lower()
    words = re.findall(r"[a-z0-9]+", folded)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > MAX_SLUG_LENGTH:
            break
        slug = candidate
    return slug or "tin-tuc"


_TAG_OR_TEXT = re.compile(r"(<[^>]+>)")


def link_document_numbers(fragment: str, link_text) -> str:
    """Return the HTML ``fragment`` with document numbers in its text linked by ``link_text``
    (a function taking plain text and returning escaped HTML), leaving tags, links and code alone."""
    parts = _TAG_OR_TEXT.split(fragment)
    skip = 0
    out = []
    for part in parts:
        if part.startswith("<"):
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", part)
            tag = name.group(1).lower() if name else ""
            if tag in ("a", "code", "pre"):
                skip += -1 if part.startswith("</") else 1
            out.append(part)
        elif part and skip <= 0:
            out.append(str(link_text(html.unescape(part))))
        else:
            out.append(part)
    return "".join(out)
