"""``flask reminders …``: the notification scheduler's round for a cron job or a systemd timer."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from app.services.notify import notifications as center
from app.services.notify import scheduler, sender

reminders = AppGroup("reminders", help="Deadline reminders, daily digests and the e-mail outbox.")


@reminders.command("run")
@click.option("--no-mail", is_flag=True, help="Create the notifications, leave the e-mails queued.")
def reminders_run(no_mail):
    """One round: the deadline reminders due now, the daily digests, then one batch of e-mail.
    Safe to run from several machines at once: each reminder goes once per event and recipient."""
    result = scheduler.run(send_mail=not no_mail)
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
