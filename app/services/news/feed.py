"""The Atom feed (RFC 4287) of published news, built with ElementTree so every value is escaped."""
from __future__ import annotations

import re
from datetime import UTC
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from flask import url_for

from app.news_text import plain_text
from app.services.news import articles as news

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 30


# Characters XML 1.0 cannot carry at all, and the C0/C1 controls it only tolerates.
_NOT_XML = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str | None) -> str:
    """``value`` without the characters that would make the feed not well-formed (a title that
    reached the database by an import or by hand may hold any)."""
    return _NOT_XML.sub("", value or "")


def _when(value) -> str:
    return value.replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_feed(base_url: str) -> bytes:
    """Return the feed document: the newest live articles (never drafts, scheduled or expired ones).

    Every absolute address starts with ``base_url`` (the configured ``BASE_URL``, never the
    request's Host header); entry ids are ``tag:`` URIs on its host name that stay the same when a
    title or address changes. Needs a request context (``url_for``).
    """
    root_url = base_url.rstrip("/")
    tag_authority = urlsplit(root_url).hostname or "cchc.local"
    feed_url = root_url + url_for("news.feed")
    site_url = root_url + url_for("news.index")

    def article_url(article):
        return root_url + url_for("news.show", article_id=article.id, slug=article.slug)

    ET.register_namespace("", ATOM)
    articles = news.latest(FEED_SIZE)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": "vi"})
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"tag:{tag_authority},2024:news"
    ET.SubElement(feed, f"{{{ATOM}}}title").text = "Tin tức cải cách hành chính"
    ET.SubElement(feed, f"{{{ATOM}}}subtitle").text = "Tin tức, bài tuyên truyền CCHC trên cổng thông tin nội bộ"
    updated = max((a.updated_at if a.updated_at > a.publish_at else a.publish_at for a in articles), default=None)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _when(updated) if updated else "2024-01-01T00:00:00Z"
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "type": "application/atom+xml", "href": feed_url})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": site_url})
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "Tổ CCHC"
    for article in articles:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"tag:{tag_authority},2024:news:{article.id}"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = _text(article.title)
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html",
                                                 "href": article_url(article)})
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _when(article.publish_at)
        entry_updated = article.updated_at if article.updated_at > article.publish_at else article.publish_at
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _when(entry_updated)
        person = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(person, f"{{{ATOM}}}name").text = _text(article.author_name) or "Tổ CCHC"
        for reform_field in article.fields:
            ET.SubElement(entry, f"{{{ATOM}}}category",
                          {"term": _text(reform_field.code), "label": _text(reform_field.name)})
        summary = article.summary or plain_text(article.body_html)[:300]
        ET.SubElement(entry, f"{{{ATOM}}}summary", {"type": "text"}).text = _text(summary)
        # The sanitised HTML as escaped text (type="html"): a reader renders it, nothing executes here.
        body = article.body_html.replace('src="/news/images/', f'src="{root_url}/news/images/')
        ET.SubElement(entry, f"{{{ATOM}}}content", {"type": "html"}).text = _text(body)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
