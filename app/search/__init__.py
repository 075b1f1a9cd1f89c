"""Everything search lives here, behind one small interface, so routes never touch the engine:

- index changes are queued by the data layer (``app.search.tracking``: a flush that changes a
  searchable model writes its outbox rows, the commit hands them to the index); ``queue(session,
  changes)`` for rows written without the ORM, ``deferred(session)`` to leave them queued
- ``search(user, SearchRequest)`` → ``SearchPage``; ``suggest(user, text)``; ``related(user, kind, id)``
- ``rebuild()``, ``verify()``, ``status()``, ``sync()``; ``index_records(kind, ids)`` /
  ``remove_record(kind, id)`` by hand

The Whoosh index lives in ``INDEX_DIR`` (``instance/index`` by default); Whoosh's file formats
are read and written in ``app.search.whoosh_adapter`` only.
"""
from app.search.engine import Filters  # noqa: F401
from app.search.outbox import rebuild, sync  # noqa: F401
from app.search.service import (  # noqa: F401
    Hit,
    SearchPage,
    SearchRequest,
    VerifyReport,
    index_health,
    index_records,
    related,
    remove_record,
    search,
    status,
    suggest,
    verify,
)
from app.search.tracking import deferred, evidence_changes, queue  # noqa: F401
