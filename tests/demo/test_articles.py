"""The demo news: articles of our own in app/demo/news, taken through the workflow to every
state a newsroom shows (published, scheduled, sent back), with pictures drawn at load time."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from PIL import Image

from app import clock
from app.demo import articles as demo_news
from app.demo import pictures
from app.extensions import db
from app.models import Article, User
from app.models.news import DRAFT, PUBLISHED
from app.services.news import articles as news
from tests.helpers import logged_in


@pytest.fixture
def newsroom(make_user):
    """The demo editor and reviewer (the loader looks them up by name) and a civil servant."""
    make_user("bientap", roles=("editor", "reader"), unit="VP", full_name="Phương Hiếu")
    make_user("duyettin", roles=("editor", "publisher", "reader"), unit="VP", full_name="Hoàng Văn Duyệt")
    make_user("congchuc", roles=("reader",), unit="TCCB")


def _by_title(app) -> dict[str, Article]:
    with app.app_context():
        found = {a.title: a for a in db.session.scalars(db.select(Article))}
        for a in found.values():
            a.field_names = [f.name for f in a.fields]
            a.image_names = [i.stored_name for i in a.images]
            db.session.expunge(a)
        return found


def test_every_demo_file_reads_and_covers_each_state():
    items = demo_news.read_articles()
    states = [item.state for item in items]
    assert states.count("published") >= 5 and states.count("scheduled") == 1 and states.count("sent_back") == 1
    assert len({item.title for item in items}) == len(items)
    assert (sum(1 for item in items if item.chart) >= 2
            and all(item.cover for item in items if item.state != "sent_back"))
    for item in items:
        assert item.summary and len(item.body) > 500 and item.fields, item.name
        assert "seeds" not in item.body  # no trace of the reference material it was written from


@pytest.mark.parametrize("text, message", [
    ("title: Không có phần đầu\n", "thiếu phần đầu"),
    ("---\ntitle: A\nstate: published\nmau: đỏ\n---\nNội dung\n", "không hiểu được"),
    ("---\ntitle: A\nstate: published\n---\nNội dung\n", "cần published"),
    ("---\ntitle: A\nstate: scheduled\n---\nNội dung\n", "publish_in_days"),
    ("---\ntitle: A\nstate: sent_back\n---\nNội dung\n", "review_note"),
    ("---\ntitle: A\nstate: published\npublished: 2024-01-02 08:00\n---\n![Biểu đồ](chart)\n", "biểu đồ"),
    ("---\ntitle: A\nstate: published\npublished: 2/1/2024\n---\nNội dung\n", "a.md"),
])
def test_a_malformed_demo_file_is_refused_by_name(text, message):
    with pytest.raises(ValueError) as refused:
        demo_news.parse_article(text, "a.md")
    assert message.lower() in str(refused.value).lower()


def test_chart_values_are_read_the_vietnamese_way():
    item = demo_news.parse_article("---\ntitle: A\nstate: published\npublished: 2024-01-02 08:00\n"
                                   "chart: Đúng hạn = 184.517; Tỷ lệ = 99,22\n---\n![Biểu đồ](chart)\n", "a")
    assert [(bar.label, bar.shown, bar.value) for bar in item.chart] == [("Đúng hạn", "184.517", 184517.0),
                                                                        ("Tỷ lệ", "99,22", 99.22)]


def test_demo_news_loads_each_state_once(app, newsroom):
    items = demo_news.read_articles()
    with app.app_context():
        first = demo_news.load_demo_news()
        second = demo_news.load_demo_news()
        assert db.session.scalar(db.select(db.func.count(Article.id))) == len(items)
    assert f"({len(items)} mới)" in first[0] and "(0 mới)" in second[0]
    articles = _by_title(app)
    assert set(articles) == {item.title for item in items}
    for item in items:
        article = articles[item.title]
        if item.state == "published":
            assert article.status == PUBLISHED
            assert clock.to_vietnam(article.publish_at).replace(tzinfo=None) == item.published
        elif item.state == "scheduled":
            assert article.status == PUBLISHED and article.publish_at > clock.utcnow()
        else:
            assert article.status == DRAFT and article.review_note == item.review_note
        assert article.source_line == item.source
        assert len(article.field_names) == len(item.fields)
    old = articles["Rà soát các tiêu chí bị trừ điểm để nâng chỉ số cải cách hành chính của Thanh tra Chính phủ"]
    assert old.author_name == "Phương Hiếu" and old.source_line == "Nguồn: Cổng thông tin điện tử Thanh tra Chính phủ"
    assert clock.to_vietnam(old.publish_at).date().isoformat() == "2017-06-20"


def test_the_sent_back_article_waits_for_its_author_with_the_reviewers_note(app, newsroom):
    with app.app_context():
        demo_news.load_demo_news()
        author = db.session.scalar(db.select(User).where(User.username == "bientap"))
        drafts = news.dashboard(author)["drafts"]
        assert [a.title for a in drafts] == [
            "Sở Nội vụ Quảng Nam xếp thứ nhất về Chỉ số CCHC các sở, ban, ngành năm 2023"]
        assert drafts[0].revisions[0].action == "send_back" and "chưa ghi nguồn" in drafts[0].revisions[0].comment
    reader = logged_in(app, "congchuc")
    assert "xếp thứ nhất" not in reader.get("/news/").get_data(as_text=True)


def test_the_scheduled_article_reaches_readers_only_at_its_time(app, newsroom, monkeypatch):
    now = clock.utcnow()
    monkeypatch.setattr(clock, "utcnow", lambda: now)
    with app.app_context():
        demo_news.load_demo_news()
        scheduled = db.session.scalar(db.select(Article).where(Article.publish_at > now))
        article_id, publish_at, cover = scheduled.id, scheduled.publish_at, scheduled.cover_name
    assert clock.to_vietnam(publish_at).hour == 8 and timedelta(days=2) < publish_at - now < timedelta(days=4)
    reader = logged_in(app, "congchuc")
    assert "số liệu kiểm chứng" not in reader.get("/news/").get_data(as_text=True)
    assert reader.get(f"/news/{article_id}").status_code == 404
    assert reader.get(f"/news/images/{cover}").status_code == 404
    reviewer = logged_in(app, "duyettin")
    assert "số liệu kiểm chứng" in reviewer.get("/news/manage").get_data(as_text=True)

    monkeypatch.setattr(clock, "utcnow", lambda: publish_at + timedelta(minutes=1))
    reader = logged_in(app, "congchuc")  # days later: the idle session has ended
    assert "số liệu kiểm chứng" in reader.get("/news/").get_data(as_text=True)
    assert reader.get(f"/news/{article_id}", follow_redirects=True).status_code == 200


def test_demo_pictures_are_drawn_stored_and_served(app, newsroom):
    with app.app_context():
        demo_news.load_demo_news()
    articles = _by_title(app)
    reader = logged_in(app, "congchuc")
    listing = reader.get("/news/").get_data(as_text=True)
    published = [a for a in articles.values() if a.status == PUBLISHED and a.publish_at <= clock.utcnow()]
    for article in published:
        assert article.cover_name and article.cover_thumb_name and article.cover_caption
        assert f"/news/images/{article.cover_thumb_name}" in listing
    charted = articles["Đoàn kiểm tra của Ban Chỉ đạo CCHC Chính phủ làm việc tại Cao Bằng"]
    page = reader.get(f"/news/{charted.id}", follow_redirects=True).get_data(as_text=True)
    figure = re.search(r'<figure><img src="(/news/images/[^"]+)" alt="([^"]+)"', page)
    assert figure and figure.group(2).startswith("Hồ sơ thủ tục hành chính giải quyết xong")
    assert figure.group(1) == f"/news/images/{charted.image_names[0]}"
    for path, width in ((figure.group(1), 1200), (f"/news/images/{charted.cover_name}", 1200),
                        (f"/news/images/{charted.cover_thumb_name}", 480)):
        response = reader.get(path)
        assert response.status_code == 200 and response.mimetype.startswith("image/")
        assert Image.open(io.BytesIO(response.data)).size[0] == width


def test_pictures_without_a_vietnamese_font_are_written_without_accents(monkeypatch):
    monkeypatch.setattr(pictures, "FONT_CANDIDATES", {"bold": [], "regular": []})
    pictures._font.cache_clear()
    try:
        cover = Image.open(io.BytesIO(pictures.banner("Kiểm tra công tác CCHC tại Cao Bằng", 3)))
        chart = Image.open(io.BytesIO(pictures.bar_chart("Hồ sơ", [pictures.Bar("Đúng hạn", "99,22", 99.22)], "%")))
        assert cover.size == (1200, 630) and chart.format == "PNG"
        assert pictures._font(30, "bold")[1] is False  # Pillow's own font: no Vietnamese letters, so folded text
    finally:
        pictures._font.cache_clear()
