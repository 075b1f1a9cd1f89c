"""Demo news: the five seed articles, cleaned of the web-page debris they were copied with, as
published news by the demo editor, with the dates and source lines their texts give."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.extensions import db
from app.models import Article, User
from app.models.news import PUBLISHED
from app.services import news

SEEDS_DIR = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "seeds")

# Lines that are the source web page's menus, widgets and layout residue, not the article.
DEBRIS_LINES = {
    "nhập từ khóa...tìm kiếm", "leftcenterrightdel", "ipv6 ready", "tin trong ngành", "thông tin mới nhất",
    "thống kê truy cập", "đăng nhập", "thanh tra kinh tế xã hội",
}
DEBRIS_PATTERNS = [
    re.compile(r"^•?\s*đang truy cập\s*\d+$", re.I),
    re.compile(r"^ngày đăng .*view count: \d+$", re.I),
    re.compile(r"^\d{1,2}:\d{2}:\d{2} \| \d{1,2}/\d{1,2}/\d{4}$"),   # "09:32:36 | 2/7/2024"
    re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$"),                          # a lone date line
]
SOURCE_LINE = re.compile(r"^\(?nguồn:?\s*(.+?)\)?$", re.I)


@dataclass
class Seed:
    prefix: str
    published: datetime            # Vietnam time, as the page gives it (or the event date it reports)
    fields: list[int]
    title: str | None = None       # None: the first clean line is the title
    captions: list[str] = field(default_factory=list)  # photo captions left in the text (pictures not kept)
    author_from_text: bool = False  # the text ends with the author's name


SEEDS = [
    Seed("000_", datetime(2022, 12, 30, 8, 0), [1, 2, 3, 4, 5, 6, 7],
         title="Thanh tra Chính phủ thực hiện 40 nhiệm vụ, 7 lĩnh vực cải cách hành chính năm 2022",
         captions=["Toàn cảnh buổi làm việc"], author_from_text=True),
    Seed("001_", datetime(2024, 5, 31, 1, 5), [1, 5],
         captions=["Đồng chí Phạm Quí Tiên, Phó Chủ tich HĐND Thành phố"]),
    Seed("002_", datetime(2017, 6, 20, 8, 0), [1]),
    Seed("003_", datetime(2024, 7, 2, 9, 32), [1, 2, 3, 7]),
    Seed("004_", datetime(2022, 12, 2, 16, 0), [1, 2, 3, 7], captions=["Các đại biểu dự buổi làm việc."]),
]


def _is_debris(line: str) -> bool:
    lowered = line.lower()
    return lowered in DEBRIS_LINES or any(p.match(line) for p in DEBRIS_PATTERNS)


def clean_seed(text: str, seed: Seed) -> dict:
    """Return title, summary, Markdown body, source and author of one seed article, without
    the page debris; captions become italic lines (their pictures were not kept)."""
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line and not _is_debris(line)]
    source = ""
    if lines and SOURCE_LINE.match(lines[-1]):
        source = "Nguồn: " + SOURCE_LINE.match(lines[-1]).group(1).strip()
        lines.pop()
    author = ""
    if seed.author_from_text and lines and len(lines[-1].split()) <= 4:
        author = lines.pop()
    if seed.title:
        title = seed.title
    else:
        title = lines.pop(0)
    paragraphs = []
    for line in lines:
        if line == title:
            continue
        if any(line.startswith(caption) for caption in seed.captions):
            paragraphs.append(f"*{line}*")
        elif len(line) <= 70 and not line.endswith((".", ":", ";", "?", "!", "…")):
            paragraphs.append(f"## {line}")  # a short line without final punctuation is a subheading
        else:
            paragraphs.append(line)
    body_start = next((p for p in paragraphs if not p.startswith(("*", "#")) and len(p) > 80), "")
    if len(body_start) <= 400:
        summary = body_start
        paragraphs.remove(body_start)  # the lead paragraph is shown once, as the summary
    else:
        summary = body_start[:body_start.rfind(" ", 0, 380)] + "…"
    return {"title": title, "summary": summary, "body": "\n\n".join(paragraphs) + "\n", "source": source,
            "author": author}


def load_demo_news() -> list[str]:
    """Publish the five seed articles if they are not there yet (matched by title); return lines to print."""
    editor = db.session.scalar(db.select(User).where(User.username == "bientap"))
    reviewer = db.session.scalar(db.select(User).where(User.username == "quantri"))
    if editor is None or reviewer is None or not os.path.isdir(SEEDS_DIR):
        return ["Tin tức demo: bỏ qua (thiếu tài khoản demo hoặc thư mục seeds)."]
    files = sorted(os.listdir(SEEDS_DIR))
    created = 0
    for seed in SEEDS:
        name = next((f for f in files if f.startswith(seed.prefix)), None)
        if name is None:
            continue
        with open(os.path.join(SEEDS_DIR, name), encoding="utf-8") as handle:
            cleaned = clean_seed(handle.read(), seed)
        if db.session.scalar(db.select(Article.id).where(Article.title == cleaned["title"])) is not None:
            continue
        data = news.ArticleData(title=cleaned["title"], summary=cleaned["summary"], body=cleaned["body"],
                                author_name=cleaned["author"] or editor.full_name, source_line=cleaned["source"],
                                field_ids=seed.fields)
        article = news.create_article(data, editor)
        published_utc = seed.published - timedelta(hours=7)  # Vietnam time → stored UTC
        news.publish(article, reviewer, publish_at=published_utc)
        created += 1
    total = db.session.scalar(db.select(db.func.count(Article.id)).where(Article.status == PUBLISHED))
    return [f"Tin tức: {total} bài đã đăng ({created} mới)."]
