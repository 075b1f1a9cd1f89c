"""Reform office administration: users, units, the audit log and the system's state. Admins only."""
from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app import clock
from app.extensions import db
from app.forms import ResetPasswordForm, UnitForm, UserCreateForm, UserEditForm
from app.models import Unit, User
from app.routes import wants_fragment
from app.security import role_required
from app.services import audit, health
from app.services.accounts import sessions
from app.services.accounts import users as accounts
from app.services.notify import sender as mail_sender

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@role_required("admin")
def only_admins():
    """Every admin page is for admins only (403 for everyone else)."""
    return None


def _unit_choices():
    units = db.session.scalars(db.select(Unit).order_by(Unit.code)).all()
    return [SelectChoice(0, "— Không thuộc đơn vị —")] + [SelectChoice(u.id, f"{u.code} – {u.name}") for u in units]


def _unit_or_none(unit_id):
    return db.session.get(Unit, unit_id) if unit_id else None


@bp.route("/users")
def users():
    """Return the user list, filtered by ``q`` (username, name or e-mail); the rows only for htmx."""
    q = request.args.get("q", "").strip()[:100]
    stmt = db.select(User).order_by(User.username)
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(db.or_(db.func.lower(User.username).like(like), db.func.lower(User.full_name).like(like),
                                 db.func.lower(User.email).like(like)))
    page = db.paginate(stmt, per_page=50, error_out=False)
    template = "admin/_user_rows.html" if wants_fragment() else "admin/users.html"
    return render_template(template, page=page, q=q)


def _refused(form, exc: accounts.AccountError) -> str:
    """The message of a refused save; an address refused is also marked on its field."""
    if isinstance(exc, accounts.BadEmail):
        form.email.errors = [*form.email.errors, str(exc)]
    return str(exc)


@bp.route("/users/new", methods=["GET", "POST"])
def create_user():
    """Create a user; refuses a taken username, a password the policy refuses (saying why), a
    reporter without unit or an e-mail address that is not one (nothing saved, 400)."""
    form = UserCreateForm()
    form.unit_id.choices = _unit_choices()
    if request.method == "GET":
        form.roles.data = ["reader"]
    error = None
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                form.username.data,
                form.password.data,
                full_name=form.full_name.data,
                roles=form.roles.data or [],
                unit=_unit_or_none(form.unit_id.data),
                active=form.active.data,
                email=form.email.data or "",
            )
        except accounts.AccountError as exc:
            db.session.rollback()
            error = _refused(form, exc)
        else:
            flash(f"Đã tạo tài khoản {user.username}.", "success")
            return redirect(url_for("admin.users"))
    status = 200 if request.method == "GET" else 400
    return render_template("admin/user_form.html", form=form, error=error, user=None), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    """Edit a user's name, e-mail address, unit, roles and active flag; refuses removing one's own
    admin role and an address that is not one (nothing changed, 400)."""
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user if request.method == "GET" else None)
    form.unit_id.choices = _unit_choices()
    if request.method == "GET":
        form.unit_id.data = user.unit_id or 0
        form.roles.data = sorted(user.role_names)
    error = None
    if form.validate_on_submit():
        try:
            accounts.update_user(
                user,
                form.full_name.data,
                _unit_or_none(form.unit_id.data),
                form.roles.data or [],
                form.active.data,
                acting_user=current_user,
                email=(form.email.data or "") if form.email.raw_data else None,  # a form without it: kept
            )
        except accounts.AccountError as exc:
            db.session.rollback()
            error = _refused(form, exc)
        else:
            flash(f"Đã lưu tài khoản {user.username}.", "success")
            return redirect(url_for("admin.users"))
    status = 200 if request.method == "GET" else 400
    return render_template(
        "admin/user_form.html", form=form, error=error, user=user, reset_form=ResetPasswordForm(formdata=None)
    ), status


@bp.route("/users/<int:user_id>/password", methods=["POST"])
def reset_password(user_id: int):
    """Set a new password for a user (ending their sessions, except the admin's own current one);
    refuses one the policy does not accept, saying why."""
    user = db.get_or_404(User, user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        keep = sessions.current_id(current_user) if user.id == current_user.id else None
        try:
            accounts.set_password(user, form.new_password.data, keep_session_id=keep)
        except accounts.AccountError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            flash(f"Đã đặt lại mật khẩu cho {user.username}.", "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    for errors in form.errors.values():
        for message in errors:
            flash(message, "error")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/units", methods=["GET", "POST"])
def units():
    """List units and add one; refuses a duplicate code."""
    form = UnitForm()
    error = None
    if form.validate_on_submit():
        try:
            unit = accounts.create_unit(form.code.data, form.name.data)
        except accounts.AccountError as exc:
            error = str(exc)
        else:
            flash(f"Đã thêm đơn vị {unit.code}.", "success")
            return redirect(url_for("admin.units"))
    rows = db.session.execute(
        db.select(Unit, db.func.count(User.id)).outerjoin(User).group_by(Unit.id).order_by(Unit.code)
    ).all()
    status = 200 if request.method == "GET" else 400
    return render_template("admin/units.html", form=form, rows=rows, error=error), status


@bp.route("/audit")
def audit_log():
    """Return "Nhật ký hệ thống": the audit log filtered by actor, action, target and dates,
    newest first, 50 a page; only the rows for htmx."""
    filters = audit.AuditFilters.from_args(request.args)
    page = db.paginate(audit.statement(filters), per_page=50, error_out=False)
    template = "admin/_audit_rows.html" if wants_fragment() else "admin/audit.html"
    return render_template(template, page=page, filters=filters, args=filters.as_args(),
                           actions=audit.ACTION_LABELS, groups=audit.GROUP_LABELS, targets=audit.TARGET_LABELS,
                           label=audit.action_label, changes=audit.changes_text)


@bp.route("/audit.xlsx")
def audit_export():
    """Download the filtered audit log (newest first) as an Excel file."""
    filters = audit.AuditFilters.from_args(request.args)
    stamp = clock.to_vietnam(clock.utcnow()).strftime("%Y%m%d-%H%M")
    return send_file(audit.export_workbook(filters), as_attachment=True, download_name=f"nhat-ky-{stamp}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/system")
def system():
    """Return "Tình trạng hệ thống": database, search index, disk and process of the node that
    answered (the figures of ``/healthz``, in Vietnamese); only the figures for htmx (refresh)."""
    template = "admin/_system.html" if wants_fragment() else "admin/system.html"
    return render_template(template, report=health.system_status(), process=health.process_info(),
                           checked_at=clock.utcnow())


@bp.route("/mail")
def mail_outbox():
    """Return "Thư điện tử": whether e-mail is on and through which server, the outbox counts, the
    messages that failed for good (with the server's answer) and those waiting for another try."""
    return render_template("admin/mail.html", state=mail_sender.status())


@bp.route("/mail/<int:row_id>/retry", methods=["POST"])
def retry_mail(row_id: int):
    """Queue a failed message again (after the address or the server was fixed)."""
    mail_sender.retry_failed(row_id)
    flash("Đã đưa thư vào hàng đợi gửi lại.", "success")
    return redirect(url_for("admin.mail_outbox"))
