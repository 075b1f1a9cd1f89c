"""News pages: every workflow step and who may take it, scheduling and expiry on every surface,
XSS inertness, pictures checked by content, revisions, concurrent edits, the view counter."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import feedparser
import pytest
from PIL import Image
from werkzeug.test import EnvironBuilder, run_wsgi_app

from app import clock
from app.extensions import db
from app.models import Article, ArticleRevision
from tests.helpers import files_under, logged_in, page_token

BODY = "Nội dung **cải cách hành chính** theo Nghị định 107/2021/NĐ-CP.\n\n- một cửa\n- dịch vụ công"


@pytest.fixture
def people(app, make_user):
    """The cast: two editors, a reviewer (editor with the publish right), an admin, a reader, a reporter."""
    return {
        "tac_gia": make_user("tacgia", roles=("editor", "reader"), unit="VP", full_name="Phương Hiếu"),
        "bien_tap_khac": make_user("bientapkhac", roles=("editor", "reader"), unit="VP"),
        "duyet": make_user("duyet", roles=("editor", "publisher", "reader"), unit="VP"),
        "quan_tri": make_user("quantri", roles=("admin",), unit="KHTCTH"),
        "doc": make_user("doc", roles=("reader",), unit="TCCB"),
        "dau_moi": make_user("daumoi", roles=("reporter", "reader"), unit="TCCB"),
    }


def post(client, path, data=None, **kwargs):
    data = dict(data or {})
    data.setdefault("csrf_token", page_token(client, "/"))
    return client.post(path, data=data, **kwargs)


def write_draft(client, title="Tin cải cách hành chính mới", body=BODY, **extra):
    response = post(client, "/news/new", {"title": title, "summary": "Tóm tắt tin.", "body": body, **extra})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return int(re.search(r"/news/(\d+)", response.headers["Location"]).group(1))


def article(app, article_id) -> Article:
    with app.app_context():
        found = db.session.get(Article, article_id)
        db.session.expunge(found)
        return found


def version(app, article_id) -> int:
    return article(app, article_id).version


def publish(client, app, article_id, **times):
    return post(client, f"/news/{article_id}/publish", {"version": version(app, article_id), **times})


def search_titles(client, q):
    return [r["title"] for r in client.get("/api/search", query_string={"q": q}).get_json()["results"]]


def visible_everywhere(client, article_id, title, word) -> dict:
    """Where a reader sees the article: list, own page, home, feed, search (page, API, suggest)."""
    feed = feedparser.parse(client.get("/news/feed.atom").get_data())
    return {
        "list": title in client.get("/news/").get_data(as_text=True),
        "page": client.get(f"/news/{article_id}").status_code == 200,
        "home": title in client.get("/").get_data(as_text=True),
        "feed": any(entry.title == title for entry in feed.entries),
        "search": title in search_titles(client, word),
        "search_page": f'href="/news/{article_id}"'
        in client.get("/search", query_string={"q": word}).get_data(as_text=True),
        "suggest": any(s["title"] == title for s in client.get("/api/search/suggest", query_string={"q": word})
                       .get_json()["suggestions"]),
    }


# Workflow and permissions

def test_reader_and_reporter_cannot_write_or_review(app, people):
    author = logged_in(app, "tacgia")
    draft = write_draft(author)
    for username in ("doc", "daumoi"):
        client = logged_in(app, username)
        assert client.get("/news/new").status_code == 403
        assert post(client, "/news/new", {"title": "x", "body": "y"}).status_code == 403
        assert client.get("/news/manage").status_code == 403
        assert post(client, "/news/preview", {"body": "x"}).status_code == 403
        for step in ("submit", "publish", "send-back", "unpublish"):
            assert post(client, f"/news/{draft}/{step}", {"comment": "x"}).status_code == 403, step
        assert client.get(f"/news/{draft}/edit").status_code == 403
        assert client.get(f"/news/{draft}").status_code == 404  # a draft does not exist for readers
    assert article(app, draft).status == "draft"


def test_full_workflow_with_send_back(app, people):
    author, other, reviewer = logged_in(app, "tacgia"), logged_in(app, "bientapkhac"), logged_in(app, "duyet")
    reader = logged_in(app, "doc")
    draft = write_draft(author, title="Hội nghị triển khai kế hoạch CCHC năm 2024")
    assert article(app, draft).slug == "hoi-nghi-trien-khai-ke-hoach-cchc-nam-2024"
    page = author.get(f"/news/{draft}").get_data(as_text=True)
    assert "Bản nháp" in page and "Người đọc chưa thấy bài này" in page

    # Another editor may neither edit nor submit someone else's draft; the author may not publish.
    assert other.get(f"/news/{draft}/edit").status_code == 403
    assert post(other, f"/news/{draft}/submit").status_code == 403
    assert post(author, f"/news/{draft}/publish").status_code == 403
    assert post(author, f"/news/{draft}/submit", {"version": version(app, draft)}).status_code == 303
    assert article(app, draft).status == "submitted"
    assert author.get(f"/news/{draft}/edit").status_code == 403  # locked while under review
    assert post(author, f"/news/{draft}/send-back", {"comment": "x"}).status_code == 403

    # Sending back needs a reason; the author then sees it.
    post(reviewer, f"/news/{draft}/send-back", {"comment": "  "})
    assert article(app, draft).status == "submitted"
    post(reviewer, f"/news/{draft}/send-back", {"comment": "Bổ sung số liệu kết quả.", "version": version(app, draft)})
    returned = article(app, draft)
    assert returned.status == "draft" and returned.review_note == "Bổ sung số liệu kết quả."
    assert "Bổ sung số liệu kết quả." in author.get("/news/manage").get_data(as_text=True)
    assert "Bổ sung số liệu kết quả." in author.get(f"/news/{draft}").get_data(as_text=True)

    post(author, f"/news/{draft}/submit", {"version": version(app, draft)})
    assert "Hội nghị triển khai" in reviewer.get("/news/manage").get_data(as_text=True)
    assert publish(reviewer, app, draft).status_code == 303
    published = article(app, draft)
    assert published.status == "published" and published.review_note == ""
    title = "Hội nghị triển khai kế hoạch CCHC năm 2024"
    assert all(visible_everywhere(reader, draft, title, "hoi nghi trien khai").values())
    # Publishing twice is refused with a message, not an error page.
    again = publish(reviewer, app, draft)
    assert again.status_code == 303 and article(app, draft).status == "published"

    # Editors without the publish right cannot take it down; a reviewer can, and it vanishes everywhere.
    assert post(author, f"/news/{draft}/unpublish").status_code == 403
    assert post(reviewer, f"/news/{draft}/unpublish", {"version": version(app, draft)}).status_code == 303
    assert article(app, draft).status == "unpublished"
    assert not any(visible_everywhere(reader, draft, title, "hoi nghi trien khai").values())
    actions = [r.action for r in _revisions(app, draft)]
    assert actions == ["create", "submit", "send_back", "submit", "publish", "unpublish"]


def test_admin_reviews_and_editor_cannot_submit_empty_body(app, people):
    author, admin = logged_in(app, "tacgia"), logged_in(app, "quantri")
    draft = write_draft(author, body="")
    post(author, f"/news/{draft}/submit")
    assert article(app, draft).status == "draft"
    assert "chưa có nội dung" in author.get(f"/news/{draft}").get_data(as_text=True)
    post(author, f"/news/{draft}/edit", {"title": "Tin đã có nội dung", "body": BODY, "version": version(app, draft)})
    post(author, f"/news/{draft}/submit", {"version": version(app, draft)})
    assert publish(admin, app, draft).status_code == 303 and article(app, draft).status == "published"


def _revisions(app, article_id):
    with app.app_context():
        return list(db.session.scalars(db.select(ArticleRevision).where(ArticleRevision.article_id == article_id)
                                       .order_by(ArticleRevision.number)))


# Scheduling and expiry, checked when read

def test_scheduled_article_appears_on_time_and_expired_one_disappears(app, people, monkeypatch):
    author, reviewer, reader = logged_in(app, "tacgia"), logged_in(app, "duyet"), logged_in(app, "doc")
    draft = write_draft(author, title="Thông báo lịch tiếp công dân trực tuyến")
    now = clock.utcnow()
    monkeypatch.setattr(clock, "utcnow", lambda: now)
    # Vietnam time in the form: publish in 2 hours, expire after 2 days.
    start_vn = clock.to_vietnam(now + timedelta(hours=2))
    end_vn = clock.to_vietnam(now + timedelta(days=2))
    form = reviewer.get(f"/news/{draft}").get_data(as_text=True)
    assert 'placeholder="dd/mm/yyyy HH:MM"' in form and "datetime-local" not in form
    refused = publish(reviewer, app, draft, publish_at=start_vn.strftime("%m/%d/%Y %I:%M %p"))
    assert "nhập giờ:phút theo 24 giờ" in reviewer.get(refused.headers["Location"]).get_data(as_text=True)
    response = publish(reviewer, app, draft, publish_at=start_vn.strftime("%d/%m/%Y %H:%M"),
                       expires_at=end_vn.strftime("%d/%m/%Y %H:%M"))
    assert response.status_code == 303
    scheduled = article(app, draft)
    assert scheduled.status == "published" and scheduled.publish_at > now
    board = reviewer.get("/news/manage").get_data(as_text=True)
    row = board.split("Thông báo lịch tiếp công dân trực tuyến</a>")[1].split("</tr>")[0]
    assert "Hẹn giờ đăng" in row and "Đã đăng" not in row  # scheduled, not yet published
    title, word = "Thông báo lịch tiếp công dân trực tuyến", "lich tiep cong dan"
    assert not any(visible_everywhere(reader, draft, title, word).values())
    assert "hẹn giờ đăng" in reviewer.get(f"/news/{draft}").get_data(as_text=True)

    monkeypatch.setattr(clock, "utcnow", lambda: now + timedelta(hours=2, minutes=1))
    assert all(visible_everywhere(reader, draft, title, word).values())

    monkeypatch.setattr(clock, "utcnow", lambda: now + timedelta(days=2, minutes=1))
    # Two days on, sessions idle for more than 12 hours have ended: both log in again.
    reader, reviewer = logged_in(app, "doc"), logged_in(app, "duyet")
    assert not any(visible_everywhere(reader, draft, title, word).values())
    assert "hết hạn hiển thị" in reviewer.get(f"/news/{draft}").get_data(as_text=True)
    assert title in reviewer.get("/news/manage").get_data(as_text=True)


def test_expiry_before_publication_is_refused(app, people):
    author, reviewer = logged_in(app, "tacgia"), logged_in(app, "duyet")
    draft = write_draft(author)
    publish(reviewer, app, draft, publish_at="2030-01-02T08:00", expires_at="2030-01-01T08:00")
    assert article(app, draft).status == "draft"
    assert "hết hạn phải sau" in reviewer.get(f"/news/{draft}").get_data(as_text=True)
    publish(reviewer, app, draft, publish_at="ngày mai")
    assert article(app, draft).status == "draft"
    assert "Thời điểm đăng «ngày mai» không đúng dạng dd/mm/yyyy HH:MM" in reviewer.get(f"/news/{draft}").get_data(
        as_text=True)


# XSS

PAYLOADS = ['<script>alert("x1")</script>', '<img src=x onerror=alert("x2")>', '"><svg onload=alert("x3")>',
            "[bấm](javascript:alert('x4'))", '<a href="javascript:alert(5)">x5</a>', "<iframe src=//evil>"]


def _assert_inert(html: str):
    assert "<script>alert" not in html
    assert not re.search(r"<(img|svg)[^>]*\son\w+=", html, re.I)
    assert not re.search(r"""<a\s[^>]*href=["']?\s*javascript:""", html, re.I)
    assert "<iframe" not in html


def test_xss_payloads_are_inert_everywhere(app, people):
    author, reviewer, reader = logged_in(app, "tacgia"), logged_in(app, "duyet"), logged_in(app, "doc")
    payload = " ".join(PAYLOADS)
    draft = write_draft(author, title=f"Tin thử nghiệm {PAYLOADS[0]} {PAYLOADS[2]}",
                        body=f"Đoạn đầu {payload}\n\n{payload}",
                        summary=payload, source_line=payload[:290], cover_caption=payload[:290], author_name="Tác giả")
    post(author, f"/news/{draft}/edit", {"title": f"Tin thử nghiệm {PAYLOADS[1]}", "body": "Bản hai " + payload,
                                          "summary": payload, "version": version(app, draft)})
    publish(reviewer, app, draft)
    pages = ["/news/", f"/news/{draft}", "/", "/search?q=tin+thu+nghiem"]
    for path in pages:
        html = reader.get(path).get_data(as_text=True)
        assert re.search(r"thử(</mark>)? (<mark>)?nghiệm", html), path
        _assert_inert(html)
    for path in ("/news/manage", f"/news/{draft}/history", f"/news/{draft}/compare?a=1&b=2", f"/news/{draft}/edit"):
        response = reviewer.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        # The edit form shows the Markdown source (escaped inside the textarea), nothing executes.
        _assert_inert(html.replace("&lt;", "").split("<textarea")[0] + html.split("</textarea>")[-1])
    preview = post(author, "/news/preview", {"body": payload}).get_data(as_text=True)
    _assert_inert(preview)
    api = reader.get("/api/search", query_string={"q": "tin thu nghiem"}).get_json()
    assert api["total"] == 1
    snippet = api["results"][0]["snippet"]
    _assert_inert(snippet)
    assert "&lt;script&gt;" in snippet  # shown as text, escaped
    feed_xml = reader.get("/news/feed.atom").get_data(as_text=True)
    parsed = feedparser.parse(feed_xml)
    assert not parsed.bozo
    entry = parsed.entries[0]
    _assert_inert(entry.content[0].value)  # HTML content: sanitised
    assert entry.summary_detail.type == "text/plain"  # the summary is declared plain text: shown, never run


# Pictures

def _picture(fmt="PNG", size=(800, 600), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


def test_cover_checked_by_content_and_resized(app, people):
    author, reader, reviewer = logged_in(app, "tacgia"), logged_in(app, "doc"), logged_in(app, "duyet")
    upload_dir = app.config["UPLOAD_DIR"]
    refused = {
        "gia-anh.jpg": (b"<html><script>alert(1)</script></html>", "không phải là ảnh"),
        "anh.gif": (_picture("GIF"), "GIF"),
        "hong.jpg": (_picture("JPEG")[:400], "bị hỏng"),
        "rong.png": (b"", None),  # an empty file field means "no new cover"
        "qua-lon.png": (_picture("PNG", size=(9000, 5000)), "quá nhiều điểm ảnh"),
    }
    for name, (data, message) in refused.items():
        before = files_under(upload_dir)
        response = post(author, "/news/new", {"title": f"Tin có ảnh {name}", "body": BODY,
                                              "cover": (io.BytesIO(data), name)}, content_type="multipart/form-data")
        if message is None:
            assert response.status_code == 302
            continue
        assert response.status_code == 400, name
        html = response.get_data(as_text=True)
        assert message in html and f"Tin có ảnh {name}" in html  # the input is kept
        assert files_under(upload_dir) == before
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Article.id))) == 1

    # A PNG named .jpg is a valid picture: accepted by content, re-encoded, with a list-size copy.
    draft = write_draft(author, title="Tin có ảnh bìa",
                        cover=(io.BytesIO(_picture("PNG", size=(2400, 1200))), "bia.jpg"),
                        cover_caption="Toàn cảnh hội nghị")
    stored = article(app, draft)
    with Image.open(f"{upload_dir}/{stored.cover_name}") as full, \
            Image.open(f"{upload_dir}/{stored.cover_thumb_name}") as thumb:
        assert full.size == (1600, 800) and thumb.size == (480, 240)
    # Not readable before publication (not even by guessing the address), then readable.
    assert reader.get(f"/news/images/{stored.cover_name}").status_code == 404
    publish(reviewer, app, draft)
    picture = reader.get(f"/news/images/{stored.cover_thumb_name}")
    assert picture.status_code == 200 and picture.mimetype == "image/jpeg"
    assert stored.cover_thumb_name in reader.get("/news/").get_data(as_text=True)
    assert stored.cover_thumb_name in reader.get("/").get_data(as_text=True)
    assert "Toàn cảnh hội nghị" in reader.get(f"/news/{draft}").get_data(as_text=True)
    assert reader.get("/news/images/news/2024/01/khong-co.jpg").status_code == 404
    assert reader.get("/news/images/../secret_key").status_code == 404
    assert reader.get("/news/images/%2e%2e/%2e%2e/admin/users").status_code == 404


def test_body_picture_upload_and_figure_caption(app, people):
    author = logged_in(app, "tacgia")
    draft = write_draft(author)
    bad = post(author, f"/news/{draft}/images", {"file": (io.BytesIO(b"GIF89a....."), "a.png")},
               content_type="multipart/form-data", follow_redirects=True)
    assert "không phải là ảnh" in bad.get_data(as_text=True)
    ok = post(author, f"/news/{draft}/images", {"file": (io.BytesIO(_picture("WEBP")), "anh.webp")},
              content_type="multipart/form-data", follow_redirects=True)
    markdown = re.search(r"!\[Chú thích ảnh\]\((/news/images/[^)]+)\)", ok.get_data(as_text=True))
    assert markdown
    body = f"Mở đầu.\n\n![Đại biểu dự hội nghị]({markdown.group(1)})\n\n![ngoài](http://example.com/x.png)"
    post(author, f"/news/{draft}/edit", {"title": "Tin có ảnh", "body": body, "version": version(app, draft)})
    html = author.get(f"/news/{draft}").get_data(as_text=True)
    assert f'<img src="{markdown.group(1)}" alt="Đại biểu dự hội nghị">' in html
    assert "<figcaption>Đại biểu dự hội nghị</figcaption>" in html
    assert "example.com" not in html  # pictures from elsewhere are dropped (the intranet has no internet)


# Revisions, concurrency, views, list

def test_compare_and_restore_revisions(app, people):
    author, reviewer, reader = logged_in(app, "tacgia"), logged_in(app, "duyet"), logged_in(app, "doc")
    draft = write_draft(author, title="Tin bản một", body="Dòng chung\n\nCâu cũ về thủ tục")
    post(author, f"/news/{draft}/edit", {"title": "Tin bản hai", "body": "Dòng chung\n\nCâu mới về số hóa",
                                         "version": version(app, draft)})
    compare = author.get(f"/news/{draft}/compare?a=1&b=2").get_data(as_text=True)
    assert re.search(r"<del[^>]*>.*Câu cũ về thủ tục</del>", compare)
    assert re.search(r"<ins[^>]*>.*Câu mới về số hóa</ins>", compare)
    assert "Tin bản một" in compare and "Tin bản hai" in compare
    publish(reviewer, app, draft)
    assert search_titles(reader, "so hoa") == ["Tin bản hai"]
    # Published: reviewers only.
    assert post(author, f"/news/{draft}/restore/1", {"version": version(app, draft)}).status_code == 403
    assert post(reviewer, f"/news/{draft}/restore/1", {"version": version(app, draft)}).status_code == 303
    restored = article(app, draft)
    assert restored.title == "Tin bản một" and "Câu cũ về thủ tục" in restored.body_html
    assert restored.status == "published" and _revisions(app, draft)[-1].action == "restore"
    assert search_titles(reader, "so hoa") == [] and search_titles(reader, "thu tuc") == ["Tin bản một"]
    assert reader.get(f"/news/{draft}/history").status_code == 403


def test_concurrent_edit_is_refused_and_input_kept(app, people):
    author, reviewer = logged_in(app, "tacgia"), logged_in(app, "duyet")
    draft = write_draft(author)
    opened = version(app, draft)
    post(reviewer, f"/news/{draft}/edit", {"title": "Sửa bởi người duyệt", "body": BODY, "version": opened})
    late = post(author, f"/news/{draft}/edit",
                {"title": "Sửa của tác giả", "body": "Nội dung của tôi", "version": opened})
    assert late.status_code == 409
    html = late.get_data(as_text=True)
    assert "sau khi bạn mở trang" in html and "Nội dung của tôi" in html and "Sửa của tác giả" in html
    assert article(app, draft).title == "Sửa bởi người duyệt"


def test_view_counter_counts_readers_not_the_author(app, people):
    author, reviewer, reader = logged_in(app, "tacgia"), logged_in(app, "duyet"), logged_in(app, "doc")
    draft = write_draft(author)
    author.get(f"/news/{draft}")
    reviewer.get(f"/news/{draft}")  # not published yet: a preview is not a view
    publish(reviewer, app, draft)
    for _ in range(3):
        reader.get(f"/news/{draft}")
    author.get(f"/news/{draft}")
    reviewer.get(f"/news/{draft}")
    assert article(app, draft).view_count == 4
    assert "5 lượt xem" in reader.get(f"/news/{draft}").get_data(as_text=True)  # this view counted too
    assert version(app, draft) == 2  # created, published: counting views is not an edit (no conflict for editors)


def test_list_newest_first_filter_and_load_more(app, people, monkeypatch):
    author, reviewer, reader = logged_in(app, "tacgia"), logged_in(app, "duyet"), logged_in(app, "doc")
    start = clock.utcnow() - timedelta(days=30)
    for n in range(12):
        draft = write_draft(author, title=f"Tin số {n:02d}", fields=["3"] if n % 2 else ["7"])
        stamp = (clock.to_vietnam(start + timedelta(days=n))).strftime("%Y-%m-%dT%H:%M")
        publish(reviewer, app, draft, publish_at=stamp)
    html = reader.get("/news/").get_data(as_text=True)
    titles = re.findall(r"Tin số (\d\d)", html)
    assert titles == [f"{n:02d}" for n in range(11, 1, -1)]
    assert 'hx-get="/news/?page=2' in html and "Xem thêm" in html
    more = reader.get("/news/?page=2", headers={"HX-Request": "true"})
    fragment = more.get_data(as_text=True)
    assert "<html" not in fragment and re.findall(r"Tin số (\d\d)", fragment) == ["01", "00"]
    assert "Xem thêm" not in fragment and "HX-Request" in more.headers.get("Vary", "")
    full = reader.get("/news/?page=2").get_data(as_text=True)  # without JavaScript: a whole page
    assert "<html" in full and "Tin số 01" in full
    field_three = re.findall(r"Tin số (\d\d)", reader.get("/news/?field=3").get_data(as_text=True))
    assert field_three == ["11", "09", "07", "05", "03", "01"]


def test_article_links_document_numbers_the_reader_may_open(app, people, make_document):
    decree = make_document(number="107/2021/NĐ-CP", title="Sửa đổi cơ chế một cửa")
    make_document(number="15/BC-VPC", doc_type="Báo cáo", title="Báo cáo quý I", units=["VPC"])
    author, reviewer, reader = logged_in(app, "tacgia"), logged_in(app, "duyet"), logged_in(app, "doc")
    draft = write_draft(author,
                        body="Theo Nghị định 107/2021/NĐ-CP và Báo cáo 15/BC-VPC.\n\n`107/2021/NĐ-CP` trong mã.")
    publish(reviewer, app, draft)
    html = reader.get(f"/news/{draft}").get_data(as_text=True)
    assert f'<a class="doc-ref" href="/documents/{decree}">107/2021/NĐ-CP</a>' in html
    assert "15/BC-VPC" in html and "/documents/" + str(decree + 1) not in html  # restricted: plain text
    assert "<code>107/2021/NĐ-CP</code>" in html


def test_feed_is_valid_atom_with_live_entries_only(app, people):
    author, reviewer, reader = logged_in(app, "tacgia"), logged_in(app, "duyet"), logged_in(app, "doc")
    live = write_draft(author, title="Tin đã đăng & <kiểm tra>")
    write_draft(author, title="Tin còn nháp")
    publish(reviewer, app, live)
    response = reader.get("/news/feed.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.get_data())
    assert parsed.bozo == 0 and parsed.version == "atom10"
    assert parsed.feed.title and parsed.feed.id.startswith("tag:") and parsed.feed.updated
    assert [e.title for e in parsed.entries] == ["Tin đã đăng & <kiểm tra>"]
    entry = parsed.entries[0]
    assert entry.id.startswith("tag:") and entry.updated and entry.published and entry.author == "Phương Hiếu"
    assert entry.link.endswith(f"/news/{live}/tin-da-dang-kiem-tra")
    assert "cải cách hành chính" in entry.content[0].value
    # The feed needs a session like every page of the intranet.
    anonymous = app.test_client().get("/news/feed.atom")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_start_from_word_file_through_the_page(app, people):
    from tests.helpers import sample
    from tests.services.news.test_articles import _docx_with_picture

    author = logged_in(app, "tacgia")
    upload_dir = app.config["UPLOAD_DIR"]
    with open(sample("bao-cao-cu.doc"), "rb") as handle:
        refused = post(author, "/news/from-docx", {"file": (io.BytesIO(handle.read()), "bao-cao-cu.doc")},
                       content_type="multipart/form-data")
    assert refused.status_code == 400 and "định dạng cũ" in refused.get_data(as_text=True)
    assert files_under(upload_dir) == []
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/tin.docx"
        _docx_with_picture(path)
        with open(path, "rb") as handle:
            created = post(author, "/news/from-docx", {"file": (io.BytesIO(handle.read()), "tin.docx")},
                           content_type="multipart/form-data")
    assert created.status_code == 302 and created.headers["Location"].endswith("/edit")
    draft = int(re.search(r"/news/(\d+)/edit", created.headers["Location"]).group(1))
    stored = article(app, draft)
    assert stored.status == "draft" and stored.title == "Hội nghị sơ kết CCHC 6 tháng đầu năm"
    assert "99,22%" in author.get(f"/news/{draft}/edit").get_data(as_text=True)
    picture = re.search(r'src="(/news/images/[^"]+)"', stored.body_html).group(1)
    assert author.get(picture).status_code == 200
    assert logged_in(app, "doc").get(picture).status_code == 404  # a draft's pictures are not public


def test_feed_links_come_from_the_configured_base_url_not_the_host_header(app, people):
    app.config["BASE_URL"] = "https://cchc.thanhtra.gov.vn"
    author, reviewer, reader = logged_in(app, "tacgia"), logged_in(app, "duyet"), logged_in(app, "doc")
    live = write_draft(author, title="Tin có ảnh", body="![Ảnh hội nghị](/news/images/news/2024/05/"
                       + "a" * 32 + ".jpg)\n\nNội dung.")
    publish(reviewer, app, live)
    environ = EnvironBuilder(path="/news/feed.atom", headers={
        "Host": "ke-gia-mao.example", "Cookie": f"cchc_session={reader.get_cookie('cchc_session').value}"},
    ).get_environ()
    body, status, _headers = run_wsgi_app(app, environ, buffered=True)
    assert status.startswith("200")
    xml = b"".join(body).decode()
    assert "ke-gia-mao" not in xml
    parsed = feedparser.parse(xml)
    assert parsed.bozo == 0
    assert parsed.feed.id == "tag:cchc.thanhtra.gov.vn,2024:news"
    assert {link.href for link in parsed.feed.links} == {"https://cchc.thanhtra.gov.vn/news/feed.atom",
                                                         "https://cchc.thanhtra.gov.vn/news/"}
    entry = parsed.entries[0]
    assert entry.link == f"https://cchc.thanhtra.gov.vn/news/{live}/tin-co-anh"
    assert entry.id == f"tag:cchc.thanhtra.gov.vn,2024:news:{live}"
    assert 'src="https://cchc.thanhtra.gov.vn/news/images/news/2024/05/' in entry.content[0].value


def test_base_url_is_checked_when_the_app_starts(monkeypatch):
    from app.config import base_url_from_env

    monkeypatch.setenv("PORTAL_BASE_URL", "https://cchc.thanhtra.gov.vn/")
    assert base_url_from_env() == "https://cchc.thanhtra.gov.vn"
    monkeypatch.delenv("PORTAL_BASE_URL")
    assert base_url_from_env() == "http://127.0.0.1:5000"
    for wrong in ("cchc.thanhtra.gov.vn", "https://cchc.gov.vn/cong?x=1", "javascript:alert(1)"):
        monkeypatch.setenv("PORTAL_BASE_URL", wrong)
        with pytest.raises(RuntimeError, match="PORTAL_BASE_URL"):
            base_url_from_env()


def test_manage_lists_only_articles_the_editor_may_open(app, people, monkeypatch):
    author, other, reviewer = logged_in(app, "tacgia"), logged_in(app, "bientapkhac"), logged_in(app, "duyet")
    now = clock.utcnow()
    scheduled = write_draft(author, title="Lịch tiếp công dân tháng sau (hẹn giờ)")
    expiring = write_draft(author, title="Thông báo tạm thời sắp hết hạn")
    in_vietnam = lambda delta: clock.to_vietnam(now + delta).strftime("%Y-%m-%dT%H:%M")  # noqa: E731
    assert publish(reviewer, app, scheduled, publish_at=in_vietnam(timedelta(days=3))).status_code == 303
    assert publish(reviewer, app, expiring, expires_at=in_vietnam(timedelta(hours=1))).status_code == 303
    monkeypatch.setattr(clock, "utcnow", lambda: now + timedelta(hours=2))
    # Another editor cannot open either article, so the dashboard does not list them.
    for article_id in (scheduled, expiring):
        assert other.get(f"/news/{article_id}").status_code == 404
    board = other.get("/news/manage").get_data(as_text=True)
    assert "Lịch tiếp công dân tháng sau" not in board and "Thông báo tạm thời" not in board
    assert f"/news/{scheduled}" not in board and f"/news/{expiring}" not in board
    # Their author and the reviewers still see and open them.
    for client in (author, reviewer):
        board = client.get("/news/manage").get_data(as_text=True)
        assert "Lịch tiếp công dân tháng sau" in board and "Thông báo tạm thời sắp hết hạn" in board
        assert client.get(f"/news/{scheduled}").status_code == 200
