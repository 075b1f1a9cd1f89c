"""Every page a person can open, with the demo's data: the list the phone-width and axe browser
tests walk through.

``pages(app)`` builds one address for each GET route of the app (with ids taken from the demo
data), plus a few variants a user reaches by filtering (search with facets, a filtered list).
Routes that answer with a file, JSON, XML or a fragment for htmx are listed in ``NOT_PAGES``
with the reason; ``test_every_route_is_listed`` keeps the two lists honest, so a new page
cannot be left out of the browser tests by accident.
"""
from __future__ import annotations

from app.extensions import db

# Endpoints that are not pages a person reads (so no layout to check), and why.
NOT_PAGES = {
    "static": "files",
    "health.healthz": "JSON for the load balancer",
    "api.documents": "JSON API",
    "api.document": "JSON API",
    "search.api_search": "JSON API",
    "search.api_suggest": "JSON API",
    "search.suggest_options": "<datalist> fragment for the header box",
    "news.feed": "Atom XML",
    "news.image": "picture file",
    "documents.download": "attachment file",
    "documents.download_searchable": "PDF file (a scan with its OCR text layer)",
    "documents.ocr_block": "fragment polled inside the Toàn văn tab (a plain request is redirected there)",
    "documents.correct_ocr": "needs a recognised scan, which the demo has none of: tests/routes/test_document_ocr.py",
    "plans.update_file": "evidence file",
    "reports.download": "Word file",
    "plans.export": "Excel file",
    "admin.audit_export": "Excel file",
    "plans.import_template": "Excel/CSV file",
    "plans.field_summary": "fragment refreshed inside the plan page",
    "plans.update_link": "redirect to the task page (visited there)",
    "auth.login": "visited logged out, separately",
    "notifications.bell": "the header's bell, polled by htmx",
}

# The demo's users, one per role (app/services/demo.py), and its password.
ROLES = ("quantri", "bientap", "duyettin", "daumoi.vpc", "congchuc")
DEMO_PASSWORD = "Tinh-gon-2024"


def pages(app) -> dict[str, list[str]]:
    """Return ``{endpoint: [path, …]}`` for every GET page of ``app`` (demo data loaded).

    Fails (AssertionError) when the demo lacks the rows a page needs, so a page is never
    silently skipped."""
    from app.models import (
        Article,
        ArticleRevision,
        Document,
        Plan,
        ReformField,
        ReportPeriod,
        Task,
        Unit,
        UnitReport,
        User,
    )

    with app.app_context():
        def first(model, *where, order=None):
            row = db.session.scalar(db.select(model).where(*where).order_by(order or model.id).limit(1))
            assert row is not None, f"the demo has no {model.__name__} for the page list"
            return row

        plan = first(Plan)
        task = first(Task, Task.plan_id == plan.id)
        period = first(ReportPeriod, ReportPeriod.plan_id == plan.id)
        report = first(UnitReport)
        versions = sorted(v.version_no for v in report.versions)
        unit = first(Unit, Unit.code == "VPC")
        field = first(ReformField)
        user = first(User, User.username == "bientap")
        # The amending decree: a number, relations and a body, the longest page of the library.
        document = first(Document, Document.number == "107/2021/NĐ-CP")
        from app import clock

        # A live article for reading; the draft sent back to its author for the editor's pages.
        article = first(Article, Article.status == "published", Article.publish_at <= clock.utcnow(),
                        order=Article.publish_at)
        draft = first(Article, Article.status == "draft")
        revisions = sorted(r.number for r in db.session.scalars(
            db.select(ArticleRevision).where(ArticleRevision.article_id == draft.id)))
        assert len(revisions) >= 2, "the demo's draft has fewer than two revisions to compare"
        from app.services.notify import reminders
        from app.services.plans import progress

        follow = progress.follow_up(plan)
        to_remind = reminders.unit_rows(plan, follow)
        assert to_remind, "the demo's plan has no unit to remind on the Đôn đốc page"
        remind = f"/plans/{plan.id}/follow-up/remind?unit={to_remind[0].unit.id}"
        if follow.period is not None:
            remind += f"&period={follow.period.id}"
        found = {
            "main.index": ["/"],
            "auth.change_password": ["/account/password"],
            "auth.login_sessions": ["/account/sessions"],
            "admin.audit_log": ["/admin/audit"],
            "admin.system": ["/admin/system"],
            "admin.mail_outbox": ["/admin/mail"],
            "notifications.index": ["/notifications/"],
            "notifications.settings": ["/notifications/settings"],
            "plans.remind": [remind],
            "admin.units": ["/admin/units"],
            "admin.users": ["/admin/users"],
            "admin.create_user": ["/admin/users/new"],
            "admin.edit_user": [f"/admin/users/{user.id}"],
            "documents.index": ["/documents/", "/documents/?q=c%E1%BA%A3i+c%C3%A1ch"],
            "documents.show": [f"/documents/{document.id}"],
            "documents.fulltext": [f"/documents/{document.id}/toan-van"],
            "documents.diagram": [f"/documents/{document.id}/luoc-do"],
            "documents.downloads": [f"/documents/{document.id}/tai-ve"],
            "documents.relation_group": [f"/documents/{document.id}/luoc-do/sua-doi"],
            "documents.edit": [f"/documents/{document.id}/edit"],
            "documents.delete": [f"/documents/{document.id}/delete"],
            "documents.history": [f"/documents/{document.id}/history"],
            "documents.revision": [f"/documents/{document.id}/revisions/1"],
            "documents.create": ["/documents/new"],
            "news.index": ["/news/"],
            "news.show": [f"/news/{article.id}", f"/news/{article.id}/{article.slug}"],
            "news.edit": [f"/news/{draft.id}/edit"],
            "news.history": [f"/news/{draft.id}/history"],
            "news.compare": [f"/news/{draft.id}/compare?a={revisions[0]}&b={revisions[-1]}"],
            "news.manage": ["/news/manage"],
            "news.create": ["/news/new"],
            "plans.index": ["/plans/"],
            "plans.mine": ["/plans/mine"],
            "plans.create": ["/plans/new"],
            "plans.show": [f"/plans/{plan.id}", f"/plans/{plan.id}?field={field.id}"],
            "plans.edit": [f"/plans/{plan.id}/edit"],
            "plans.follow_up": [f"/plans/{plan.id}/follow-up"],
            "plans.import_tasks": [f"/plans/{plan.id}/import"],
            "plans.overview": [f"/plans/{plan.id}/overview"],
            "plans.periods": [f"/plans/{plan.id}/periods"],
            "plans.new_task": [f"/plans/{plan.id}/tasks/new"],
            "plans.task": [f"/plans/tasks/{task.id}"],
            "plans.edit_task": [f"/plans/tasks/{task.id}/edit"],
            "reports.index": ["/plans/reports/"],
            "reports.show": [f"/plans/reports/{report.id}"],
            "reports.version": [f"/plans/reports/{report.id}/versions/{versions[0]}"],
            "reports.submit": [f"/plans/reports/periods/{period.id}/units/{unit.id}"],
            "search.results": ["/search", "/search?q=c%E1%BA%A3i+c%C3%A1ch+h%C3%A0nh+ch%C3%ADnh",
                               "/search?q=ngh%E1%BB%8B+%C4%91%E1%BB%8Bnh&kind=document"],
        }
    return found


def get_endpoints(app) -> set[str]:
    """Return the endpoints of ``app`` that answer GET."""
    return {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}
