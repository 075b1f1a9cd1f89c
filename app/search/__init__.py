"""Everything search lives here, behind one small interface, so routes never touch the engine:

- ``note_change(kind, id)`` in the changing transaction, ``sync_after_commit()`` after it
  (see ``app.search.outbox``); ``index_records(kind, ids)`` / ``remove_record(kind, id)``
- ``search(user, SearchRequest)`` → ``SearchPage``; ``suggest(user, text)``; ``related(user, kind, id)``
- ``rebuild()``, ``verify()``, ``status()``, ``sync()``

The Whoosh index lives in ``INDEX_DIR`` (``instance/index`` by default).
"""
from app.search.engine import Filters  # noqa: F401
from app.search.outbox import note_change, sync_after_commit  # noqa: F401,E402
from app.search.service import (  # noqa: F401
    Hit,
    SearchPage,
    SearchRequest,
    VerifyReport,
    index_health,
    index_records,
    rebuild,
    related,
    remove_record,
    search,
    status,
    suggest,
    sync,
    verify,
)
