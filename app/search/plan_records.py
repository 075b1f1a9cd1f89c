"""Index sources for progress updates and unit reports (kinds ``progress`` and ``report``).

Who reads them is ``app.access``'s rule, carried as access terms: progress is read by every member
of staff (the text of an evidence file that came from a restricted library document is left out
of its record); a unit report by its unit, whoever submitted it and admins.
"""
from __future__ import annotations

from flask import url_for
from sqlalchemy.orm import selectinload

from app import access
from app.extensions import db
from app.search.records import Source, _date_number, number_terms, register


def _load_updates(ids, session=None):
    from app.models import ProgressUpdate, Task

    if not ids:
        return []
    return list((session or db.session).scalars(
        db.select(ProgressUpdate).where(ProgressUpdate.id.in_(ids))
        .options(selectinload(ProgressUpdate.task).selectinload(Task.plan),
                 selectinload(ProgressUpdate.period))))


def _update_text(update) -> str:
    """What was done, the figures and the text of the evidence files for all staff (an evidence
    file that came from a restricted document is never in the index: ``app.access``)."""
    parts = [update.done, update.figures] + [a.text for a in access.public_evidence(update) if a.text]
    return "\n".join(p for p in parts if p)


def _update_fields(update) -> dict:
    task = update.task
    title = f"{task.code} {task.title}"
    return {
        "uid": f"progress:{update.id}",
        "kind": "progress",
        "record_id": update.id,
        "title": title,
        "content": "\n".join([title, update.status_label, task.plan.number, _update_text(update)]),
        "number": "",
        "issuer": update.unit.name,
        "fields": str(task.field_id),
        "year": str(task.plan.year),
        "state": update.status_label,
        "unit": update.unit.code,
        "period": update.period.label if update.period else "",
        "date": _date_number(update.created_at),
        "access": access.ALL_STAFF,
        "version": update.version,
    }


def _update_versions():
    from app.models import ProgressUpdate

    for row in db.session.execute(db.select(ProgressUpdate.id, ProgressUpdate.version).order_by(ProgressUpdate.id)):
        yield row[0], row[1]


def _load_reports(ids, session=None):
    from app.models import UnitReport

    if not ids:
        return []
    return list((session or db.session).scalars(
        db.select(UnitReport).where(UnitReport.id.in_(ids)).options(selectinload(UnitReport.versions))))


def _report_fields(report) -> dict:
    latest = report.latest
    return {
        "uid": f"report:{report.id}",
        "kind": "report",
        "record_id": report.id,
        "title": report.title,
        "content": "\n".join(p for p in (report.title, latest.doc_number, latest.title, latest.text) if p),
        "number": ",".join(number_terms(latest.doc_number)),
        "number_display": latest.doc_number or None,
        "issuer": report.unit.name,
        "year": str(report.period.plan.year),
        "unit": report.unit.code,
        "period": report.period.label,
        "date": _date_number(latest.issued_on or latest.submitted_at),
        "access": " ".join(access.report_terms(report)),
        "version": report.version,
    }


def _report_versions():
    from app.models import UnitReport

    for row in db.session.execute(db.select(UnitReport.id, UnitReport.version).order_by(UnitReport.id)):
        yield row[0], row[1]


register(Source(
    kind="progress",
    load=_load_updates,
    fields=_update_fields,
    live_versions=_update_versions,
    url=lambda record_id: url_for("plans.update_link", update_id=record_id),
    text=_update_text,
    readable=lambda user, update: access.can_read_progress(user),
))
register(Source(
    kind="report",
    load=_load_reports,
    fields=_report_fields,
    live_versions=_report_versions,
    url=lambda record_id: url_for("reports.show", report_id=record_id),
    text=lambda report: report.latest.text,
    readable=access.can_read_report,
))
