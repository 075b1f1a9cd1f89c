"""The home page per role: a focal point's unit tasks due and reports, an editor's drafts and
articles awaiting review, the reform office's follow-up; for everyone new documents and news,
never a document the reader may not open."""
from datetime import date

from app.extensions import db
from tests.helpers import logged_in
from tests.routes.test_reports import at_vietnam_time, submit


def _article(app, username, title, submitted=False):
    from app.models import User
    from app.services.news import articles as news

    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == username))
        article = news.create_article(news.ArticleData(title=title, summary="Tóm tắt.", body="Nội dung bài."), user)
        if submitted:
            news.submit(article, user)
        return article.id


def _blocks(html):
    return {name for name, marker in (("unit", 'id="home-unit-title"'), ("news", 'id="home-news-work-title"'),
                                      ("office", 'id="home-office-title"'), ("documents", 'id="home-documents-title"'),
                                      ("latest", 'id="home-news-title"')) if marker in html}


def test_focal_point_sees_unit_tasks_due_and_the_period_report(app, world, monkeypatch):
    at_vietnam_time(monkeypatch, 2024, 6, 20, 9)
    client = logged_in(app, "rep_vpc")
    html = client.get("/").get_data(as_text=True)
    assert _blocks(html) == {"unit", "documents", "latest"}
    assert "Việc của VPC" in html
    assert "Rà soát văn bản quy phạm pháp luật" in html  # VPC leads it, due 30/06/2024
    assert "Hệ thống hóa văn bản" not in html            # VP's task
    assert "Đơn giản hóa thủ tục hành chính" not in html  # TCCB's task, due in September
    assert "6 tháng/2024" in html and "Chưa nộp – còn 25 ngày" in html
    assert "Quý I/2024" in html and "Chưa nộp – quá hạn 66 ngày" in html  # an earlier report never sent

    # A report sent shows how it was sent while its period is the current one.
    at_vietnam_time(monkeypatch, 2024, 7, 14, 9)
    client = logged_in(app, "rep_vpc")  # a session unused for 12 hours has ended
    assert submit(client, world, "bao-cao-cchc-6-thang-2024-tcvn3.docx", kind="h1").status_code == 302
    html = client.get("/").get_data(as_text=True)
    assert "Đã nộp – đúng hạn" in html

    # Past the task's deadline: overdue; the next period's report is the one due.
    at_vietnam_time(monkeypatch, 2024, 7, 18, 9)
    client = logged_in(app, "rep_vpc")
    html = client.get("/").get_data(as_text=True)
    assert "Quá hạn 18 ngày" in html
    assert "9 tháng/2024" in html and "Chưa nộp – còn 89 ngày" in html and "Đã nộp" not in html


def test_cooperating_unit_sees_the_task_too_and_a_reader_has_no_work_blocks(app, world, monkeypatch):
    at_vietnam_time(monkeypatch, 2024, 9, 20, 9)
    html = logged_in(app, "rep_tccb").get("/").get_data(as_text=True)
    assert "Việc của TCCB" in html
    assert "Rà soát văn bản quy phạm pháp luật" in html and "Đơn giản hóa thủ tục hành chính" in html
    assert "9 tháng/2024" in html
    reader = logged_in(app, "reader_vpc").get("/").get_data(as_text=True)
    assert _blocks(reader) == {"documents", "latest"}


def test_editor_sees_own_drafts_and_submissions_publisher_what_awaits_review(app, world, make_user):
    make_user("duyettin", roles=["editor", "publisher"], unit="VP")
    _article(app, "editor_vpc", "Bản nháp về một cửa liên thông")
    _article(app, "editor_vpc", "Bài đã gửi về chuyển đổi số", submitted=True)
    make_user("bientap2", roles=["editor"], unit="VP")
    _article(app, "bientap2", "Bài của người khác chờ duyệt", submitted=True)

    html = logged_in(app, "editor_vpc").get("/").get_data(as_text=True)
    assert _blocks(html) == {"news", "documents", "latest"}
    assert "Bản nháp về một cửa liên thông" in html and "Bài đã gửi duyệt <span" in html
    assert "Bài đã gửi về chuyển đổi số" in html and "Bài của người khác chờ duyệt" not in html

    html = logged_in(app, "duyettin").get("/").get_data(as_text=True)
    assert "Chờ bạn duyệt <span class=\"count\">(2)</span>" in html
    assert "Bài đã gửi về chuyển đổi số" in html and "Bài của người khác chờ duyệt" in html
    assert "Bản nháp về một cửa liên thông" not in html  # another editor's draft


def test_reform_office_sees_the_follow_up_with_links(app, world, monkeypatch):
    at_vietnam_time(monkeypatch, 2024, 7, 10, 9)
    html = logged_in(app, "admin").get("/").get_data(as_text=True)
    assert _blocks(html) == {"office", "documents", "latest"}
    follow = f"/plans/{world.plan}/follow-up"
    assert "Đôn đốc – Kế hoạch 2337/KH-TTCP" in html and "Kỳ 6 tháng/2024, hạn nộp 15/07/2024" in html
    assert f'<a href="{follow}#cham">Nhiệm vụ chậm tiến độ / quá hạn: <strong>1</strong></a>' in html
    assert f'<a href="{follow}#chua-nop">Đơn vị chưa nộp báo cáo kỳ này: <strong>3</strong></a>' in html
    assert "(TCCB, VP, VPC)" in html and "Rà soát văn bản quy phạm pháp luật" in html
    # The follow-up page has the anchors the home page links to.
    page = logged_in(app, "admin").get(follow).get_data(as_text=True)
    for anchor in ("cham", "chua-nop", "nop-muon", "thieu-so-lieu"):
        assert f'id="{anchor}"' in page


def test_new_documents_only_those_the_reader_may_open_with_their_validity(app, world, make_document):
    make_document(number="61/2018/NĐ-CP", title="Về thực hiện cơ chế một cửa", status="Còn hiệu lực",
                  issued_on=date(2018, 4, 23))
    make_document(number="15/BC-VP", doc_type="Báo cáo", title="Báo cáo nội bộ của Văn phòng", units=["VP"],
                  issued_on=date(2024, 4, 10))
    html = logged_in(app, "reader_vpc").get("/").get_data(as_text=True)
    assert "Nghị định 61/2018/NĐ-CP" in html and '<span class="badge badge--valid">Còn hiệu lực</span>' in html
    assert "Báo cáo nội bộ của Văn phòng" not in html and "15/BC-VP" not in html
    assert "Báo cáo nội bộ của Văn phòng" in logged_in(app, "rep_vp").get("/").get_data(as_text=True)
