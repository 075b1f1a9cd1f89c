"""The notifications that actions cause, called by the services in the transaction of the change
(a change rolled back leaves no notification): a unit report or progress update submitted, a
report lacking figures (the reform office), news submitted, sent back, published, a followed
document changed or related. Each function adds to the session and never commits.

Who is told is read from the database, and each recipient must be allowed to read the record
(``app.access``): a notification never names a record its recipient may not open.
"""
from __future__ import annotations

from app import access, clock
from app.models import Article, Document, DocumentRelation, ProgressUpdate, ReportVersion, UnitReport, User
from app.services.notify import notifications as center

# What changed in a document, as the followers' message names it (keys of the revision snapshot).
CHANGE_LABELS = {
    "number": "Số ký hiệu", "title": "Trích yếu", "summary": "Tóm tắt", "doc_type": "Loại văn bản",
    "issuer": "Cơ quan ban hành", "signer": "Người ký", "signer_title": "Chức vụ người ký",
    "issued_on": "Ngày ban hành", "effective_on": "Ngày có hiệu lực", "expires_on": "Ngày hết hiệu lực",
    "gazette_number": "Số công báo", "gazette_on": "Ngày đăng công báo", "status": "Tình trạng hiệu lực",
    "fields": "Lĩnh vực", "visibility": "Phạm vi xem", "units": "Đơn vị được xem", "body": "Toàn văn",
    "attachments": "Tệp đính kèm", "parent_number": "Văn bản chính (phụ lục)",
}


def _name(user: User | None) -> str:
    return user.full_name if user is not None else "Hệ thống"


# Plans: the reform office

def report_submitted(report: UnitReport, version: ReportVersion, actor: User) -> None:
    """Tell the admins that a unit submitted (or resubmitted) its report, and that it lacks figures
    when its results hold none or some results items have none."""
    record = center.Record("report", report.id, f"/plans/reports/{report.id}")
    readers = [u for u in center.admins()]
    center.deliver(readers, "report_submitted", dict(
        unit_code=report.unit.code, unit_name=report.unit.name, period_label=report.period.label,
        report_title=version.title, version_no=version.version_no, late_days=version.late_days,
        submitted_by=_name(actor), submitted_at=version.submitted_at), record, skip=actor,
        may_read=lambda u: access.can_read_report(u, report))
    if version.lacks_figures or version.items_without_figures:
        center.deliver(readers, "report_lacks_figures", dict(
            unit_code=report.unit.code, unit_name=report.unit.name, period_label=report.period.label,
            items_without_figures=list(version.items_without_figures or [])), record, skip=actor,
            may_read=lambda u: access.can_read_report(u, report))


def progress_submitted(update: ProgressUpdate, actor: User) -> None:
    """Tell the admins that a unit posted a progress update on a task."""
    task = update.task
    center.deliver(center.admins(), "progress_submitted", dict(
        unit_code=update.unit.code, unit_name=update.unit.name, task_code=task.code, task_title=task.title,
        status_label=update.status_label, percent=update.percent, submitted_by=_name(actor),
        submitted_at=update.created_at), center.Record("task", task.id, f"/plans/tasks/{task.id}#cap-nhat-{update.id}"),
        skip=actor, may_read=access.can_read_progress)


# News

def news_step(article: Article, action: str, actor: User, comment: str = "") -> None:
    """After a workflow step: ``submit`` tells the reviewers, ``send_back`` and ``publish`` the author
    (nobody is told of their own step)."""
    record = center.Record("article", article.id, f"/news/{article.id}")
    author = article.created_by
    if action == "submit":
        center.deliver(center.news_reviewers(), "news_submitted",
                       dict(title=article.title, author_name=_name(author)), record, skip=actor,
                       may_read=lambda u: access.can_see_unpublished(u, article))
    elif action == "send_back" and author is not None:
        center.deliver([author], "news_returned", dict(title=article.title, actor_name=_name(actor), comment=comment),
                       record, skip=actor)
    elif action == "publish" and author is not None:
        center.deliver([author], "news_published", dict(title=article.title, actor_name=_name(actor),
                                                        published_at=article.publish_at), record, skip=actor)


# Followed documents

def document_changed(document: Document, actor: User | None, before: dict, after: dict) -> None:
    """Tell the document's followers what changed (the fields of the revision that differ); a
    follower who may no longer read it stops following it instead (``forget_unreadable``)."""
    changes = [label for key, label in CHANGE_LABELS.items() if before.get(key) != after.get(key)]
    if not changes:
        return
    if before.get("visibility") != after.get("visibility") or before.get("units") != after.get("units"):
        center.forget_unreadable(document)
    center.deliver(center.followers(document.id), "document_changed", dict(
        document_label=document.display_name, actor_name=_name(actor), changed_at=clock.utcnow(), changes=changes),
        center.Record("document", document.id, f"/documents/{document.id}"), skip=actor,
        may_read=lambda u: access.can_read_document(u, document))


def document_related(relation: DocumentRelation, source: Document, target: Document, actor: User | None) -> None:
    """Tell the followers of both documents of a new relation, each in their document's words
    ("Sửa đổi, bổ sung X" / "Được sửa đổi, bổ sung bởi Y"), only those who may read both."""
    for document, wording, other in ((source, relation.source_wording, target),
                                     (target, relation.target_wording, source)):
        center.deliver(center.followers(document.id), "document_related", dict(
            document_label=document.display_name, relation_label=wording, other_label=other.display_name),
            center.Record("document", document.id, f"/documents/{document.id}"), skip=actor,
            may_read=lambda u: access.can_read_document(u, source) and access.can_read_document(u, target))
