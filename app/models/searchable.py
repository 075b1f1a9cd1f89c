"""How a model tells search that its rows are, or are part of, search records.

``app.search.tracking`` watches every flush: a row of a ``Searchable`` model inserted, changed or
deleted queues its record (``search_kind``, id) in the outbox in that same flush; a row of a
``SearchPart`` queues the records it is part of. No service has to remember to do it.
"""
from __future__ import annotations

from typing import ClassVar


class Searchable:
    """A model whose rows are search records of kind ``search_kind`` (``document``, ``news``…);
    a change to any of its columns or collections (fields, units, attachments) is a change of the record."""

    search_kind: ClassVar[str]


class SearchPart:
    """A model whose rows feed other search records: ``search_parent = (kind, attribute)``, the
    attribute holding the record's id (``document_id``) or the records themselves (a task's
    ``updates``, whose index records show the task's title). Only a change to one of its own
    columns counts (a task gaining an update is not a change of its other updates)."""

    search_parent: ClassVar[tuple[str, str]]
