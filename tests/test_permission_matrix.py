"""Who gets what, role by role, on the pages where restricted content could escape: document
revisions and history, relations between documents, evidence files of progress updates, and the
news management pages. One row per route; each role sees the status the table says, never a 500.

Roles: anonymous; readers of TCCB (outside) and VPC (inside the restricted documents' unit); a
news editor of VP and one of VPC; an editor with the publish right; a VPC reporter (who posted the
evidence); an admin.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from app import clock
from app.extensions import db
from tests.helpers import login, page_token

ROLES = {
    "doc_tccb": (("reader",), "TCCB"),
    "doc_vpc": (("reader",), "VPC"),
    "bientap_vp": (("editor", "reader"), "VP"),
    "bientap_vpc": (("editor", "reader"), "VPC"),
    "duyet": (("editor", "publisher", "reader"), "VP"),
    "daumoi_vpc": (("reporter", "reader"), "VPC"),
    "quantri": (("admin",), "KHTCTH"),
}
ALL = ["anonymous", *ROLES]


def row(default, **by_role):
    """Expected status per role: ``default`` for the logged-in roles not named, 302 for anonymous."""
    expected = {role: default for role in ROLES}
    expected["anonymous"] = 302
    expected.update(by_role)
    return expected


# (method, route pattern, expected status per role). POSTs that change something come last, in
# an order where a refusal never depends on an earlier success.
MATRIX = [
    # Revisions: revision 1 of "opened" was restricted to VPC, revision 2 is for everyone.
    ("GET", "/documents/{opened}/revisions/1", row(404, doc_vpc=200, bientap_vpc=200, daumoi_vpc=200, quantri=200)),
    ("GET", "/documents/{opened}/revisions/2", row(200)),
    ("GET", "/documents/{opened}/history", row(200)),
    ("GET", "/documents/{secret}/revisions/1", row(404, doc_vpc=200, bientap_vpc=200, daumoi_vpc=200, quantri=200)),
    ("GET", "/documents/{secret}/history", row(404, doc_vpc=200, bientap_vpc=200, daumoi_vpc=200, quantri=200)),
    ("GET", "/documents/{public}/revisions/1", row(200)),
    # Evidence: the first file is the restricted report, the second a table of figures.
    ("GET", "/plans/updates/{update}/files/{secret_file}",
     row(404, doc_vpc=200, bientap_vpc=200, daumoi_vpc=200, quantri=200)),
    ("GET", "/plans/updates/{update}/files/{open_file}", row(200)),
    ("GET", "/plans/updates/{update}/files/{missing}", row(404)),
    # News management: the draft and the scheduled article are bientap_vp's.
    ("GET", "/news/manage", row(403, bientap_vp=200, bientap_vpc=200, duyet=200, quantri=200)),
    ("GET", "/news/{scheduled}", row(404, bientap_vp=200, duyet=200, quantri=200)),
    ("GET", "/news/{draft}", row(404, bientap_vp=200, duyet=200, quantri=200)),
    ("GET", "/news/{draft}/history", row(403, bientap_vp=200, bientap_vpc=404, duyet=200, quantri=200)),
    ("GET", "/news/{draft}/compare?a=1&b=1", row(403, bientap_vp=200, bientap_vpc=404, duyet=200, quantri=200)),
    ("GET", "/news/{draft}/edit", row(403, bientap_vp=200, duyet=200, quantri=200)),
    ("POST", "/news/{draft}/publish", row(403, duyet=303, quantri=303)),
    # Relations: "hidden" links the secret report to a public decree; "plain" two public documents.
    ("POST", "/documents/{public}/relations/{missing}/delete", row(403, bientap_vp=404, bientap_vpc=404,
                                                                  duyet=404, quantri=404)),
    ("POST", "/documents/{public}/relations/{hidden}/delete", row(403, bientap_vp=404, bientap_vpc=302,
                                                                 duyet=404, quantri=302)),
    ("POST", "/documents/{public}/relations/{plain}/delete", row(403, bientap_vp=302, bientap_vpc=302,
                                                                duyet=302, quantri=302)),
]


def _official_docx(path) -> str:
    import docx

    document = docx.Document()
    for line in ("THANH TRA CHÍNH PHỦ", "VỤ PHÁP CHẾ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "Số: 15/BC-VPC", "Hà Nội, ngày 10 tháng 4 năm 2024", "BÁO CÁO",
                 "Kết quả kiểm tra nội bộ", "Nội dung chỉ Vụ Pháp chế được xem."):
        document.add_paragraph(line)
    document.save(str(path))
    return str(path)


@pytest.fixture
def ids(app, make_user, make_unit, tmp_path):
    """Build the world the matrix reads; return the ids its routes are filled with."""
    for code in ("VPC", "TCCB", "VP", "KHTCTH"):
        make_unit(code)
    users = {name: make_user(name, roles=roles, unit=unit) for name, (roles, unit) in ROLES.items()}
    report = _official_docx(tmp_path / "15-bc-vpc.docx")
    with app.app_context():
        from app.models import DOCUMENT_TYPES, Document, ReformField, Unit, User
        from app.services import uploads
        from app.services.library import documents as library
        from app.services.news import articles as news
        from app.services.plans import plans as plan_rules
        from app.services.plans import progress

        admin = db.session.get(User, users["quantri"])
        vpc = db.session.scalar(db.select(Unit).where(Unit.code == "VPC"))

        def document(number, doc_type="Nghị định", units=(), files=(), body="Nội dung."):
            data = library.DocumentData(category=DOCUMENT_TYPES[doc_type][0], doc_type=doc_type, number=number,
                                        title=f"Văn bản {number}", issuer="Thanh tra Chính phủ", body=body,
                                        visibility="units" if units else "all", unit_ids=[u.id for u in units])
            return library.create_document(data, admin, [uploads.accept_path(f) for f in files])

        public = document("61/2018/NĐ-CP")
        other = document("107/2021/NĐ-CP")
        secret = document("15/BC-VPC", "Báo cáo", units=[vpc], files=[report])
        opened = document("16/BC-VPC", "Báo cáo", units=[vpc], body="Bản mật: 3 sai phạm.")
        data = library.DocumentData(category=opened.category, doc_type=opened.doc_type, number=opened.number,
                                    title=opened.title, issuer=opened.issuer, body="Bản công khai.")
        library.update_document(opened, data, admin, opened.version)
        hidden = library.add_relation(db.session.get(Document, secret.id), db.session.get(Document, public.id),
                                      "based_on", admin)
        plain = library.add_relation(db.session.get(Document, other.id), db.session.get(Document, public.id),
                                     "amends", admin)

        plan = plan_rules.create_plan(plan_rules.PlanData(year=2024, number="2337/KH-TTCP", title="Kế hoạch"), admin)
        field = db.session.scalar(db.select(ReformField).order_by(ReformField.position))
        task = plan_rules.add_task(plan, plan_rules.TaskData(code="1.1", title="Kiểm tra nội bộ", field_id=field.id,
                                                             lead_unit_id=vpc.id))
        figures = tmp_path / "so-lieu.txt"
        figures.write_text("37/52 văn bản", encoding="utf-8")
        update = progress.post_update(task, db.session.get(User, users["daumoi_vpc"]), progress.UpdateData(
            status="in_progress", percent=40, done="Đã kiểm tra 37/52 văn bản", figures="37/52"),
            [uploads.accept_path(report, "bao-cao.docx"), uploads.accept_path(str(figures))])

        writer = db.session.get(User, users["bientap_vp"])
        draft = news.create_article(news.ArticleData(title="Bản nháp", body="Nội dung nháp."), writer)
        scheduled = news.create_article(news.ArticleData(title="Bài hẹn giờ", body="Nội dung hẹn giờ."), writer)
        news.publish(scheduled, db.session.get(User, users["duyet"]), clock.utcnow() + timedelta(days=3))
        return {"public": public.id, "secret": secret.id, "opened": opened.id, "hidden": hidden.id,
                "plain": plain.id, "update": update.id, "secret_file": update.attachments[0].id,
                "open_file": update.attachments[1].id, "draft": draft.id, "scheduled": scheduled.id,
                "missing": 999_999}


@pytest.mark.parametrize("role", ALL)
def test_permission_matrix(app, ids, role):
    client = app.test_client()
    if role != "anonymous":
        assert login(client, role).status_code == 302
    token = page_token(client, "/login" if role == "anonymous" else "/")
    seen = {}
    for method, pattern, expected in MATRIX:
        path = pattern.format(**ids)
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, data={"csrf_token": token, "version": ""})
        seen[f"{method} {pattern}"] = (response.status_code, expected[role])
    wrong = {route: statuses for route, statuses in seen.items() if statuses[0] != statuses[1]}
    assert not wrong, f"{role}: (got, expected) {wrong}"


def test_news_management_lists_only_what_each_role_may_open(app, ids):
    for role, sees_scheduled in (("bientap_vp", True), ("bientap_vpc", False), ("duyet", True), ("quantri", True)):
        client = app.test_client()
        login(client, role)
        board = client.get("/news/manage").get_data(as_text=True)
        assert ("Bài hẹn giờ" in board) is sees_scheduled, role
        assert (f"/news/{ids['scheduled']}" in board) is sees_scheduled, role
