"""The reform plan: plans and tasks, progress updates, the overview and the follow-up page,
task import and the progress export."""
from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app import access, ingest
from app.errors import DomainError
from app.extensions import db
from app.forms import ImportForm, PeriodsForm, PlanForm, TaskForm, UpdateForm
from app.guards import allows_uploads
from app.models import ADMIN, PERIOD_KINDS, TASK_STATES, TASK_STATUSES, Plan, ProgressUpdate, Task
from app.routes import wants_fragment
from app.routes.errors import status_for
from app.security import role_required
from app.services import uploads
from app.services.notify import reminders
from app.services.plans import plans as plan_rules
from app.services.plans import progress
from app.services.plans import task_import as plan_import

bp = Blueprint("plans", __name__, url_prefix="/plans")



def _plan_or_404(plan_id: int) -> Plan:
    return db.get_or_404(Plan, plan_id)


@bp.route("/")
def index():
    """Return the list of plans with their progress, and for a unit member a link to their unit's tasks."""
    all_plans = plan_rules.plans()
    summaries = {p.id: progress.total_row(progress.by_field(p)) for p in all_plans}
    return render_template("plans/index.html", plans=all_plans, summaries=summaries)


@bp.route("/mine")
def mine():
    """Return the tasks of the user's unit (lead or cooperating) with their state, and the unit's
    report periods; an empty page for a user without a unit."""
    tasks = plan_rules.tasks_of_unit(current_user.unit_id) if current_user.unit_id else []
    return render_template("plans/mine.html", tasks=tasks, states=progress.task_states(tasks),
                           can_post=current_user.has_role("reporter") and current_user.unit_id is not None)


def _plan_form(plan: Plan | None = None) -> PlanForm:
    form = PlanForm(obj=plan)
    if plan is not None and request.method == "GET":
        form.version.data = str(plan.version)
    return form


def _plan_data(form: PlanForm) -> plan_rules.PlanData:
    return plan_rules.PlanData(year=form.year.data, number=form.number.data, title=form.title.data)


def _save_form(form, save, saved_message, target):
    """Run ``save()`` for a valid POST of ``form``; return ``(response, error, status)``: a redirect to
    ``target(result)`` with ``saved_message(result)`` flashed when saved, else the message to show
    (400 for invalid data, 409 for a concurrent edit) and no response."""
    if request.method != "POST":
        return None, None, 200
    if not form.validate_on_submit():
        return None, "Vui lòng sửa các trường được đánh dấu.", 400
    try:
        result = save()
    except DomainError as exc:
        return None, str(exc), status_for(exc)
    flash(saved_message(result), "success")
    return redirect(target(result)), None, 200


@bp.route("/new", methods=["GET", "POST"])
@role_required(ADMIN)
def create():
    """Create a plan (with its four report periods); refuses invalid data with a message, input kept."""
    form = _plan_form()
    response, error, status = _save_form(
        form, lambda: plan_rules.create_plan(_plan_data(form), current_user),
        lambda plan: "Đã tạo kế hoạch. Hãy kiểm tra hạn nộp các kỳ báo cáo.",
        lambda plan: url_for("plans.periods", plan_id=plan.id))
    return response or (render_template("plans/plan_form.html", form=form, plan=None, error=error), status)


@bp.route("/<int:plan_id>/edit", methods=["GET", "POST"])
@role_required(ADMIN)
def edit(plan_id: int):
    """Edit a plan's year, number and title; refuses a concurrent edit (409) without losing input."""
    plan = _plan_or_404(plan_id)
    form = _plan_form(plan)
    response, error, status = _save_form(
        form, lambda: plan_rules.update_plan(plan, _plan_data(form), _int(form.version.data)),
        lambda _: "Đã lưu kế hoạch.", lambda _: url_for("plans.show", plan_id=plan.id))
    return response or (render_template("plans/plan_form.html", form=form, plan=plan, error=error), status)


def _int(value) -> int:
    try:
        return int(value or 0)
    except ValueError:
        abort(400)


@bp.route("/<int:plan_id>/periods", methods=["GET", "POST"])
@role_required(ADMIN)
def periods(plan_id: int):
    """Show and set the deadlines of the plan's report periods (quý I, 6 tháng, 9 tháng, năm)."""
    plan = _plan_or_404(plan_id)
    form = PeriodsForm()
    error = None
    if request.method == "GET":
        for period in plan.periods:
            getattr(form, period.kind).data = period.deadline
    elif form.validate_on_submit():
        try:
            plan_rules.set_period_deadlines(plan, {kind: getattr(form, kind).data for kind in PERIOD_KINDS})
        except plan_rules.PlanError as exc:
            error = str(exc)
        else:
            flash("Đã lưu hạn nộp báo cáo.", "success")
            return redirect(url_for("plans.show", plan_id=plan.id))
    else:
        error = "Vui lòng sửa các trường được đánh dấu."
    return render_template("plans/periods.html", plan=plan, form=form, error=error), 400 if error else 200


@bp.route("/<int:plan_id>")
def show(plan_id: int):
    """Return the plan page: progress by field (chart and table) and the tasks, filtered by field,
    unit and state (only the task rows for htmx requests)."""
    plan = _plan_or_404(plan_id)
    filters = plan_rules.TaskFilters.from_args(request.args)
    tasks = plan_rules.tasks_of(plan, filters)
    states = progress.task_states(tasks)
    if filters.state:
        tasks = [t for t in tasks if states[t.id].state == filters.state]
    context = {"plan": plan, "tasks": tasks, "states": states, "filters": filters}
    if wants_fragment():
        return render_template("plans/_tasks.html", **context)
    rows = progress.by_field(plan)
    return render_template("plans/show.html", rows=rows, total=progress.total_row(rows), fields=plan_rules.fields(),
                           units=plan_rules.units(), state_labels=TASK_STATES,
                           current_period=plan_rules.current_period(plan),
                           plan_document=access.readable_document_or_none(current_user, plan.document_id),
                           **context)


def _task_form(task: Task | None = None) -> TaskForm:
    form = TaskForm(obj=task)
    form.field_id.choices = [SelectChoice(f.id, f"{f.position}. {f.name}") for f in plan_rules.fields()]
    units = plan_rules.units()
    form.lead_unit_id.choices = [SelectChoice(u.id, f"{u.code} – {u.name}") for u in units]
    form.unit_ids.choices = [SelectChoice(u.id, f"{u.code} – {u.name}") for u in units]
    if task is not None and request.method == "GET":
        form.unit_ids.data = [u.id for u in task.cooperating_units]
        form.version.data = str(task.version)
    return form


def _task_data(form: TaskForm) -> plan_rules.TaskData:
    return plan_rules.TaskData(code=form.code.data, title=form.title.data, field_id=form.field_id.data,
                               lead_unit_id=form.lead_unit_id.data, unit_ids=form.unit_ids.data or [],
                               deadline=form.deadline.data, expected_output=form.expected_output.data)


@bp.route("/<int:plan_id>/tasks/new", methods=["GET", "POST"])
@role_required(ADMIN)
def new_task(plan_id: int):
    """Add a task to the plan; refuses invalid data (duplicate code, unknown unit) with a message."""
    plan = _plan_or_404(plan_id)
    form = _task_form()
    response, error, status = _save_form(
        form, lambda: plan_rules.add_task(plan, _task_data(form)),
        lambda task: f"Đã thêm nhiệm vụ {task.code}.", lambda task: url_for("plans.task", task_id=task.id))
    return response or (render_template("plans/task_form.html", form=form, plan=plan, task=None, error=error),
                        status)


@bp.route("/tasks/<int:task_id>/edit", methods=["GET", "POST"])
@role_required(ADMIN)
def edit_task(task_id: int):
    """Edit a task; refuses invalid data (400) and a concurrent edit (409), input kept."""
    task = db.get_or_404(Task, task_id)
    form = _task_form(task)
    response, error, status = _save_form(
        form, lambda: plan_rules.update_task(task, _task_data(form), _int(form.version.data)),
        lambda _: "Đã lưu nhiệm vụ.", lambda _: url_for("plans.task", task_id=task.id))
    return response or (render_template("plans/task_form.html", form=form, plan=task.plan, task=task,
                                        error=error), status)


def _update_form(submitted: bool = False) -> UpdateForm:
    """The update form: empty, or filled from the request's fields and files when ``submitted``."""
    form = UpdateForm() if submitted else UpdateForm(formdata=None)
    form.status.choices = [SelectChoice(k, v) for k, v in TASK_STATUSES.items()]
    return form


def _fresh_form(task: Task) -> UpdateForm:
    """An empty update form starting from the task's current status and percent."""
    form = _update_form()
    state = progress.task_states([task])[task.id]
    form.status.data, form.percent.data = state.status, state.percent
    return form


def _task_context(task: Task, form: UpdateForm, error: str | None = None, notice: str | None = None) -> dict:
    return {
        "task": task, "plan": task.plan, "form": form, "error": error, "notice": notice,
        "files": access.visible_evidence(current_user, task.updates),
        "state": progress.task_states([task])[task.id],
        "can_post": plan_rules.can_post_progress(current_user, task),
        "field_row": progress.field_row(task.plan, task.field_id), "field_id": task.field_id,
    }


@bp.route("/tasks/<int:task_id>")
def task(task_id: int):
    """Return the task page: details, the field's progress, the update form (for the task's
    reporters) and the history of updates, newest first."""
    task = db.get_or_404(Task, task_id)
    return render_template("plans/task.html", **_task_context(task, _fresh_form(task)))


@bp.route("/tasks/<int:task_id>/updates", methods=["POST"])
@allows_uploads
@role_required("reporter")
def post_update(task_id: int):
    """Post a progress update. 403 unless the user is a reporter of the task's lead or a
    cooperating unit. For htmx: the fresh form and history, the task's state and the field
    overview out of band, and ``HX-Trigger: progress-posted``; a refused update comes back in the form with its message
    and the typed text (no HX-Trigger, nothing saved). Without JavaScript: redirect, or the page
    with the message (400)."""
    task = db.get_or_404(Task, task_id)
    if not plan_rules.can_post_progress(current_user, task):
        abort(403)
    form = _update_form(submitted=True)
    error = None
    if form.validate_on_submit():
        try:
            files = uploads.accept_all(form.attachments.data)
            progress.post_update(task, current_user, progress.UpdateData(
                status=form.status.data, percent=form.percent.data, done=form.done.data, figures=form.figures.data),
                files)
        except (ingest.IngestError, progress.ProgressError) as exc:
            error = str(exc)
    else:
        error = "Vui lòng sửa các trường được đánh dấu."
    if error is None:
        if wants_fragment():
            # The task's state in the page header and the field block come along out of band.
            response = make_response(render_template("plans/_updates.html", oob_header=True,
                                                     **_task_context(task, _fresh_form(task),
                                                                     notice="Đã ghi nhận cập nhật tiến độ.")))
            response.headers["HX-Trigger"] = "progress-posted"
            return response
        flash("Đã ghi nhận cập nhật tiến độ.", "success")
        return redirect(url_for("plans.task", task_id=task.id) + "#cap-nhat")
    if wants_fragment():
        # 200 so htmx swaps it in (a 4xx is not swapped and logs a console error): the message is in the form.
        return render_template("plans/_updates.html", **_task_context(task, form, error))
    return render_template("plans/task.html", **_task_context(task, form, error)), 400


@bp.route("/<int:plan_id>/fields/<int:field_id>/summary")
def field_summary(plan_id: int, field_id: int):
    """Return the progress block of one reform field of the plan (refreshed after an update)."""
    plan = _plan_or_404(plan_id)
    return render_template("plans/_field_summary.html", plan=plan, field_id=field_id,
                           field_row=progress.field_row(plan, field_id))


@bp.route("/updates/<int:update_id>")
def update_link(update_id: int):
    """Redirect to the update on its task page (where search results point)."""
    update = db.get_or_404(ProgressUpdate, update_id)
    return redirect(url_for("plans.task", task_id=update.task_id) + f"#cap-nhat-{update.id}")


@bp.route("/updates/<int:update_id>/files/<int:file_id>")
def update_file(update_id: int, file_id: int):
    """Send an update's evidence file under its original name; 404 unless the user may open it
    (every member of staff, except for a file that came from a restricted library document:
    ``app.access``)."""
    attachment = access.openable_evidence_or_none(current_user, update_id, file_id)
    if attachment is None:
        abort(404)
    return send_file(uploads.absolute_path(attachment.stored_name), mimetype=attachment.content_type,
                     as_attachment=True, download_name=attachment.original_name, max_age=0)


@bp.route("/<int:plan_id>/overview")
@role_required(ADMIN)
def overview(plan_id: int):
    """Return the reform office's overview: progress by field (chart and table) and by unit."""
    plan = _plan_or_404(plan_id)
    states = progress.task_states(plan_rules.tasks_of(plan))
    fields_rows = progress.by_field(plan, states)
    unit_rows = progress.by_unit(plan, states)
    return render_template("plans/overview.html", plan=plan, rows=fields_rows, total=progress.total_row(fields_rows),
                           unit_rows=unit_rows, unit_total=progress.total_row(unit_rows),
                           state_labels=TASK_STATES)


@bp.route("/<int:plan_id>/overview.xlsx")
@role_required(ADMIN)
def export(plan_id: int):
    """Send the progress table (every task, by field and by unit) as an Excel workbook."""
    plan = _plan_or_404(plan_id)
    stream = plan_import.export_workbook(plan)
    name = f"tien-do-{plan.number.replace('/', '-')}.xlsx"
    return send_file(stream, as_attachment=True, download_name=name, max_age=0,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/<int:plan_id>/follow-up")
@role_required(ADMIN)
def follow_up(plan_id: int):
    """Return the follow-up page (đôn đốc) for a period (``?period=``, the current one by default):
    late tasks, units without a report, late reports, reports and updates without figures."""
    plan = _plan_or_404(plan_id)
    result = progress.follow_up(plan, _period_of(plan))
    return render_template("plans/follow_up.html", plan=plan, f=result, rows=reminders.unit_rows(plan, result))


def _period_of(plan: Plan):
    wanted = request.values.get("period")
    return next((p for p in plan.periods if str(p.id) == wanted), None) if wanted else None


def _follow_up_url(plan: Plan, follow) -> str:
    return url_for("plans.follow_up", plan_id=plan.id, period=follow.period.id if follow.period else None)


@bp.route("/<int:plan_id>/follow-up/remind", methods=["GET", "POST"])
@role_required(ADMIN)
def remind(plan_id: int):
    """Return and send a reminder from the Đôn đốc page: ``?unit=<id>`` one unit (its missing report
    and late tasks), ``?unit=all`` every unit without a report for the period. The subject and text
    are prefilled and editable; sending notifies the units' reporters (and e-mails those who chose
    it), records the reminder and goes back to the page, where the row says how often it was sent."""
    plan = _plan_or_404(plan_id)
    follow = progress.follow_up(plan, _period_of(plan))
    target = request.values.get("unit", "")
    rows = reminders.unit_rows(plan, follow)
    if target == "all":
        units = list(follow.missing_units)
        if not units:
            flash("Tất cả đơn vị đã nộp báo cáo kỳ này: không có đơn vị nào cần nhắc.", "info")
            return redirect(_follow_up_url(plan, follow))
        draft = reminders.draft_for_all(follow)
        period = follow.period
        task_ids = {}
    else:
        row = next((r for r in rows if str(r.unit.id) == target), None)
        if row is None:
            abort(404)
        units = [row.unit]
        draft = reminders.draft(plan, follow, row.unit)
        period = follow.period if row.missing_report else None
        task_ids = {row.unit.id: [s.task.id for s in row.late_tasks]}
    subject, text, error = draft.subject, draft.text, None
    if request.method == "POST":
        subject, text = request.form.get("subject", ""), request.form.get("text", "")
        try:
            logs = reminders.send(plan, period, units, subject, text, current_user, task_ids)
        except DomainError as exc:
            error = str(exc)
        else:
            reached = [log for log in logs if log.recipients]
            unreached = [log.unit.code for log in logs if not log.recipients]
            message = f"Đã gửi nhắc việc tới {len(reached)} đơn vị."
            if unreached:
                message += f" Chưa có đầu mối CCHC để nhận: {', '.join(unreached)}."
            flash(message, "success" if not unreached else "warning")
            return redirect(_follow_up_url(plan, follow) + "#nhac-viec")
    histories = {r.unit.id: r.history for r in rows}
    return render_template("plans/remind.html", plan=plan, f=follow, units=units, target=target, subject=subject,
                           text=text, error=error, histories=histories, all_units=target == "all",
                           placeholder=reminders.UNIT_PLACEHOLDER), 400 if error else 200


@bp.route("/<int:plan_id>/import", methods=["GET", "POST"])
@allows_uploads
@role_required(ADMIN)
def import_tasks(plan_id: int):
    """Import tasks from a spreadsheet (.xlsx or .csv). All rows or none: when any row is wrong
    nothing is saved and every wrong row is listed by its line number."""
    plan = _plan_or_404(plan_id)
    form = ImportForm()
    result, error = None, None
    chosen = form.file.data if request.method == "POST" else None
    if chosen and chosen.filename and not uploads.clean_name(chosen.filename).lower().endswith((".xlsx", ".csv")):
        error = plan_import.WRONG_TYPE
    elif request.method == "POST" and form.validate_on_submit():
        try:
            stored = uploads.accept_upload(form.file.data, allowed=("other",))
        except ingest.IngestError as exc:
            error = str(exc)
        else:
            try:
                result = plan_import.import_tasks(plan, stored.temp_path, stored.extension)
            except plan_import.ImportFileError as exc:
                error = str(exc)
            finally:
                stored.discard()
            if result is not None and result.ok:
                flash(f"Đã nhập {result.created} nhiệm vụ.", "success")
                return redirect(url_for("plans.show", plan_id=plan.id))
    elif request.method == "POST":
        error = "Chưa chọn tệp để tải lên."
    failed = error or (result is not None and not result.ok)
    return render_template("plans/import.html", plan=plan, form=form, result=result, error=error,
                           columns=plan_import.COLUMNS), 400 if failed else 200


@bp.route("/import-template.<ext>")
@role_required(ADMIN)
def import_template(ext: str):
    """Send the import template (.xlsx with the columns and an example row, or .csv)."""
    if ext == "xlsx":
        return send_file(plan_import.template_workbook(), as_attachment=True, download_name="mau-nhiem-vu.xlsx",
                         max_age=0, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    if ext == "csv":
        return send_file(plan_import.template_csv(), as_attachment=True, download_name="mau-nhiem-vu.csv",
                         max_age=0, mimetype="text/csv")
    abort(404)
