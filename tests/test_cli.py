"""The ``flask --app wsgi`` commands: units, users, demo."""
from app import clock
from app.extensions import db
from app.models import Unit, User
from tests.helpers import login


def test_units_and_users_create(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["units", "create", "vpc", "Vụ Pháp chế"])
    assert result.exit_code == 0, result.output
    assert "VPC" in result.output
    result = runner.invoke(args=["units", "create", "VPC", "Trùng"])
    assert result.exit_code != 0 and "đã tồn tại" in result.output

    result = runner.invoke(args=["users", "create", "lan", "--password", "mat-khau-dai", "--role", "reporter",
                                 "--role", "reader", "--unit", "VPC", "--full-name", "Nguyễn Thị Lan"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "create", "hoa", "--password", "mat-khau-dai", "--unit", "KHONGCO"])
    assert result.exit_code != 0 and "Không có đơn vị" in result.output
    result = runner.invoke(args=["users", "create", "hoa", "--password", "mat-khau-dai", "--role", "boss"])
    assert result.exit_code != 0
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "lan"))
        assert user.unit.code == "VPC" and user.role_names == {"reporter", "reader"}
    assert login(client, "lan", "mat-khau-dai").status_code == 302


def test_demo_loads_once_and_prints_logins(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    for username in ("quantri", "bientap", "daumoi.vpc", "congchuc"):
        assert username in first.output
    with app.app_context():
        units = db.session.scalar(db.select(db.func.count(Unit.id)))
        users = db.session.scalar(db.select(db.func.count(User.id)))
        names = set(db.session.scalars(db.select(Unit.name)))
        roles = {r for u in db.session.scalars(db.select(User)) for r in u.role_names}
    assert {"Vụ Pháp chế", "Vụ Tổ chức Cán bộ", "Vụ Kế hoạch, Tài chính và Tổng hợp",
            "Ban Tiếp công dân Trung ương", "Viện Chiến lược và Khoa học Thanh tra", "Trường Cán bộ Thanh tra",
            "Báo Thanh tra", "Tạp chí Thanh tra"} <= names
    assert roles == {"reader", "editor", "publisher", "reporter", "admin"}
    with app.app_context():
        from app.models import Article
        from app.models.news import DRAFT, PUBLISHED

        articles = list(db.session.scalars(db.select(Article).order_by(Article.publish_at)))
        now = clock.utcnow()
        live = [a for a in articles if a.is_live(now)]
        assert len(live) >= 5 and live[0].title.startswith("Rà soát các tiêu chí bị trừ điểm")
        assert clock.to_vietnam(live[0].publish_at).date().isoformat() == "2017-06-20"
        assert {a.source_line for a in live} >= {"Nguồn: Báo Cao Bằng", "Nguồn: Vietnam Business Forum"}
        assert all(a.cover_name for a in live)
        assert [a.status for a in articles if a.status == PUBLISHED and a.publish_at > now] == [PUBLISHED]
        assert [a.review_note != "" for a in articles if a.status == DRAFT] == [True]
        news_count = len(articles)
    # The demo's work is on the audit page, done by its admin where a person did it.
    admin = app.test_client()
    password = first.output.split("quantri")[1].split("/")[1].strip()
    assert login(admin, "quantri", password).status_code == 302
    log = admin.get("/admin/audit?action=news").get_data(as_text=True)
    # six rows (five published, one scheduled) by the demo's reviewer, and the filter's option
    assert log.count("Xuất bản tin") == 6 + 1 and "duyettin" in log
    tasks = admin.get("/admin/audit?action=task.create&actor=quantri").get_data(as_text=True)
    assert "40 mục" in tasks and "2337/KH-TTCP – nhiệm vụ 7.5" in tasks
    assert "Tạo kế hoạch" in admin.get("/admin/audit?action=plan.create&actor=quantri").get_data(as_text=True)
    unit_log = admin.get("/admin/audit?action=unit.create").get_data(as_text=True)
    assert "(dòng lệnh)" in unit_log and "9 mục" in unit_log
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Unit.id))) == units
        assert db.session.scalar(db.select(db.func.count(User.id))) == users
        assert db.session.scalar(db.select(db.func.count(Article.id))) == news_count
    # The printed password works.
    password = first.output.split("quantri")[1].split("/")[1].strip()
    assert login(app.test_client(), "quantri", password).status_code == 302


def test_refusals_exit_with_their_kinds_status(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["units", "create", "vpc", "Vụ Pháp chế"]).exit_code == 0
    duplicate = runner.invoke(args=["units", "create", "VPC", "Trùng"])
    assert duplicate.exit_code == 65 and "Error: Mã đơn vị VPC đã tồn tại." in duplicate.output  # Invalid
    unknown = runner.invoke(args=["users", "set-password", "khongco", "--password", "bong-sen-ven-ho-1"])
    assert unknown.exit_code == 66 and "Không có tài khoản khongco" in unknown.output  # NotFound


def test_users_create_with_an_address_and_a_bad_one_saves_nothing(app):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["users", "create", "lan", "--password", "mat-khau-dai",
                                  "--email", " lan@thanhtra.gov.vn "])
    assert created.exit_code == 0, created.output
    refused = runner.invoke(args=["users", "create", "hoa", "--password", "mat-khau-dai", "--email", "hoa@"])
    assert refused.exit_code == 65 and "Error: «hoa@» không phải là một địa chỉ e-mail." in refused.output
    with app.app_context():
        assert dict(db.session.execute(db.select(User.username, User.email)).all()) == {
            "lan": "lan@thanhtra.gov.vn"}
