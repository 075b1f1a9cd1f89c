"""Query evaluation over the Whoosh index with numpy: matching, permissions, filters, facets,
ranking, suggestions and related records.

Every count, facet, suggestion and related list is computed after the permission mask is
applied, so nothing a user may not read can show through any of them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from app.search.arrays import segment_arrays
from app.search.query import Alternative, ParsedQuery

K1, B = 1.2, 0.75
FACET_FIELDS = ("kind", "category", "doc_type", "issuer", "fields", "year", "status", "unit", "period")
WEIGHTS = {  # field → weight of a matching term
    "content_f": 1.0, "title_f": 2.5, "head": 0.8, "title_bi": 3.0,
}
# Fields indexed without lengths borrow them from the folded view of the same text.
LENGTH_FIELD = {"title_bi": "title_f"}
PROXIMITY = 4.0  # at most, for syllables side by side but not in the typed order
RERANK_DEPTH = 60
PHRASE_IN_TITLE, PHRASE_IN_CONTENT = 12.0, 10.0
NUMBER_EXACT, NUMBER_PREFIX, TYPE_MATCH = 1000.0, 400.0, 50.0


@dataclass
class Filters:
    """Filters chosen by the user (values as indexed)."""

    kind: str = ""
    category: str = ""
    doc_type: str = ""
    issuer: str = ""
    fields: str = ""
    year: str = ""
    status: str = ""
    unit: str = ""
    period: str = ""
    date_from: int = 0   # yyyymmdd
    date_to: int = 0

    def terms(self) -> list[tuple[str, str]]:
        return [(name, getattr(self, name)) for name in FACET_FIELDS if getattr(self, name)]


@dataclass
class Access:
    """Who is searching: ``everything`` for admins, else the access terms they hold."""

    everything: bool = False
    terms: tuple[str, ...] = ("all",)
    now: int = 0  # minutes since 1970 UTC: records outside their live window are hidden from everyone


@dataclass
class Evaluation:
    total: int = 0
    docnums: list[int] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    any_word: bool = False


class View:
    """A searcher's segments seen as one array space of ``size`` document numbers."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.leaves = []
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            if reader.segment() is None:  # an index with no segment yet (nothing indexed): no postings
                continue
            self.leaves.append((reader, offset, segment_arrays(reader)))
        self.size = searcher.doc_count_all()
        alive = np.ones(self.size, dtype=bool)
        for reader, offset, _arrays in self.leaves:
            if reader.has_deletions():
                deleted = np.fromiter(reader.deleted_docs_set, dtype=np.int64)
                alive[offset + deleted] = False
        self.alive = alive
        self._avg: dict[str, float] = {}

    def postings(self, field_name: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        ids, weights = [], []
        for _reader, offset, arrays in self.leaves:
            i, w = arrays.postings(field_name, term)
            if len(i):
                ids.append(i + offset)
                weights.append(w)
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if len(ids) == 1:
            return ids[0], weights[0]
        return np.concatenate(ids), np.concatenate(weights)

    def mask(self, field_name: str, term: str) -> np.ndarray:
        result = np.zeros(self.size, dtype=bool)
        ids, _ = self.postings(field_name, term)
        result[ids] = True
        return result

    def positions(self, field_name: str, term: str, docnums: np.ndarray) -> dict[int, list[int]]:
        """Return ``{docnum: positions}`` of ``term`` in the given (sorted, global) docnums."""
        found: dict[int, list[int]] = {}
        for _reader, offset, arrays in self.leaves:
            local = docnums[(docnums >= offset) & (docnums < offset + arrays.doc_count)] - offset
            for docnum, spots in arrays.positions(field_name, term, local).items():
                found[docnum + offset] = spots
        return found

    def lengths(self, field_name: str) -> np.ndarray:
        parts = [arrays.lengths(field_name) for _r, _o, arrays in self.leaves]
        return np.concatenate(parts) if len(parts) != 1 else parts[0]

    def average_length(self, field_name: str) -> float:
        if field_name not in self._avg:
            lengths = self.lengths(field_name)
            live = lengths[self.alive] if len(lengths) else lengths
            self._avg[field_name] = float(live.mean()) if len(live) else 1.0
        return self._avg[field_name] or 1.0

    def column(self, field_name: str) -> np.ndarray:
        parts = [arrays.column(field_name) for _r, _o, arrays in self.leaves]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return np.concatenate(parts) if len(parts) != 1 else parts[0]

    def lexicon(self, field_name: str) -> list[str]:
        terms = set()
        for _r, _o, arrays in self.leaves:
            terms.update(arrays.lexicon(field_name))
        return sorted(terms)

    def access_mask(self, access: Access) -> np.ndarray:
        if access.everything:
            allowed = self.alive.copy()
        else:
            allowed = np.zeros(self.size, dtype=bool)
            for term in access.terms:
                allowed |= self.mask("access", term)
            allowed &= self.alive
        if access.now and self.size:
            live_from, live_until = self.column("live_from"), self.column("live_until")
            allowed &= (live_from <= access.now) & ((live_until == 0) | (live_until > access.now))
        return allowed

    def bm25(self, scores: np.ndarray, field_name: str, term: str, weight: float) -> None:
        ids, tf = self.postings(field_name, term)
        if not len(ids):
            return
        df = len(ids)
        idf = math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))
        length_field = LENGTH_FIELD.get(field_name, field_name)
        norm = K1 * (1 - B + B * self.lengths(length_field)[ids] / self.average_length(length_field))
        _add(scores, ids, weight * idf * tf * (K1 + 1) / (tf + norm))


def _add(scores: np.ndarray, ids: np.ndarray, values: np.ndarray) -> None:
    # Posting ids of one term are unique within the index, so plain fancy-index addition is exact.
    scores[ids] += values


def _alternative_mask(view: View, alt: Alternative) -> np.ndarray:
    mask = None
    for term in alt.unigrams:
        m = view.mask("content_f", term)
        mask = m if mask is None else (mask & m)
        if not mask.any():
            break
    if mask is None:
        return np.zeros(view.size, dtype=bool)
    if alt.phrase and mask.any():
        candidates = np.flatnonzero(mask)
        keep = np.zeros(view.size, dtype=bool)
        keep[list(_phrase_docs(view, alt.unigrams, candidates))] = True
        mask &= keep
    return mask


def _term_positions(view: View, terms: list[str], docnums: np.ndarray) -> dict[str, dict[int, list[int]]]:
    return {term: view.positions("content_f", term, docnums) for term in dict.fromkeys(terms)}


def _phrase_docs(view: View, terms: list[str], docnums: np.ndarray) -> set[int]:
    """The docnums where ``terms`` stand side by side, in order."""
    where = _term_positions(view, terms, docnums)
    found = set()
    first = where[terms[0]]
    for docnum, starts in first.items():
        later = [set(where[t].get(docnum, ())) for t in terms[1:]]
        if any(all(start + i + 1 in spots for i, spots in enumerate(later)) for start in starts):
            found.add(docnum)
    return found


def proximity_bonus(view: View, parsed: ParsedQuery, docnums: np.ndarray) -> np.ndarray:
    """For each docnum: a bonus when the typed syllables stand as a phrase, or close together."""
    bonus = np.zeros(len(docnums), dtype=np.float32)
    terms = parsed.sequence
    if len(terms) < 2 or not len(docnums):
        return bonus
    ordered = np.sort(docnums)
    where = _term_positions(view, terms, ordered)
    distinct = list(dict.fromkeys(terms))
    for i, docnum in enumerate(docnums.tolist()):
        lists = [where[t].get(docnum) for t in distinct]
        if any(not spots for spots in lists):
            continue
        if any(all(start + k in set(where[terms[k]].get(docnum, ())) for k in range(1, len(terms)))
               for start in where[terms[0]][docnum]):
            bonus[i] = PHRASE_IN_CONTENT
            continue
        span = _smallest_window(lists)
        bonus[i] = PROXIMITY * len(distinct) / span if span else 0.0
    return bonus


def _smallest_window(lists: list[list[int]]) -> int:
    """Length of the smallest window holding one position from every list."""
    events = sorted((pos, k) for k, spots in enumerate(lists) for pos in spots[:200])
    need, have, counts, best, left = len(lists), 0, [0] * len(lists), None, 0
    for right, (pos, k) in enumerate(events):
        counts[k] += 1
        if counts[k] == 1:
            have += 1
        while have == need:
            width = pos - events[left][0] + 1
            best = width if best is None else min(best, width)
            lk = events[left][1]
            counts[lk] -= 1
            if counts[lk] == 0:
                have -= 1
            left += 1
    return best or 0


def match_mask(view: View, parsed: ParsedQuery, any_word: bool = False) -> np.ndarray:
    """Documents satisfying every requirement (or, with ``any_word``, at least one), plus
    documents whose number matches a number in the query."""
    result = None
    for group in parsed.groups:
        group_mask = np.zeros(view.size, dtype=bool)
        for alt in group.alternatives:
            group_mask |= _alternative_mask(view, alt)
        if result is None:
            result = group_mask
        elif any_word:
            result |= group_mask
        else:
            result &= group_mask
    if result is None:
        result = np.zeros(view.size, dtype=bool)
    for key in parsed.number_keys + parsed.number_prefixes:
        result |= view.mask("number", key)
    return result


def score(view: View, parsed: ParsedQuery, candidates: np.ndarray) -> np.ndarray:
    """Return a relevance score for every document (only ``candidates`` matter)."""
    scores = np.zeros(view.size, dtype=np.float32)
    for group in parsed.groups:
        for alt in group.alternatives:
            for term in alt.unigrams:
                view.bm25(scores, "content_f", term, WEIGHTS["content_f"])
                view.bm25(scores, "title_f", term, WEIGHTS["title_f"])
    for term in parsed.phrase_bigrams:
        view.bm25(scores, "title_bi", term, WEIGHTS["title_bi"])
    if parsed.phrase_bigrams:
        in_title = np.ones(view.size, dtype=bool)
        for term in parsed.phrase_bigrams:
            in_title &= view.mask("title_bi", term)
        scores[in_title] += PHRASE_IN_TITLE
    for term in parsed.exact:  # the accents the user typed, matched exactly in title and summary
        view.bm25(scores, "head", term, WEIGHTS["head"])
    for key in parsed.number_keys:
        scores[view.mask("number", key)] += NUMBER_EXACT
    for prefix in parsed.number_prefixes:
        hit = view.mask("number", prefix)
        scores[hit] += NUMBER_PREFIX
        if parsed.type_hint:
            scores[hit & view.mask("doc_type", parsed.type_hint)] += TYPE_MATCH
    return scores


def filter_mask(view: View, filters: Filters) -> np.ndarray:
    mask = np.ones(view.size, dtype=bool)
    for name, value in filters.terms():
        mask &= view.mask(name, value)
    if filters.date_from or filters.date_to:
        dates = view.column("date")
        if filters.date_from:
            mask &= dates >= filters.date_from
        if filters.date_to:
            mask &= dates <= filters.date_to
    return mask


def facet_counts(view: View, mask: np.ndarray) -> dict[str, dict[str, int]]:
    """Return ``{field: {value: count}}`` over the documents in ``mask`` (values with count > 0)."""
    facets: dict[str, dict[str, int]] = {}
    for name in FACET_FIELDS:
        counts = {}
        for value in view.lexicon(name):
            if not value:
                continue
            ids, _ = view.postings(name, value)
            count = int(np.count_nonzero(mask[ids])) if len(ids) else 0
            if count:
                counts[value] = count
        facets[name] = counts
    return facets


def evaluate(view: View, parsed: ParsedQuery, access: Access, filters: Filters, sort: str, offset: int,
             limit: int, any_word: bool = False, with_facets: bool = True) -> Evaluation:
    """Return the total, the page of document numbers in order, and the facets."""
    allowed = view.access_mask(access) & filter_mask(view, filters)
    if parsed.is_empty:
        matched = allowed.copy()  # no words: browse everything the user may read, newest first
        sort = "newest"
    else:
        matched = match_mask(view, parsed, any_word) & allowed
    total = int(np.count_nonzero(matched))
    evaluation = Evaluation(total=total, any_word=any_word)
    if with_facets:
        evaluation.facets = facet_counts(view, matched)
    if not total or offset >= total:
        return evaluation
    candidates = np.flatnonzero(matched)
    dates = view.column("date")[candidates] if len(view.leaves) else np.zeros(len(candidates))
    if sort == "newest":
        relevance = np.zeros(len(candidates), dtype=np.float32)
        order = np.lexsort((-candidates, -dates))
    else:
        relevance = score(view, parsed, matched)[candidates]
        # Proximity needs positions, so it is computed for the best-scored part only: deep enough
        # that a phrase match below the page is still lifted onto it.
        depth = min(total, max(offset + limit + 40, RERANK_DEPTH))
        if depth < len(candidates):
            top = np.argpartition(-relevance, depth - 1)[:depth]
        else:
            top = np.arange(len(candidates))
        relevance[top] += proximity_bonus(view, parsed, candidates[top])
        order = top[np.lexsort((-candidates[top], -dates[top], -relevance[top]))]
    page = order[offset:offset + limit]
    evaluation.docnums = [int(candidates[i]) for i in page]
    evaluation.scores = [float(relevance[i]) for i in page]
    return evaluation


def visible_count(view: View, field_name: str, term: str, allowed: np.ndarray) -> int:
    """How many documents the user may read contain ``term``."""
    ids, _ = view.postings(field_name, term)
    return int(np.count_nonzero(allowed[ids])) if len(ids) else 0
