"""Demo news: the articles of ``app/demo/news/*.md``, written for the portal, loaded through the
same rules an editor goes through (create, submit, publish or send back), with cover pictures
and charts drawn when they are loaded.

Each file is a small front matter (``key: value`` lines between two ``---`` lines) and a
Markdown body. Keys:

- ``title``, ``summary``, ``author`` (empty: the demo editor), ``source`` (the source line)
- ``fields``: reform field positions 1–7, comma separated
- ``state``: ``published`` (with ``published: YYYY-MM-DD HH:MM``, Vietnam time), ``scheduled``
  (with ``publish_in_days: N``: published N days after the demo is loaded, 08:00 Vietnam time)
  or ``sent_back`` (submitted, then returned to the author with ``review_note``)
- ``cover``: the text drawn on the cover banner, ``cover_caption``: its caption
- ``chart_title``, ``chart_unit``, ``chart``: a bar chart (``Label = 1.234; Other = 56,7``) that
  the body places with a line ``![Caption](chart)``
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from app import clock
from app.demo import pictures
from app.extensions import db
from app.models import Article, ReformField, User
from app.news_text import IMAGE_PREFIX
from app.services.news import articles as news
from app.services.news import images as news_images

NEWS_DIR = os.path.join(os.path.dirname(__file__), "news")
EDITOR, REVIEWER = "bientap", "duyettin"
PUBLISHED, SCHEDULED, SENT_BACK = "published", "scheduled", "sent_back"
STATES = (PUBLISHED, SCHEDULED, SENT_BACK)
KEYS = {"title", "summary", "state", "published", "publish_in_days", "review_note", "fields", "author", "source",
        "cover", "cover_caption", "chart_title", "chart_unit", "chart"}
CHART_PLACE = "](chart)"
SCHEDULED_HOUR = 8  # Vietnam time


@dataclass
class DemoArticle:
    """One demo article as its file gives it."""

    name: str                       # the file name without .md
    title: str
    summary: str
    body: str                       # Markdown; ``](chart)`` marks where the chart goes
    state: str
    fields: list[int]               # reform field positions
    author: str = ""
    source: str = ""
    published: datetime | None = None   # Vietnam time (state published)
    publish_in_days: int = 0             # state scheduled
    review_note: str = ""                # state sent_back
    cover: str = ""
    cover_caption: str = ""
    chart_title: str = ""
    chart_unit: str = ""
    chart: list[pictures.Bar] = field(default_factory=list)


def _number(shown: str) -> float:
    """The value of a number written the Vietnamese way (``184.517``, ``99,22``)."""
    return float(shown.replace(".", "").replace(",", "."))


def _bars(spec: str) -> list[pictures.Bar]:
    bars = []
    for item in filter(None, (part.strip() for part in spec.split(";"))):
        label, _, shown = item.rpartition("=")
        bars.append(pictures.Bar(label.strip(), shown.strip(), _number(shown.strip())))
    return bars


def parse_article(text: str, name: str) -> DemoArticle:
    """Return the article a demo file holds. Refuses (ValueError naming the file) a file without
    front matter, an unknown key or state, a state without its date, delay or note, and a chart
    placed but not given (or given but not placed)."""
    match = re.match(r"---\n(.*?)\n---\n(.*)\Z", text.replace("\r\n", "\n"), re.DOTALL)
    if match is None:
        raise ValueError(f"{name}: thiếu phần đầu (front matter) giữa hai dòng ---")
    meta: dict[str, str] = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        key = key.strip()
        if not sep or key not in KEYS:
            raise ValueError(f"{name}: dòng không hiểu được trong phần đầu: {line!r}")
        meta[key] = value.strip()
    try:
        fields = [int(part) for part in meta.get("fields", "").split(",") if part.strip()]
        article = DemoArticle(
            name=name, title=meta.get("title", ""), summary=meta.get("summary", ""), body=match.group(2).strip() + "\n",
            state=meta.get("state", ""), fields=fields, author=meta.get("author", ""), source=meta.get("source", ""),
            review_note=meta.get("review_note", ""), cover=meta.get("cover", ""),
            cover_caption=meta.get("cover_caption", ""), chart_title=meta.get("chart_title", ""),
            chart_unit=meta.get("chart_unit", ""), chart=_bars(meta.get("chart", "")),
        )
        if meta.get("published"):
            article.published = datetime.strptime(meta["published"], "%Y-%m-%d %H:%M")
        if meta.get("publish_in_days"):
            article.publish_in_days = int(meta["publish_in_days"])
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None
    problems = []
    if not article.title:
        problems.append("thiếu title")
    if article.state not in STATES:
        problems.append(f"state phải là một trong {', '.join(STATES)}")
    if article.state == PUBLISHED and article.published is None:
        problems.append("bài đã đăng cần published")
    if article.state == SCHEDULED and article.publish_in_days <= 0:
        problems.append("bài hẹn giờ cần publish_in_days > 0")
    if article.state == SENT_BACK and not article.review_note:
        problems.append("bài trả lại cần review_note")
    if (CHART_PLACE in article.body) != bool(article.chart):
        problems.append("biểu đồ phải vừa có dòng chart vừa được đặt trong bài bằng ](chart)")
    if problems:
        raise ValueError(f"{name}: {'; '.join(problems)}")
    return article


def read_articles(folder: str = NEWS_DIR) -> list[DemoArticle]:
    """Return the demo articles of ``folder`` in file-name order (ValueError if one is malformed)."""
    articles = []
    for filename in sorted(os.listdir(folder)):
        if filename.endswith(".md"):
            with open(os.path.join(folder, filename), encoding="utf-8") as handle:
                articles.append(parse_article(handle.read(), filename[:-3]))
    return articles


def _to_utc(vietnam_time: datetime) -> datetime:
    return vietnam_time.replace(tzinfo=clock.VN_TZ).astimezone(UTC).replace(tzinfo=None)


def scheduled_time(days: int, now: datetime | None = None) -> datetime:
    """Return the naive-UTC moment ``days`` days after ``now`` at 08:00 Vietnam time."""
    local = clock.to_vietnam(now or clock.utcnow()) + timedelta(days=days)
    return _to_utc(local.replace(hour=SCHEDULED_HOUR, minute=0, second=0, microsecond=0, tzinfo=None))


def _field_ids(positions: list[int]) -> list[int]:
    if not positions:
        return []
    return list(db.session.scalars(db.select(ReformField.id).where(ReformField.position.in_(positions))))


def _create(item: DemoArticle, editor: User) -> Article:
    """Create the draft with its cover and chart drawn now; return it."""
    first_field = item.fields[0] if item.fields else 1
    body, extra = item.body, []
    if item.chart:
        chart = news_images.store(pictures.bar_chart(item.chart_title, item.chart, item.chart_unit, first_field))
        extra.append(chart)
        body = body.replace(CHART_PLACE, f"]({IMAGE_PREFIX}{chart.stored_name})")
    cover = pictures.banner(item.cover, first_field) if item.cover else None
    data = news.ArticleData(title=item.title, summary=item.summary, body=body, author_name=item.author,
                            source_line=item.source, cover_caption=item.cover_caption if cover else "",
                            field_ids=_field_ids(item.fields))
    return news.create_article(data, editor, cover=cover, extra_images=extra)


def load_demo_news() -> list[str]:
    """Create the demo articles that are not there yet (matched by title), each taken through
    the workflow to its state: published on its date, scheduled a few days ahead, or sent back to
    its author with the reviewer's note. Return lines to print; refuses nothing (a missing demo
    editor or reviewer skips the news with a line saying so)."""
    editor = db.session.scalar(db.select(User).where(User.username == EDITOR))
    reviewer = db.session.scalar(db.select(User).where(User.username == REVIEWER))
    if editor is None or reviewer is None:
        return [f"Tin tức demo: bỏ qua (thiếu tài khoản {EDITOR} hoặc {REVIEWER})."]
    items = read_articles()
    created = 0
    for item in items:
        if db.session.scalar(db.select(Article.id).where(Article.title == item.title)) is not None:
            continue
        article = _create(item, editor)
        news.submit(article, editor)
        if item.state == SENT_BACK:
            news.send_back(article, reviewer, item.review_note)
        elif item.state == SCHEDULED:
            news.publish(article, reviewer, publish_at=scheduled_time(item.publish_in_days))
        else:
            news.publish(article, reviewer, publish_at=_to_utc(item.published))
        created += 1
    counts = {state: sum(1 for item in items if item.state == state) for state in STATES}
    line = (f"Tin tức: {len(items)} bài demo ({created} mới): {counts[PUBLISHED]} đã đăng, "
            f"{counts[SCHEDULED]} hẹn giờ đăng, {counts[SENT_BACK]} bị trả lại cho tác giả.")
    return [line]
