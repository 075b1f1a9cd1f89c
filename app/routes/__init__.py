"""Blueprints, one per area of the portal."""
from app.extensions import htmx


def wants_fragment() -> bool:
    """True for an htmx request that is not a history restore (those need the full page).
    Every response already carries ``Vary: HX-Request`` (``app.security``)."""
    return bool(htmx) and not htmx.history_restore_request
