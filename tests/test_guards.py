"""Request guards over the whole portal: ids and integer parameters past the database's range,
control characters in any field or query, and body size limits checked before the body is read."""
from __future__ import annotations

import io
import re

import feedparser
import pytest
from werkzeug.routing import IntegerConverter
from werkzeug.test import EnvironBuilder, run_wsgi_app

from app.extensions import db
from app.guards import INT_QUERY_PARAMS
from tests.helpers import logged_in, login, page_token

# Past PostgreSQL's integer (2147483647) and past SQLite's 64-bit integer.
TOO_BIG = ["2147483648", "99999999999999999999999", "9" * 5000]


@pytest.fixture
def admin(app, make_user):
    make_user("quantri", roles=["admin"], unit="KHTCTH")
    return logged_in(app, "quantri")


def _message(response) -> str:
    return response.get_json()["error"] if response.is_json else response.get_data(as_text=True)


def _int_rules(app):
    return [rule for rule in app.url_map.iter_rules()
            if any(isinstance(conv, IntegerConverter) for conv in rule._converters.values())]


def _path(rule, value: str) -> str:
    path = re.sub(r"<int:\w+>", value, rule.rule)
    return re.sub(r"<(?:\w+:)?\w+>", "x", path)


def test_every_int_route_answers_404_for_ids_past_the_database_range(app, admin):
    rules = _int_rules(app)
    assert len(rules) > 30  # documents, revisions, relations, news, plans, tasks, updates, files, reports…
    token = page_token(admin)
    for rule in rules:
        for value in TOO_BIG:
            path = _path(rule, value)
            if "GET" in rule.methods:
                response = admin.get(path)
            else:
                response = admin.post(path, data={"csrf_token": token})
            assert response.status_code == 404, (path[:80], response.status_code)
            assert "không tồn tại" in _message(response)


def test_the_largest_database_id_is_still_an_ordinary_not_found(app, admin):
    assert admin.get("/documents/2147483647").status_code == 404
    assert admin.get("/documents/2147483647/revisions/2147483647").status_code == 404


def _pages_with_int_params(app, admin, make_document):
    """Every GET page without URL parts, and pages with parts that read integer parameters."""
    from app.services.plans import plans as plan_rules

    document = make_document(number="1/KH-TTCP", doc_type="Kế hoạch")
    with app.app_context():
        from app.models import User

        plan = plan_rules.create_plan(plan_rules.PlanData(year=2024, number="2/KH-TTCP", title="Kế hoạch"),
                                      db.session.get(User, 1))
        plan_id = plan.id
    token = page_token(admin)
    response = admin.post("/news/new", data={"csrf_token": token, "title": "Tin", "body": "Nội dung"})
    article_id = int(re.search(r"/news/(\d+)", response.headers["Location"]).group(1))
    skip = ("static", "health.healthz")  # /healthz reads no parameter at all
    pages = sorted(rule.rule for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and not rule.arguments and rule.endpoint not in skip)
    return pages + [f"/documents/{document}", f"/plans/{plan_id}", f"/plans/{plan_id}/follow-up",
                    f"/news/{article_id}/compare"]


def test_integer_query_parameters_past_the_range_are_refused_with_400(app, admin, make_document):
    pages = _pages_with_int_params(app, admin, make_document)
    for path in pages:
        for name in sorted(INT_QUERY_PARAMS):
            for value in TOO_BIG[:2]:
                response = admin.get(path, query_string={name: value, "q": "cải cách"})
                assert response.status_code == 400, (path, name, value, response.status_code)
                assert f"Tham số «{name}» quá lớn." in _message(response)
    # The API answers the same in JSON.
    assert admin.get("/api/documents?page=99999999999").get_json() == {"error": "Tham số «page» quá lớn."}


def test_integers_within_range_still_work_and_dates_past_any_calendar_are_a_message(app, admin):
    assert admin.get("/documents/?page=3&field=2147483647&year=2147483647").status_code == 200
    assert admin.get("/news/?page=2147483647&field=2147483647").status_code == 200
    assert admin.get("/search?q=cai+cach&from=99999999999999999999-01-01").status_code == 200  # ignored
    response = admin.get("/api/search?q=cai+cach&from=99999999999999999999-01-01")
    assert response.status_code == 400 and "Từ ngày «99999999999999999999-01-01» không đúng dạng dd/mm/yyyy" in \
        response.get_json()["error"]


# Control characters

CONTROL = "\x00\x01\x08\x1b\x7f\x85"


def test_control_characters_in_login_fields_are_removed(app, client, make_user):
    make_user("lan")
    token = page_token(client, "/login")
    response = client.post("/login", data={"csrf_token": token, "username": "l\x00an", "password":
                                           "mat-khau-thu-nghiem\x00"})
    assert response.status_code == 302  # the same account, not a server error
    stranger = app.test_client()
    token = page_token(stranger, "/login")
    response = stranger.post("/login", data={"csrf_token": token, "username": "\x00" * 3, "password": "x\x00"})
    assert response.status_code in (400, 401)
    assert "Vui lòng nhập tên đăng nhập" in response.get_data(as_text=True) \
        or "Trường này là bắt buộc" in response.get_data(as_text=True)


def test_control_characters_in_filters_and_search_are_removed(app, admin, make_document):
    make_document(number="5/QĐ-TTCP", doc_type="Quyết định", title="Quyết định về một cửa", issuer="Thanh tra")
    for path in ("/documents/", "/api/documents", "/search", "/api/search", "/api/search/suggest",
                 "/search/suggest", "/news/", "/admin/users"):
        response = admin.get(path, query_string={"q": "một\x00 cửa", "issuer": "Thanh\x00 tra", "number":
                                                 "5/QĐ\x00-TTCP", "status": "\x00", "type": "Quy\x1bết định"})
        assert response.status_code in (200, 400), (path, response.status_code)
    found = admin.get("/api/documents", query_string={"issuer": "Thanh\x00 tra", "number": "5/QĐ\x00-TTCP"})
    assert [d["number"] for d in found.get_json()["results"]] == ["5/QĐ-TTCP"]


def test_control_characters_in_titles_never_reach_the_database(app, admin):
    token = page_token(admin)
    response = admin.post("/documents/new", data={
        "csrf_token": token, "action": "save", "category": "reform", "doc_type": "Báo cáo", "status": "",
        "number": "7/BC\x00-VPC",
        "title": "Báo cáo\x00 tình hình\x1b thực hiện\x0cquý I", "visibility": "all",
        "body": "Dòng 1\r\nDòng\x002\tcột",
    })
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Báo cáo tình hình thực hiện quý I" in page
    with app.app_context():
        from app.models import Document

        document = db.session.scalar(db.select(Document))
        assert (document.number, document.title) == ("7/BC-VPC", "Báo cáo tình hình thực hiện quý I")
        assert document.body == "Dòng 1\r\nDòng2\tcột" or document.body == "Dòng 1\nDòng2\tcột"
        assert not any(ch in document.title + document.body for ch in CONTROL)


def test_news_titles_with_control_characters_keep_the_feed_well_formed(app, make_user):
    make_user("duyet", roles=["editor", "publisher"], unit="VP")
    reviewer = logged_in(app, "duyet")
    token = page_token(reviewer)
    response = reviewer.post("/news/new", data={"csrf_token": token, "title": "Tin\x00 \x1bmới\x08",
                                                "summary": "Tóm\x0b tắt", "body": "Nội\x01 dung"})
    article_id = int(re.search(r"/news/(\d+)", response.headers["Location"]).group(1))
    with app.app_context():  # and a title that came in some other way (an import, a database fix)
        from app.models import Article

        db.session.get(Article, article_id).summary = "Tóm tắt\x01 có\x1b ký tự điều khiển"
        db.session.commit()
    reviewer.post(f"/news/{article_id}/publish", data={"csrf_token": token})
    parsed = feedparser.parse(reviewer.get("/news/feed.atom").get_data())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert [e.title for e in parsed.entries] == ["Tin mới"]
    assert parsed.entries[0].summary == "Tóm tắt có ký tự điều khiển"


def test_control_characters_in_url_parts_are_not_found(admin):
    assert admin.get("/news/images/news%00.jpg").status_code == 404


# Body size

def _big_form(size: int) -> dict:
    return {"body": "x" * size}


def test_markdown_preview_refuses_a_body_past_the_form_limit(app, make_user):
    make_user("bientap", roles=["editor"], unit="VP")
    editor = logged_in(app, "bientap")
    token = page_token(editor)
    response = editor.post("/news/preview", data={"csrf_token": token, "body": "# Tiêu đề\n" + "chữ " * 800_000})
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "Nội dung gửi lên vượt quá giới hạn cho phép (2 MB)" in text and 'lang="vi"' in text
    # htmx gets the message alone, for app.js to show.
    response = editor.post("/news/preview", data={"body": "chữ " * 800_000},
                           headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 413 and response.mimetype == "text/plain"
    assert response.get_data(as_text=True).startswith("Nội dung gửi lên vượt quá giới hạn cho phép (2 MB)")
    # A long but allowed article still previews.
    assert editor.post("/news/preview", data={"csrf_token": token, "body": "chữ " * 1000}).status_code == 200


def test_preview_of_a_body_longer_than_an_article_may_be_says_so(app, make_user):
    make_user("bientap", roles=["editor"], unit="VP")
    editor = logged_in(app, "bientap")
    token = page_token(editor)
    response = editor.post("/news/preview", data={"csrf_token": token, "body": "chữ " * 60_000})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Nội dung bài quá dài" in text and "chữ chữ" not in text


def test_forms_are_limited_and_upload_routes_take_files(app, admin, world_unit_task):
    token = page_token(admin)
    # An ordinary form: a few megabytes are refused before anything is saved.
    response = admin.post("/admin/units", data={"csrf_token": token, "code": "X1", "name": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "X1" not in admin.get("/admin/units").get_data(as_text=True)
    # An upload route takes a 3 MB evidence file (the upload rules decide, not the form limit).
    reporter = logged_in(app, "daumoi")
    response = reporter.post(f"/plans/tasks/{world_unit_task}/updates", data={
        "csrf_token": page_token(reporter), "status": "in_progress", "percent": "40",
        "done": "Đã số hóa 1.200 hồ sơ", "figures": "1.200 hồ sơ",
        "attachments": (io.BytesIO(b"x" * (3 * 1024 * 1024)), "so-lieu.txt"),
    }, content_type="multipart/form-data")
    assert response.status_code != 413


@pytest.fixture
def world_unit_task(app, make_user):
    from app.services.plans import plans as plan_rules

    make_user("daumoi", roles=["reporter", "reader"], unit="VPC")
    with app.app_context():
        from app.models import ReformField, Unit, User

        creator = db.session.scalar(db.select(User).where(User.username == "quantri"))
        plan = plan_rules.create_plan(plan_rules.PlanData(year=2024, number="9/KH-TTCP", title="Kế hoạch"), creator)
        vpc = db.session.scalar(db.select(Unit).where(Unit.code == "VPC"))
        field = db.session.scalar(db.select(ReformField).order_by(ReformField.position))
        task = plan_rules.add_task(plan, plan_rules.TaskData(code="1.1", title="Số hóa hồ sơ", field_id=field.id,
                                                             lead_unit_id=vpc.id))
        return task.id


def test_anonymous_bodies_are_tiny_except_the_login_form(app, client, make_user):
    make_user("lan")
    response = client.post("/admin/units", data=_big_form(10_000))
    assert response.status_code == 413
    assert "chưa đăng nhập hoặc phiên làm việc đã hết hạn" in response.get_data(as_text=True)
    token = page_token(client, "/login")
    too_long = client.post("/login", data={"csrf_token": token, "username": "lan", "password": "x" * 20_000})
    assert too_long.status_code == 413
    assert login(client, "lan").status_code == 302


class _Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def _raw_post(app, client, path, stream, length=None, token=""):
    """POST ``stream`` to ``path`` as ``client`` straight through WSGI (no test-client buffering):
    ``length`` is the declared Content-Length, None for a streamed body without one."""
    environ = EnvironBuilder(path=path, method="POST", content_type="application/x-www-form-urlencoded",
                             headers={"X-CSRFToken": token}).get_environ()
    cookie = client.get_cookie("cchc_session")
    environ["HTTP_COOKIE"] = f"cchc_session={cookie.value}" if cookie else ""
    environ["wsgi.input"] = stream
    if length is None:
        environ.pop("CONTENT_LENGTH", None)
        environ["wsgi.input_terminated"] = True
    else:
        environ["CONTENT_LENGTH"] = str(length)
    _body, status, _headers = run_wsgi_app(app, environ, buffered=True)
    return int(status.split()[0])


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read(app, admin):
    token = page_token(admin)
    for path, length in (("/news/preview", 3 * 1024 * 1024), ("/login", 100_000),
                         ("/documents/new", 60 * 1024 * 1024)):
        assert _raw_post(app, admin, path, _Unreadable(), length, token) == 413, path
    assert _raw_post(app, app.test_client(), "/documents/new", _Unreadable(), 10_000) == 413


def test_a_streamed_body_without_length_stops_at_the_limit(app, admin):
    token = page_token(admin)
    body = ("csrf_token=" + token + "&body=" + "x" * (3 * 1024 * 1024)).encode()
    assert _raw_post(app, admin, "/news/preview", io.BytesIO(body), None, token) == 413
    small = ("csrf_token=" + token + "&body=" + "x" * 1000).encode()
    assert _raw_post(app, admin, "/news/preview", io.BytesIO(small), None, token) == 200
