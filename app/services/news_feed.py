"""The Atom feed (RFC 4287) of published news, built with ElementTree so every value is escaped."""
from __future__ import annotations

from datetime import UTC
from xml.etree import ElementTree as ET

from app.services import news
from app.services.news_text import plain_text

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 30


def _when(value) -> str:
    return value.replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def atom_feed(feed_url: str, site_url: str, article_url, tag_authority: str, root_url: str) -> bytes:
    """Return the feed document: the newest live articles (never drafts, scheduled or expired ones).

    ``article_url(article)`` gives an absolute link; entry ids are ``tag:`` URIs that stay the
    same when a title or address changes.
    """
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
        ET.SubElement(entry, f"{{{ATOM}}}title").text = article.title
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html",
                                                 "href": article_url(article)})
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _when(article.publish_at)
        entry_updated = article.updated_at if article.updated_at > article.publish_at else article.publish_at
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _when(entry_updated)
        person = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(person, f"{{{ATOM}}}name").text = article.author_name or "Tổ CCHC"
        for reform_field in article.fields:
            ET.SubElement(entry, f"{{{ATOM}}}category", {"term": reform_field.code, "label": reform_field.name})
        summary = article.summary or plain_text(article.body_html)[:300]
        ET.SubElement(entry, f"{{{ATOM}}}summary", {"type": "text"}).text = summary
        # The sanitised HTML as escaped text (type="html"): a reader renders it, nothing executes here.
        body = article.body_html.replace('src="/news/images/', f'src="{root_url}/news/images/')
        ET.SubElement(entry, f"{{{ATOM}}}content", {"type": "html"}).text = body
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
