"""Everything search lives here, behind one small interface, so routes never touch the engine:

- ``index_records(kind, ids)`` / ``record_changed(kind, id)`` / ``remove_record(kind, id)``
- ``search(user, SearchRequest)`` → ``SearchPage``; ``suggest(user, text)``; ``related(user, kind, id)``
- ``rebuild()``, ``verify()``, ``status()``

The Whoosh index lives in ``INDEX_DIR`` (``instance/index`` by default).
"""
from app.search.engine import Filters  # noqa: F401
from app.search.service import (  # noqa: F401
    Hit,
    SearchPage,
    SearchRequest,
    VerifyReport,
    bulk_writer,
    index_bulk,
    index_records,
    rebuild,
    record_changed,
    related,
    remove_record,
    search,
    status,
    suggest,
    verify,
)
