"""Blueprints, one per area of the portal."""
from flask import abort

from app.extensions import htmx


def prefill_form(form, prefill) -> None:
    """Put what an uploaded .docx gave (``uploads.Prefill``) into ``form``: ``replace`` whatever the
    fields hold, ``fill`` only the empty ones."""
    for name, value in prefill.replace.items():
        form[name].data = value
    for name, value in prefill.fill.items():
        if not form[name].data:
            form[name].data = value


def or_404(record):
    """Return ``record``, or answer 404 when it is None: missing, or not for this user (the same
    answer, so a restricted record's existence is not revealed; see ``app.access``)."""
    if record is None:
        abort(404)
    return record


def wants_fragment() -> bool:
    """True for an htmx request that is not a history restore (those need the full page).
    Every response already carries ``Vary: HX-Request`` (``app.security``)."""
    return bool(htmx) and not htmx.history_restore_request
