"""What notifications and reminders say, in Vietnamese, from the templates in ``app/templates/mail/``.

Rendering needs no Flask app: a plain :class:`jinja2.Environment` over that folder. ``.txt``
templates (subject and plain-text body) are not escaped; ``.html`` templates escape everything,
so a title, a comment or a reminder typed by a user shows as text and never as markup. Dates are
``dd/mm/yyyy``, moments ``dd/mm/yyyy HH:MM`` in Vietnam time (stored values are naive UTC).

- :func:`render` — subject, plain text, HTML and link of a notification of any kind in
  :data:`app.notify.kinds.KINDS`; the subject is also the notification's title in the portal.
- :func:`reminder_draft` — the editable text the Đôn đốc page prefills for a unit.
- :func:`digest` — the daily e-mail that gathers a user's notifications.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.clock import to_vietnam
from app.mail import MailContent
from app.notify.kinds import KINDS

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "mail"
PORTAL_NAME = "Cổng thông tin CCHC"
OFFICE_NAME = "Tổ công tác cải cách hành chính"
OPTIONAL = {"recipient_name": "", "settings_link": None}


def vn_date(value) -> str:
    """``07/12/2026``; a datetime is shown on its Vietnamese day."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_vietnam(value)
    return value.strftime("%d/%m/%Y")


def vn_datetime(value: datetime | None) -> str:
    """``07/12/2026 14:30`` in Vietnam time, from a naive-UTC (or aware) datetime."""
    return "" if value is None else to_vietnam(value).strftime("%d/%m/%Y %H:%M")


def days_left_words(days: int) -> str:
    """``hôm nay``, ``ngày mai``, ``còn 5 ngày``: how far a deadline is."""
    return {0: "hôm nay", 1: "ngày mai"}.get(days, f"còn {days} ngày")


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(vn_date=vn_date, vn_datetime=vn_datetime, days_left_words=days_left_words)
    env.globals.update(portal_name=PORTAL_NAME, office_name=OFFICE_NAME)
    return env


ENV = _environment()


def render(kind: str, **context) -> MailContent:
    """Return the subject, plain text, HTML and link of a notification of ``kind``.

    ``context`` holds exactly the kind's ``fields`` (:data:`app.notify.kinds.KINDS`), plus optionally
    ``recipient_name`` (the greeting) and ``settings_link`` (where to change how one is notified).
    Dates are :class:`date`, moments naive-UTC :class:`datetime`; for deadline kinds the days left
    or late are computed from ``deadline`` and ``today``. ``link`` (and ``settings_link``) must be
    absolute ``http(s)://`` URLs (``PORTAL_BASE_URL`` + path). Raises KeyError for an unknown kind,
    TypeError for a missing or unexpected value, ValueError for a link that is not http(s) or a
    ``unit_role`` (task kinds) other than ``lead`` / ``cooperating``."""
    spec = KINDS[kind]
    missing = [name for name in spec.fields if name not in context]
    unexpected = [name for name in context if name not in spec.fields and name not in OPTIONAL]
    if missing or unexpected:
        raise TypeError(f"render({kind!r}): missing {missing}, unexpected {unexpected}")
    values = {**OPTIONAL, **context, "kind": kind}
    for name in ("link", "settings_link"):
        if values[name] is not None:
            _check_link(values[name])
    if values.get("unit_role", "lead") not in {"lead", "cooperating"}:
        raise ValueError(f"unit_role is 'lead' or 'cooperating', not {values['unit_role']!r}")
    if "deadline" in values:
        days = (values["deadline"] - values["today"]).days
        values.update(days_left=max(days, 0), days_late=max(-days, 0))
    return _render_pair(spec.template, values)


def _render_pair(template: str, values: dict) -> MailContent:
    """The subject, body and link label come from ``<template>.txt``; the plain text is the body, the
    link (unless the body already holds it) and the footer; the HTML is ``_layout.html`` over the
    same body cut into paragraphs and lists, so both parts always say the same thing."""
    source = ENV.get_template(f"{template}.txt")
    context = source.new_context(values)
    subject = " ".join(_block(source, "subject", context).split())
    body = _tidy(_block(source, "body", context))
    link = values.get("link")
    label = " ".join(_block(source, "link_label", context).split()) or "Mở trên Cổng"
    text = body
    if link and link not in body:
        text += f"\n{label}: {link}\n"
    text += "\n" + ENV.get_template("_footer.txt").render(values)
    html = ENV.get_template("_layout.html").render(values, subject=subject, blocks=text_blocks(body),
                                                  link=link, link_label=label)
    return MailContent(subject=subject, text=_tidy(text), html=html, link=link)


def _block(template, name: str, context) -> str:
    render_block = template.blocks.get(name)
    return "".join(render_block(context)) if render_block else ""


_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)\]]")


@dataclass(frozen=True)
class Part:
    """A piece of a line: text, or a link (``url``) to show as itself."""

    text: str = ""
    url: str | None = None


@dataclass(frozen=True)
class Block:
    kind: str  # "paragraph" or "list"
    lines: list[list[Part]]


def text_blocks(text: str) -> list[Block]:
    """Cut a plain-text body into paragraphs (blank-line separated, line breaks kept) and lists (lines
    starting ``- `` or ``• ``), with the ``http(s)://`` links in them marked, for the HTML layout to
    show; a reminder typed by the office goes through the same cut. No markup is made here: the
    template escapes every piece."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        chunk_blocks: list[Block] = []  # a paragraph ends at a blank line; within it, lines and items alternate
        for line in filter(None, (line.strip() for line in chunk.splitlines())):
            is_item = line[:2] in {"- ", "• "}
            kind = "list" if is_item else "paragraph"
            parts = _parts(line[2:].strip() if is_item else line)
            if chunk_blocks and chunk_blocks[-1].kind == kind:
                chunk_blocks[-1].lines.append(parts)
            else:
                chunk_blocks.append(Block(kind, [parts]))
        blocks.extend(chunk_blocks)
    return blocks


def _parts(line: str) -> list[Part]:
    parts, at = [], 0
    for match in _URL.finditer(line):
        if match.start() > at:
            parts.append(Part(text=line[at:match.start()]))
        parts.append(Part(url=match.group()))
        at = match.end()
    if at < len(line):
        parts.append(Part(text=line[at:]))
    return parts


@dataclass(frozen=True)
class TaskLine:
    """One late task in a reminder: code, title, deadline, days late (0 when not yet late)."""

    code: str
    title: str
    deadline: date | None
    days_late: int = 0


@dataclass(frozen=True)
class ReminderDraft:
    subject: str
    text: str


def reminder_draft(*, unit_name: str, today: date, link: str, period_label: str | None = None,
                   period_deadline: date | None = None, tasks: Sequence[TaskLine] = (),
                   office_name: str = OFFICE_NAME) -> ReminderDraft:
    """Return the subject and the editable text the Đôn đốc page prefills to remind ``unit_name``:
    about the report of ``period_label`` still missing (due ``period_deadline``, days late counted
    to ``today``), about ``tasks`` past their deadline, or both; ``link`` is the page to act on.
    The office edits the text, then :func:`render` ("reminder") makes the message of what it kept.
    Raises ValueError when there is nothing to remind of (no period and no task) or for a link that
    is not http(s)."""
    if not period_label and not tasks:
        raise ValueError("a reminder is about a report period, late tasks or both")
    if period_label and period_deadline is None:
        raise ValueError("a report period needs its deadline")
    _check_link(link)
    values = {
        "unit_name": unit_name, "today": today, "link": link, "period_label": period_label,
        "period_deadline": period_deadline, "tasks": list(tasks), "office_name": office_name,
        "period_days_late": max((today - period_deadline).days, 0) if period_deadline else 0,
    }
    template = ENV.get_template("reminder_draft.txt")
    context = template.new_context(values)
    subject = " ".join("".join(template.blocks["subject"](context)).split())
    return ReminderDraft(subject=subject, text=_tidy("".join(template.blocks["body"](context))))


@dataclass(frozen=True)
class DigestItem:
    """One notification in a daily digest: its title (the subject it would have had), link, moment."""

    title: str
    link: str
    created_at: datetime


def digest(items: Sequence[DigestItem], *, day: date, link: str, recipient_name: str = "",
           settings_link: str | None = None) -> MailContent:
    """Return the daily e-mail of a user who chose "tóm tắt hằng ngày": ``items`` oldest first under
    the subject ``Tóm tắt thông báo ngày dd/mm/yyyy (N thông báo)``; ``link`` is the notification
    list. Raises ValueError for an empty digest (send none) or a link that is not http(s)."""
    if not items:
        raise ValueError("an empty digest is not sent")
    for url in [link, settings_link, *(item.link for item in items)]:
        if url is not None:
            _check_link(url)
    values = {"items": sorted(items, key=lambda i: i.created_at), "day": day, "link": link,
              "recipient_name": recipient_name, "settings_link": settings_link}
    return _render_pair("digest", values)


def _check_link(url: str) -> None:
    if not re.match(r"https?://[^\s/]+(/\S*)?\Z", url or ""):
        raise ValueError(f"a link in a message is an absolute http(s) URL, not {url!r}")


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"
