"""Units' periodic reports: the periods and who has reported, submitting a .docx, the report
page with its readable preview, earlier versions and downloads."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from app import access
from app.errors import ConcurrentEditError, DomainError
from app.extensions import db
from app.forms import ReportForm
from app.guards import allows_uploads
from app.models import ReportPeriod, ReportVersion, Unit
from app.routes import or_404, prefill_form, wants_fragment
from app.routes.errors import status_for
from app.security import role_required
from app.services import uploads
from app.services.plans import plans as plan_rules
from app.services.plans import progress
from app.services.plans import reports as report_rules

bp = Blueprint("reports", __name__, url_prefix="/plans/reports")


@bp.route("/")
def index():
    """Return every plan's report periods with deadlines and, per unit the user may see (their own;
    every unit for admins), the report sent, its lateness and figures, or an upload link."""
    plans = plan_rules.plans()
    period_ids = [p.id for plan in plans for p in plan.periods]
    found = report_rules.reports_for(period_ids, current_user)
    if current_user.is_admin:
        units_by_plan = {plan.id: progress.expected_units(plan) for plan in plans}
    else:
        own = [current_user.unit] if current_user.unit else []
        units_by_plan = {plan.id: own for plan in plans}
    return render_template("plans/report_index.html", plans=plans, reports=found, units_by_plan=units_by_plan,
                           today=plan_rules.today(), late_label=report_rules.late_label,
                           can_submit=plan_rules.can_submit_report)


def _period_and_unit(period_id: int, unit_id: int) -> tuple[ReportPeriod, Unit]:
    """The period and unit of a submission URL; 403 unless the user reports for that unit."""
    period = db.get_or_404(ReportPeriod, period_id)
    unit = db.get_or_404(Unit, unit_id)
    if not plan_rules.can_submit_report(current_user, unit.id):
        abort(403)
    return period, unit


def _prefill(form: ReportForm, period: ReportPeriod) -> tuple[str, str | None]:
    """Read the .docx into the form's empty number, date and title (``report_rules.docx_prefill``),
    park the file for the submission; return the message for the user and the warning when the
    header names another period than ``period``. Raises IngestError."""
    stored = uploads.accept_upload(form.file.data, allowed=("docx",))
    prefill = report_rules.docx_prefill(stored)
    prefill_form(form, prefill)
    form.pending_token.data = uploads.park_pending(stored, current_user.id)
    form.pending_name.data = stored.original_name
    read = ", ".join(prefill.found) if prefill.found else "không đọc được số, ngày từ phần đầu văn bản"
    notice = f"Đã đọc tệp {stored.original_name}: {read}. Kiểm tra rồi bấm «Nộp báo cáo»."
    return notice, report_rules.period_mismatch(period, stored.extracted.metadata.summary, form.title.data)


@bp.route("/periods/<int:period_id>/units/<int:unit_id>", methods=["GET", "POST"])
@allows_uploads
@role_required("reporter")
def submit(period_id: int, unit_id: int):
    """Submit (or resubmit) the unit's .docx report for the period. 403 unless the user is a
    reporter of that unit. ``action=prefill`` reads the file's official header into the form first
    (for htmx only the details part of the form, so the file stays chosen); a direct submission
    fills empty fields from it too. A report whose summary line names another period or year is
    held back with a warning until the reporter ticks the confirmation (the file stays parked).
    Refuses broken or hostile files and a resubmission someone made meanwhile (409) with a
    message; nothing is saved then."""
    period, unit = _period_and_unit(period_id, unit_id)
    report = report_rules.report_of(period, unit.id)
    form = ReportForm()
    if request.method == "GET":
        form.version.data = str(report.version if report else 0)
    error, notice, warning, status = None, None, None, 200
    if request.method == "POST" and form.validate_on_submit():
        if request.form.get("action") == "prefill":
            try:
                notice, warning = _prefill(form, period)
            except DomainError as exc:
                error, status = str(exc), status_for(exc)
        else:
            error, warning, status, report_saved = _submit(form, period, unit)
            if report_saved is not None:
                latest = report_saved.latest
                flash(f"Đã nộp báo cáo {period.label} (bản {latest.version_no}). "
                      f"{report_rules.late_label(latest.late_days)}.", "success")
                return redirect(url_for("reports.show", report_id=report_saved.id))
    elif request.method == "POST":
        error, status = "Vui lòng sửa các trường được đánh dấu.", 400
    context = {"period": period, "unit": unit, "report": report, "form": form, "error": error, "notice": notice,
               "warning": warning, "today": plan_rules.today(), "late_label": report_rules.late_label}
    if wants_fragment():
        # 200 so htmx swaps the details in (the message is in them); the chosen file stays chosen.
        return render_template("plans/_report_details.html", **context)
    return render_template("plans/report_submit.html", **context), status


def _submit(form: ReportForm, period: ReportPeriod, unit: Unit):
    """Take the chosen file (or, when none is chosen, the one parked by "Đọc tệp") and submit it;
    return (error, period warning, status, report)."""
    try:
        expected = int(form.version.data or 0)
    except ValueError:
        abort(400)
    chosen = bool(form.file.data and form.file.data.filename)
    parked = uploads.take_pending(form.pending_token.data, current_user.id) if form.pending_token.data else None
    stored = None
    try:
        if chosen:
            if parked is not None:
                parked.discard()  # the file chosen now replaces the one read before
            stored = uploads.accept_upload(form.file.data, allowed=("docx",))
        elif parked is not None:
            stored = parked
        else:
            form.pending_token.data = form.pending_name.data = ""
            return "Chưa chọn tệp báo cáo (.docx) để nộp.", None, 400, None
        prefill_form(form, report_rules.docx_prefill(stored))
        warning = report_rules.period_mismatch(period, stored.extracted.metadata.summary, form.title.data)
        if warning and not form.confirm_period.data:
            form.pending_token.data = uploads.park_pending(stored, current_user.id)
            form.pending_name.data = stored.original_name
            return None, warning, 409, None
        report = report_rules.submit_report(
            period, unit.id, current_user, stored,
            report_rules.ReportData(number=form.number.data, issued_on=form.issued_on.data, title=form.title.data),
            expected)
    except DomainError as exc:
        if isinstance(exc, ConcurrentEditError):
            form.version.data = str(_current_version(period, unit))
        form.pending_token.data = form.pending_name.data = ""
        return str(exc), None, status_for(exc), None
    return None, None, 200, report


def _current_version(period: ReportPeriod, unit: Unit) -> int:
    db.session.expire_all()
    report = report_rules.report_of(period, unit.id)
    return report.version if report else 0


@bp.route("/<int:report_id>")
def show(report_id: int):
    """Return the report page: the latest version's preview, its lateness and figures check, and
    every version; 404 unless the user may read it (its unit, its submitters, admins)."""
    report = or_404(access.readable_report_or_none(current_user, report_id))
    return _render_version(report, report.latest)


@bp.route("/<int:report_id>/versions/<int:version_no>")
def version(report_id: int, version_no: int):
    """Return one earlier version of the report, as the report page shows the latest."""
    report = or_404(access.readable_report_or_none(current_user, report_id))
    return _render_version(report, _version_or_404(report, version_no))


def _version_or_404(report, version_no: int) -> ReportVersion:
    found = next((v for v in report.versions if v.version_no == version_no), None)
    if found is None:
        abort(404)
    return found


def _render_version(report, shown: ReportVersion):
    return render_template("plans/report_show.html", report=report, shown=shown,
                           blocks=report_rules.preview(shown.body_lines or []),
                           late_label=report_rules.late_label,
                           can_submit=plan_rules.can_submit_report(current_user, report.unit_id))


@bp.route("/<int:report_id>/versions/<int:version_no>/file")
def download(report_id: int, version_no: int):
    """Send the original .docx of a version under its original name; 404 unless the user may read the report."""
    report = or_404(access.readable_report_or_none(current_user, report_id))
    shown = _version_or_404(report, version_no)
    return send_file(uploads.absolute_path(shown.stored_name), mimetype=shown.content_type, as_attachment=True,
                     download_name=shown.original_name, max_age=0)
