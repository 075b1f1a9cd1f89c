"""``flask reminders …``: the notification scheduler's round for a cron job or a systemd timer."""
from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from app import clock, dates
from app.cli.common import refusals
from app.errors import Invalid
from app.notify import rules
from app.services.notify import notifications as center
from app.services.notify import scheduler, sender

reminders = AppGroup("reminders", help="Deadline reminders, daily digests and the e-mail outbox.")

AT_EXAMPLE = "2024-07-16 08:00"


def moment_at(text: str) -> datetime:
    """The stored (naive UTC) moment of ``--at``: a Vietnam wall-clock time ``YYYY-MM-DD HH:MM``
    (``dd/mm/yyyy HH:MM`` too). Raises Invalid, in Vietnamese, for anything else, a date without
    its time included: the scheduler's day starts at 07:00, so a bare date (00:00) would still be
    the day before."""
    cleaned = " ".join((text or "").replace("T", " ").split())
    refusal = Invalid(f"--at «{(text or '')[:40]}» không phải là một thời điểm hợp lệ: nhập ngày và giờ Việt Nam "
                      f"dạng YYYY-MM-DD HH:MM, ví dụ --at \"{AT_EXAMPLE}\" (ngày nhắc việc bắt đầu lúc "
                      f"{rules.REMINDER_HOUR:02d}:00, nên phải có giờ).")
    if " " not in cleaned:
        raise refusal
    try:
        local = dates.parse_datetime(cleaned, "--at")
    except dates.DateFormatError:
        raise refusal from None
    return clock.from_vietnam(local)


@reminders.command("run")
@click.option("--no-mail", is_flag=True, help="Create the notifications, leave the e-mails queued.")
@click.option("--at", "at", metavar='"YYYY-MM-DD HH:MM"', default=None,
              help="Run the round as of this moment, Vietnam time (to try the reminders of a past or future "
                   "deadline); the e-mails are sent now.")
def reminders_run(no_mail, at):
    """One round: the deadline reminders due now (or --at a moment), the daily digests, then one
    batch of e-mail. Safe to run from several machines at once: each reminder goes once per event
    and recipient."""
    now = None
    if at is not None:
        with refusals():
            now = moment_at(at)
        day = rules.reminder_day(now)
        click.echo(f"Chạy như lúc {clock.to_vietnam(now):%d/%m/%Y %H:%M} (giờ Việt Nam): "
                   f"ngày nhắc việc {day:%d/%m/%Y}")
    result = scheduler.run(now=now, send_mail=not no_mail)
    click.echo(f"Thông báo mới: {result.total}")
    for kind, n in sorted(result.created.items()):
        click.echo(f"  {kind}: {n}")
    click.echo(f"Thư tóm tắt: {result.digests}")
    if not center.mail_enabled():
        click.echo("E-mail: tắt (chưa đặt PORTAL_SMTP_URL)")
    elif result.mail is not None:
        mail_result = result.mail
        click.echo(f"E-mail: đã gửi {mail_result.sent}, gửi lại sau {mail_result.retried}, hỏng {mail_result.failed}")
        if mail_result.stopped:
            click.echo(f"Dừng vòng gửi: {mail_result.stopped}", err=True)


@reminders.command("status")
def reminders_status():
    """Print the e-mail outbox: counts by status and the failed messages."""
    state = sender.status()
    click.echo(f"E-mail: {'bật, ' + state.server if state.enabled else 'tắt (chưa đặt PORTAL_SMTP_URL)'}")
    for status, n in sorted(state.counts.items()):
        click.echo(f"  {status}: {n}")
    for row in state.failed:
        click.echo(f"  #{row.id} {row.to_address}: {row.last_error}")
