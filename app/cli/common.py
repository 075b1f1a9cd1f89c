"""What every command shares: a service's refusal printed as ``Error: <message>`` with its kind's
exit status (``app.errors``), the one place kinds become exit codes."""
from __future__ import annotations

import contextlib

import click

from app import resilience
from app.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, StorageFull

# The exit status of each kind of refusal (sysexits.h), so scripts can tell them apart. A command
# that finishes with failures it reports itself (an import with bad lines, an index that drifted)
# exits 1.
EXIT_CODE_OF = {Invalid: 65, NotFound: 66, StorageFull: 74, Conflict: 75, Forbidden: 77}


def exit_code_for(error: DomainError) -> int:
    """The exit status of a service's refusal: its kind's (the nearest in its class's ancestry)."""
    for kind in type(error).__mro__:
        if kind in EXIT_CODE_OF:
            return EXIT_CODE_OF[kind]
    return 1


class Refused(click.ClickException):
    """A service's refusal, printed as ``Error: <message>`` and exiting with its kind's status."""

    def __init__(self, error: DomainError):
        super().__init__(str(error))
        self.exit_code = exit_code_for(error)


@contextlib.contextmanager
def refusals():
    """Turn a refusal raised in the block into ``Refused``; a disk found full counts as StorageFull."""
    try:
        yield
    except DomainError as error:
        raise Refused(error) from error
    except OSError as error:
        if not resilience.is_disk_full(error):
            raise
        raise Refused(StorageFull(resilience.DISK_FULL_MESSAGE)) from error
