"""What a service refuses, by kind. No Flask here: routes map the kinds to HTTP statuses once
(``app.routes.errors``: 404, 403, 409, 400, 507 for pages, htmx and the API) and the commands
to exit codes (``app.cli``).

``str(error)`` is a Vietnamese message written for the user; it may be empty (a page then
says what its status usually means). Each area's own errors subclass one of these kinds
(``DocumentError(Invalid)``, ``ingest.IngestError(Invalid)``…) so callers can still catch an
area's refusals while the answer depends only on the kind.
"""
from __future__ import annotations


class DomainError(Exception):
    """A refusal by the portal's rules (not a bug, not an outage)."""


class NotFound(DomainError):
    """The record does not exist, or the user may not know it exists (the same answer)."""


class Forbidden(DomainError):
    """The user may not do this to this record."""


class Conflict(DomainError):
    """The record changed under the user, or is in a state that does not allow this now."""


class ConcurrentEditError(Conflict):
    """Someone else saved the record after this user opened it; the caller keeps the input."""


class Invalid(DomainError, ValueError):
    """What the user supplied is refused (a value, a file, a parameter); the message says why."""


class StorageFull(DomainError):
    """Nothing could be written: the disk or the database has no space left."""
