"""The news editor never loses work: autosave (a revision only when something changed, never a
"concurrent edit" for the editor's own next save, never on a live article), pictures uploaded
without touching the text being written, with and without JavaScript."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from app.extensions import db
from app.models import Article, ArticleRevision
from tests.helpers import logged_in
from tests.routes.test_news import article, post, publish, version, write_draft

HTMX = {"HX-Request": "true"}


@pytest.fixture
def people(make_user):
    """An editor and a reviewer (editor with the publish right)."""
    make_user("tacgia", roles=("editor", "reader"), unit="VP", full_name="Phương Hiếu")
    make_user("duyet", roles=("editor", "publisher", "reader"), unit="VP", full_name="Người Duyệt")


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (30, 120, 60)).save(out, "PNG")
    return out.getvalue()


def revisions(app, article_id) -> list[tuple[str, str]]:
    with app.app_context():
        found = db.select(ArticleRevision).where(ArticleRevision.article_id == article_id)
        return [(r.action, r.snapshot["body"]) for r in db.session.scalars(found.order_by(ArticleRevision.number))]


def autosave(client, app, article_id, body, title="Tin tự lưu", expected=None):
    return post(client, f"/news/{article_id}/autosave",
                {"title": title, "body": body, "version": expected or version(app, article_id)}, headers=HTMX)


def test_autosave_keeps_changes_in_one_revision_and_the_next_save_is_not_a_conflict(app, people):
    author = logged_in(app, "tacgia")
    draft = write_draft(author, title="Tin tự lưu", body="Bản đầu.")
    opened = version(app, draft)

    first = autosave(author, app, draft, "Bản đầu.\n\nĐoạn thêm.", expected=opened)
    page = first.get_data(as_text=True)
    assert first.status_code == 200 and "Đã tự động lưu bản nháp lúc" in page
    new_version = int(re.search(r'id="version" name="version" value="(\d+)" hx-swap-oob="true"', page).group(1))
    assert new_version == version(app, draft) == opened + 1
    # Nothing new: nothing written, the version stays, no out-of-band version.
    same = autosave(author, app, draft, "Bản đầu.\n\nĐoạn thêm.", expected=new_version)
    assert "hx-swap-oob" not in same.get_data(as_text=True) and version(app, draft) == new_version
    # More typing: the same autosave revision, brought up to date.
    autosave(author, app, draft, "Bản đầu.\n\nĐoạn thêm.\n\nĐoạn ba.", expected=new_version)
    assert revisions(app, draft) == [("create", "Bản đầu."), ("autosave", "Bản đầu.\n\nĐoạn thêm.\n\nĐoạn ba.")]

    # The editor's own save with the version the page now holds is no concurrent edit.
    saved = post(author, f"/news/{draft}/edit", {"title": "Tin tự lưu", "body": "Bản cuối.",
                                                 "version": version(app, draft)})
    assert saved.status_code == 302
    assert [action for action, _ in revisions(app, draft)] == ["create", "autosave", "edit"]
    assert "Tự động lưu" in author.get(f"/news/{draft}/history").get_data(as_text=True)


def test_autosave_stops_after_someone_else_saved_and_never_touches_a_live_article(app, people):
    author, reviewer = logged_in(app, "tacgia"), logged_in(app, "duyet")
    draft = write_draft(author, title="Tin tự lưu", body="Bản đầu.")
    stale = version(app, draft)
    post(reviewer, f"/news/{draft}/edit", {"title": "Tin tự lưu", "body": "Người duyệt sửa.", "version": stale})
    refused = autosave(author, app, draft, "Tác giả gõ tiếp.", expected=stale).get_data(as_text=True)
    assert "Đã ngừng tự động lưu" in refused and "hx-post" not in refused
    assert article(app, draft).body == "Người duyệt sửa."

    publish(reviewer, app, draft)
    live = version(app, draft)
    page = reviewer.get(f"/news/{draft}/edit").get_data(as_text=True)
    assert "chỉ được lưu khi bấm «Lưu bản nháp»" in page and "/autosave" not in page
    refused = autosave(reviewer, app, draft, "Nửa câu đang gõ", expected=live).get_data(as_text=True)
    assert "không tự động lưu" in refused
    assert article(app, draft).body == "Người duyệt sửa." and version(app, draft) == live


def test_autosave_of_a_new_article_creates_the_draft_once_it_has_a_title(app, people):
    author = logged_in(app, "tacgia")
    untitled = post(author, "/news/autosave", {"title": "", "body": "Chưa có tiêu đề"}, headers=HTMX)
    assert "bài cần có tiêu đề" in untitled.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Article.id))) == 0
    created = post(author, "/news/autosave", {"title": "Tin mới tự lưu", "body": "Nội dung"}, headers=HTMX)
    with app.app_context():
        new = db.session.scalar(db.select(Article))
        assert (new.title, new.body, new.status) == ("Tin mới tự lưu", "Nội dung", "draft")
    assert created.headers["HX-Replace-Url"] == f"/news/{new.id}/edit"
    page = created.get_data(as_text=True)
    assert f'hx-post="/news/{new.id}/autosave"' in page and f'data-edit-url="/news/{new.id}/edit"' in page
    assert f'hx-post="/news/{new.id}/images"' in page  # the picture panel, out of band


def test_a_picture_uploaded_with_htmx_comes_back_with_its_line_and_caption(app, people):
    author = logged_in(app, "tacgia")
    draft = write_draft(author, title="Tin có ảnh", body="Mở đầu.")
    answer = post(author, f"/news/{draft}/images", {"file": (io.BytesIO(_png()), "hoi-nghi.png"),
                                                   "caption": "Toàn cảnh [hội nghị]"},
                  content_type="multipart/form-data", headers=HTMX)
    page = answer.get_data(as_text=True)
    line = re.search(r'data-insert-markdown="(!\[Toàn cảnh \(hội nghị\)\]\(/news/images/[^)"]+\))"', page)
    assert answer.status_code == 200 and line
    assert 'hx-swap-oob="beforeend:#image-list"' in page
    assert article(app, draft).body == "Mở đầu."  # the text is the editor's business
    bad = post(author, f"/news/{draft}/images", {"file": (io.BytesIO(b"not a picture"), "x.png")},
               content_type="multipart/form-data", headers=HTMX).get_data(as_text=True)
    assert 'role="alert"' in bad and "data-insert-markdown" not in bad


def test_a_picture_without_javascript_keeps_everything_typed(app, people):
    author = logged_in(app, "tacgia")
    draft = write_draft(author, title="Tiêu đề đã lưu", body="Nội dung đã lưu.")
    answer = post(author, f"/news/{draft}/edit", {
        "action": "picture", "title": "Tiêu đề đang sửa", "body": "Nội dung đang sửa.", "version": version(app, draft),
        "file": (io.BytesIO(_png()), "anh.png"), "caption": "Đại biểu dự hội nghị"},
        content_type="multipart/form-data")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "Tiêu đề đang sửa" in page
    assert re.search(r"Nội dung đang sửa\.\n\n!\[Đại biểu dự hội nghị\]\(/news/images/[^)]+\)", page)
    assert "Bài chưa được lưu" in page
    saved = article(app, draft)
    assert (saved.title, saved.body) == ("Tiêu đề đã lưu", "Nội dung đã lưu.")
    with app.app_context():
        assert len(db.session.get(Article, draft).images) == 1
