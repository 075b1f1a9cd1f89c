"""Who may do what in the plan area: every route, each role, own unit and other unit."""
import pytest

from tests.helpers import logged_in, page_token


def view_routes(w):
    return ["/plans/", "/plans/mine", f"/plans/{w.plan}", f"/plans/tasks/{w.task}",
            f"/plans/{w.plan}/fields/1/summary", "/plans/reports/"]


def admin_routes(w):
    return ["/plans/new", f"/plans/{w.plan}/edit", f"/plans/{w.plan}/periods", f"/plans/{w.plan}/tasks/new",
            f"/plans/tasks/{w.task}/edit", f"/plans/{w.plan}/overview", f"/plans/{w.plan}/overview.xlsx",
            f"/plans/{w.plan}/follow-up", f"/plans/{w.plan}/import", "/plans/import-template.xlsx",
            "/plans/import-template.csv"]


@pytest.mark.parametrize("name", ["admin", "rep_vpc", "rep_tccb", "rep_vp", "reader_vpc", "editor_vpc"])
def test_every_logged_in_user_reads_plans_tasks_and_progress(app, world, name):
    client = logged_in(app, name)
    for url in view_routes(world):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("name,status", [("admin", 200), ("rep_vpc", 403), ("rep_tccb", 403), ("rep_vp", 403),
                                         ("reader_vpc", 403), ("editor_vpc", 403)])
def test_only_admins_manage_plans_and_see_overview_follow_up_import_export(app, world, name, status):
    client = logged_in(app, name)
    for url in admin_routes(world):
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize("name", ["rep_vpc", "reader_vpc", "editor_vpc"])
def test_admin_writes_are_refused_to_others_even_by_post(app, world, name):
    client = logged_in(app, name)
    token = page_token(client, "/plans/")
    for url in [f"/plans/{world.plan}/edit", f"/plans/{world.plan}/tasks/new", f"/plans/tasks/{world.task}/edit",
                f"/plans/{world.plan}/periods", f"/plans/{world.plan}/import", "/plans/new"]:
        assert client.post(url, data={"csrf_token": token, "code": "9.9", "title": "x", "year": "2024",
                                      "number": "1/KH-X"}).status_code == 403, url
    with app.app_context():
        from app.extensions import db
        from app.models import Plan, Task

        assert db.session.scalar(db.select(db.func.count(Task.id))) == 3
        assert db.session.scalar(db.select(db.func.count(Plan.id))) == 1


def test_anonymous_users_are_sent_to_login(app, world):
    client = app.test_client()
    for url in view_routes(world) + admin_routes(world) + [f"/plans/reports/periods/{world.periods['q1']}/units/1"]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def post_update(client, task_id, htmx=False, **fields):
    data = {"csrf_token": page_token(client, f"/plans/tasks/{task_id}"), "status": "in_progress", "percent": "50",
            "done": "Đã rà soát văn bản", "figures": "Đã rà soát 10/20 văn bản"}
    data.update(fields)
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(f"/plans/tasks/{task_id}/updates", data=data, headers=headers)


def update_count(app):
    from app.extensions import db
    from app.models import ProgressUpdate

    with app.app_context():
        return db.session.scalar(db.select(db.func.count(ProgressUpdate.id)))


@pytest.mark.parametrize("name,allowed", [
    ("rep_vpc", True),      # reporter of the lead unit
    ("rep_tccb", True),     # reporter of a cooperating unit
    ("rep_vp", False),      # reporter of another unit
    ("reader_vpc", False),  # the lead unit, but not its reporter
    ("editor_vpc", False),
    ("admin", False),       # admin of a unit that has nothing to do with the task
])
def test_posting_progress_needs_a_reporter_of_the_lead_or_a_cooperating_unit(app, world, name, allowed):
    client = logged_in(app, name)
    response = post_update(client, world.task)
    assert response.status_code == (302 if allowed else 403)
    assert update_count(app) == (1 if allowed else 0)
    page = client.get(f"/plans/tasks/{world.task}").get_data(as_text=True)
    assert ('name="done"' in page) == allowed  # the form is only offered to those who may post


def test_a_reporter_cannot_post_on_another_units_task_by_changing_the_id(app, world):
    client = logged_in(app, "rep_vpc")
    assert post_update(client, world.task).status_code == 302
    # same form, the id of a task led by VP in the URL
    assert post_update(client, world.other_task).status_code == 403
    assert post_update(client, 99999).status_code == 404
    assert update_count(app) == 1


def test_posting_without_csrf_token_is_refused(app, world):
    client = logged_in(app, "rep_vpc")
    response = client.post(f"/plans/tasks/{world.task}/updates",
                           data={"status": "done", "percent": "100", "done": "x"})
    assert response.status_code == 400
    assert update_count(app) == 0


def submit_url(world, unit="VPC", kind="q1"):
    return f"/plans/reports/periods/{world.periods[kind]}/units/{world.units[unit]}"


@pytest.mark.parametrize("name,status", [("rep_vpc", 200), ("rep_tccb", 403), ("reader_vpc", 403),
                                         ("editor_vpc", 403), ("admin", 403)])
def test_only_the_units_reporters_open_its_report_submission(app, world, name, status):
    client = logged_in(app, name)
    assert client.get(submit_url(world)).status_code == status
    token = page_token(client, "/plans/")
    assert client.post(submit_url(world), data={"csrf_token": token, "action": "submit"}).status_code in (
        (400,) if status == 200 else (403,))


def test_a_reporter_cannot_submit_for_another_unit_by_changing_the_unit_in_the_url(app, world):
    from tests.helpers import sample

    client = logged_in(app, "rep_tccb")
    token = page_token(client, "/plans/")
    with open(sample("bao-cao-cchc-quy-1-2024.docx"), "rb") as fh:
        response = client.post(submit_url(world, unit="VPC"), data={
            "csrf_token": token, "action": "submit", "version": "0", "file": (fh, "bc.docx")},
            content_type="multipart/form-data")
    assert response.status_code == 403
    with app.app_context():
        from app.extensions import db
        from app.models import UnitReport

        assert db.session.scalar(db.select(db.func.count(UnitReport.id))) == 0


@pytest.mark.parametrize("name", ["admin", "rep_vp", "reader_vpc", "editor_vpc"])
def test_progress_and_its_evidence_are_readable_by_all_staff(app, world, name):
    import io

    reporter = logged_in(app, "rep_vpc")
    response = reporter.post(f"/plans/tasks/{world.task}/updates", data={
        "csrf_token": page_token(reporter, "/plans/"), "status": "in_progress", "percent": "30",
        "done": "Đã rà soát 15 văn bản", "attachments": [(io.BytesIO(b"bang so lieu"), "so-lieu.csv")]},
        content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        from app.extensions import db
        from app.models import ProgressAttachment

        attachment = db.session.scalar(db.select(ProgressAttachment))
        update_id, file_id = attachment.update_id, attachment.id
    client = logged_in(app, name)
    link = client.get(f"/plans/updates/{update_id}")
    assert link.status_code == 302
    assert link.headers["Location"].endswith(f"/plans/tasks/{world.task}#cap-nhat-{update_id}")
    download = client.get(f"/plans/updates/{update_id}/files/{file_id}")
    assert download.status_code == 200 and download.data == b"bang so lieu"
    assert client.get(f"/plans/updates/{update_id + 1}/files/{file_id}").status_code == 404
