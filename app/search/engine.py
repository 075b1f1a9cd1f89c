"""Query evaluation over the Whoosh index with numpy: matching, permissions, filters, facets,
ranking, suggestions and related records.

Ranking is by Vietnamese words, over every record that matches (not a re-ranked top slice):

1. a document whose number the query names;
2. the whole query as a phrase (syllables side by side, in order; punctuation between them
   does not count) — in the title above in the text;
3. more of the query's adjacent syllable pairs (most Vietnamese words are two syllables);
4. BM25 over the text and the title (the title weighs more), plus the title's pairs.

Phrases and pairs come from positions: each syllable's positions in a segment are one sorted
array of ``(docnum << POSITION_BITS) | position`` keys, so "``b`` right after ``a``" is one
``searchsorted`` over two arrays. Results are cached per segment (``arrays.CACHE``).

Every count, facet, suggestion and related list is computed after the permission mask is
applied, so nothing a user may not read can show through any of them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from app.search.arrays import CACHE, DOC_IDS, EMPTY_IDS, EMPTY_KEYS, EMPTY_WEIGHTS, POSITION_BITS, SegmentArrays
from app.search.query import Alternative, Group, ParsedQuery, Syllable

K1, B = 1.2, 0.75
FACET_FIELDS = ("kind", "category", "doc_type", "issuer", "fields", "year", "status", "state", "unit", "period")
CONTENT, TITLE = "content", "title"
TITLE_WEIGHT = 2.5      # a title term counts this much more than the same term in the text
TITLE_PAIR = 1.5        # per adjacent pair of the query in the title (within a tier)
# Tiers (sort keys above the score): the query as a phrase in the title / in the text.
PHRASE_IN_TITLE, PHRASE_IN_TEXT = 2, 1


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
    state: str = ""
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
    phrase: list[int] = field(default_factory=list)   # per hit: 2 phrase in title, 1 in text, 0 not a phrase
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    any_word: bool = False


def _spec(syllable: Syllable, exact: bool) -> tuple[str, bool]:
    """How a syllable is looked up: its typed form only, or every form of its folded one."""
    if exact and syllable.accented:
        return syllable.text, True
    return syllable.folded, False


def _global(local: np.ndarray, offset: int) -> np.ndarray:
    """A segment's document numbers (32-bit, as cached) as the view's: 64-bit, numpy's index type,
    so that indexing the view's arrays with them needs no conversion each time."""
    return np.add(local, offset, dtype=np.int64)


class View:
    """A searcher's segments seen as one array space of ``size`` document numbers."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.leaves: list[tuple[object, int, SegmentArrays]] = []
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            if reader.segment() is None:  # an index with no segment yet (nothing indexed): no postings
                continue
            self.leaves.append((reader, offset, SegmentArrays(reader)))
        self.size = searcher.doc_count_all()
        alive = np.ones(self.size, dtype=bool)
        for reader, offset, _arrays in self.leaves:
            if reader.has_deletions():
                deleted = np.fromiter(reader.deleted_docs_set, dtype=np.int64)
                alive[offset + deleted] = False
        self.alive = alive
        self.live_count = int(np.count_nonzero(alive))
        self._avg: dict[str, float] = {}
        # Whole-index arrays built from the segments' cached ones, kept for the snapshot's life
        # (threads share a view: two may build the same array once each, never a wrong one).
        self._joined: dict[tuple[str, str], np.ndarray] = {}

    def _combine(self, parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
        ids = [p[0] for p in parts if len(p[0])]
        if not ids:
            return EMPTY_IDS, EMPTY_WEIGHTS
        weights = [p[1] for p in parts if len(p[0])]
        if len(ids) == 1:
            return ids[0], weights[0]
        return np.concatenate(ids), np.concatenate(weights)

    def postings(self, field_name: str, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(global docnums, weights) of one indexed term."""
        return self._combine([(_global(i, offset), w) for _r, offset, arrays in self.leaves
                              for i, w in [arrays.postings(field_name, term)]])

    def syllable_postings(self, field_name: str, syllable: Syllable, exact: bool):
        """(global docnums, weights) of a query syllable: its typed form, or every accented form."""
        text, as_typed = _spec(syllable, exact)
        parts = []
        for _r, offset, arrays in self.leaves:
            ids, weights = arrays.postings(field_name, text) if as_typed else arrays.postings_any(field_name, text)
            parts.append((_global(ids, offset), weights))
        return self._combine(parts)

    def mask(self, field_name: str, term: str) -> np.ndarray:
        result = np.zeros(self.size, dtype=bool)
        ids, _ = self.postings(field_name, term)
        result[ids] = True
        return result

    def syllable_mask(self, field_name: str, syllable: Syllable, exact: bool) -> np.ndarray:
        result = np.zeros(self.size, dtype=bool)
        ids, _ = self.syllable_postings(field_name, syllable, exact)
        result[ids] = True
        return result

    def _whole(self, what: str, field_name: str, dtype) -> np.ndarray:
        """The segments' ``what`` arrays (``lengths`` or ``column``) of one field end to end."""
        joined = self._joined.get((what, field_name))
        if joined is None:
            parts = [getattr(arrays, what)(field_name) for _r, _o, arrays in self.leaves]
            joined = np.zeros(0, dtype=dtype) if not parts else (
                np.concatenate(parts) if len(parts) != 1 else parts[0])
            self._joined[(what, field_name)] = joined
        return joined

    def lengths(self, field_name: str) -> np.ndarray:
        return self._whole("lengths", field_name, np.float32)

    def average_length(self, field_name: str) -> float:
        if field_name not in self._avg:
            lengths = self.lengths(field_name)
            live = lengths[self.alive] if len(lengths) else lengths
            self._avg[field_name] = float(live.mean()) if len(live) else 1.0
        return self._avg[field_name] or 1.0

    def column(self, field_name: str) -> np.ndarray:
        return self._whole("column", field_name, np.int64)

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

    def bm25(self, scores: np.ndarray, field_name: str, syllable: Syllable, exact: bool, weight: float) -> None:
        ids, tf = self.syllable_postings(field_name, syllable, exact)
        if not len(ids):
            return
        # Deleted records still have postings until a merge: count live ones only, so merging
        # never changes a score.
        df = int(np.count_nonzero(self.alive[ids])) if self.live_count < self.size else len(ids)
        idf = math.log(1.0 + (self.live_count - df + 0.5) / (df + 0.5))
        norm = K1 * (1 - B + B * self.lengths(field_name)[ids] / self.average_length(field_name))
        scores[ids] += weight * idf * tf * (K1 + 1) / (tf + norm)  # ids of one posting list are unique

    # Positions: phrases and adjacent pairs, per segment, cached

    def docs_with_sequence(self, field_name: str, sequence: list[Syllable], exact: bool,
                           memo: dict | None = None) -> np.ndarray:
        """Global docnums (sorted) where ``sequence`` stands side by side, in order. ``memo``
        keeps the positions read for one query (its phrase and its pairs share syllables)."""
        specs = tuple(_spec(s, exact) for s in sequence)
        memo = {} if memo is None else memo
        parts = []
        for _r, offset, arrays in self.leaves:
            local = _segment_sequence_docs(arrays, field_name, specs, memo)
            if len(local):
                parts.append(_global(local, offset))
        return np.concatenate(parts) if parts else EMPTY_IDS


def _segment_keys(arrays: SegmentArrays, field_name: str, spec: tuple[str, bool], memo: dict) -> np.ndarray:
    key = (arrays.segment_id, field_name, spec)
    found = memo.get(key)
    if found is None:
        text, as_typed = spec
        found = memo[key] = (arrays.positions(field_name, text) if as_typed
                             else arrays.positions_any(field_name, text))
    return found


def _follows(starts: np.ndarray, keys: np.ndarray, gap: int) -> np.ndarray:
    """The ``starts`` for which ``start + gap`` is in ``keys`` (both sorted)."""
    if not len(starts) or not len(keys):
        return EMPTY_KEYS
    wanted = starts + gap
    spot = np.searchsorted(keys, wanted)
    spot[spot == len(keys)] = len(keys) - 1
    return starts[keys[spot] == wanted]


def _segment_sequence_docs(arrays: SegmentArrays, field_name: str, specs: tuple, memo: dict) -> np.ndarray:
    """Local docnums of one segment holding the syllables ``specs`` side by side (cached)."""
    key = arrays.cache_key("s", field_name, specs)
    found = CACHE.get(key)
    if found is not None:
        return found
    lists = [_segment_keys(arrays, field_name, spec, memo) for spec in specs]
    if any(not len(keys) for keys in lists):
        found = EMPTY_IDS
    elif len(lists) == 1:
        found = np.unique(lists[0] >> POSITION_BITS).astype(DOC_IDS)
    else:
        # Start from the rarest syllable: every check costs a binary search per remaining start.
        order = sorted(range(len(lists)), key=lambda i: len(lists[i]))
        anchor = order[0]
        starts = lists[anchor] - anchor
        starts = starts[(starts & ((1 << POSITION_BITS) - 1)) + len(lists) - 1 < (1 << POSITION_BITS)]
        for i in order[1:]:
            starts = _follows(starts, lists[i], i)
            if not len(starts):
                break
        found = np.unique(starts >> POSITION_BITS).astype(DOC_IDS)
    return CACHE.put(key, found, found.nbytes + 200)


def _alternative_mask(view: View, alt: Alternative, exact: bool, field_name: str) -> np.ndarray:
    mask = None
    for syllable in alt.syllables:
        m = view.syllable_mask(field_name, syllable, exact)
        mask = m if mask is None else (mask & m)
        if not mask.any():
            break
    if mask is None:
        return np.zeros(view.size, dtype=bool)
    if alt.phrase and len(alt.syllables) > 1 and mask.any():
        keep = np.zeros(view.size, dtype=bool)
        keep[view.docs_with_sequence(field_name, alt.syllables, exact)] = True
        mask &= keep
    return mask


def match_mask(view: View, parsed: ParsedQuery, any_word: bool = False, exact: bool = True,
               field_name: str = CONTENT) -> np.ndarray:
    """Documents satisfying every requirement (or, with ``any_word``, at least one), plus
    documents whose number matches a number in the query. ``exact``: syllables typed with
    accents match only that form; otherwise every syllable matches all its forms."""
    result = None
    for group in parsed.groups:
        group_mask = np.zeros(view.size, dtype=bool)
        for alt in group.alternatives:
            group_mask |= _alternative_mask(view, alt, exact, field_name)
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


def score(view: View, parsed: ParsedQuery, exact: bool = True) -> np.ndarray:
    """BM25 over text and title for every syllable the query asks for."""
    scores = np.zeros(view.size, dtype=np.float32)
    seen = set()
    for group in parsed.groups:
        for alt in group.alternatives:
            for syllable in alt.syllables:
                spec = _spec(syllable, exact)
                if spec in seen:
                    continue
                seen.add(spec)
                view.bm25(scores, CONTENT, syllable, exact, 1.0)
                view.bm25(scores, TITLE, syllable, exact, TITLE_WEIGHT)
    return scores


def number_ranks(view: View, parsed: ParsedQuery) -> np.ndarray:
    """Per document: how well its own number matches a number in the query (0: not at all;
    the full number above a prefix, a prefix of the typed document type above any prefix)."""
    ranks = np.zeros(view.size, dtype=np.int16)
    for prefix in parsed.number_prefixes:
        hit = view.mask("number", prefix)
        ranks[hit] = np.maximum(ranks[hit], 1)
        if parsed.type_hint:
            typed = hit & view.mask("doc_type", parsed.type_hint)
            ranks[typed] = np.maximum(ranks[typed], 2)
    for key in parsed.number_keys:
        ranks[view.mask("number", key)] = 3
    return ranks


def phrase_levels(view: View, parsed: ParsedQuery, exact: bool, candidates: np.ndarray,
                  memo: dict | None = None) -> np.ndarray:
    """Per candidate: PHRASE_IN_TITLE, PHRASE_IN_TEXT or 0 (the query, read any of its ways)."""
    levels = np.zeros(len(candidates), dtype=np.int8)
    if not parsed.has_phrase:
        return levels
    in_text = np.zeros(view.size, dtype=bool)
    in_title = np.zeros(view.size, dtype=bool)
    for variant in parsed.phrase_variants:
        if len(variant) < 2:
            continue
        in_text[view.docs_with_sequence(CONTENT, variant, exact, memo)] = True
        in_title[view.docs_with_sequence(TITLE, variant, exact, memo)] = True
    levels[in_text[candidates]] = PHRASE_IN_TEXT
    levels[in_title[candidates]] = PHRASE_IN_TITLE
    return levels


def pair_counts(view: View, sequence: list[Syllable], exact: bool, candidates: np.ndarray,
                field_name: str = CONTENT, memo: dict | None = None) -> np.ndarray:
    """Per candidate: how many distinct adjacent pairs of ``sequence`` stand side by side."""
    counts = np.zeros(view.size, dtype=np.int16)
    pairs = list(dict.fromkeys(zip(sequence, sequence[1:])))
    for first, second in pairs:
        counts[view.docs_with_sequence(field_name, [first, second], exact, memo)] += 1
    return counts[candidates]


def filter_mask(view: View, filters: Filters) -> np.ndarray:
    """The documents of ``view`` that pass ``filters`` (facet values and the date range)."""
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


MULTI_VALUED = {"fields"}  # a document can be in several reform fields; the other facets hold one value


def facet_counts(view: View, mask: np.ndarray) -> dict[str, dict[str, int]]:
    """Return ``{field: {value: count}}`` over the documents in ``mask`` (values with count > 0)."""
    facets: dict[str, dict[str, int]] = {}
    for name in FACET_FIELDS:
        counts: dict[str, int] = {}
        if name in MULTI_VALUED:
            for value in view.lexicon(name):
                ids, _ = view.postings(name, value)
                count = int(np.count_nonzero(mask[ids])) if len(ids) else 0
                if count and value:
                    counts[value] = count
        else:
            for _r, offset, arrays in view.leaves:
                values, codes = arrays.value_codes(name)
                if not values:
                    continue
                chosen = codes[mask[offset:offset + arrays.doc_count]]
                tally = np.bincount(chosen[chosen >= 0], minlength=len(values))
                for code in np.flatnonzero(tally).tolist():
                    if values[code]:
                        counts[values[code]] = counts.get(values[code], 0) + int(tally[code])
        facets[name] = counts
    return facets


def allowed_mask(view: View, access: Access, filters: Filters) -> np.ndarray:
    """The records this user may read that pass the filters."""
    return view.access_mask(access) & filter_mask(view, filters)


def evaluate(view: View, parsed: ParsedQuery, access: Access, filters: Filters, sort: str, offset: int,
             limit: int, any_word: bool = False, with_facets: bool = True, exact: bool = True,
             field_name: str = CONTENT, positions: bool = True, allowed: np.ndarray | None = None) -> Evaluation:
    """Return the total, the page of document numbers in order, and the facets.

    ``exact``: syllables typed with accents match that form only. ``field_name``: search the
    whole text (``content``) or titles only (``title``). ``positions=False`` skips phrase and
    pair ranking (related records: long seeds, BM25 is enough). ``allowed``: ``allowed_mask``
    when the caller already has it (one search evaluates the query more than once)."""
    if allowed is None:
        allowed = allowed_mask(view, access, filters)
    if parsed.is_empty:
        matched = allowed.copy()  # no words: browse everything the user may read, newest first
        sort = "newest"
    else:
        matched = match_mask(view, parsed, any_word, exact, field_name) & allowed
    total = int(np.count_nonzero(matched))
    evaluation = Evaluation(total=total, any_word=any_word)
    if with_facets:
        evaluation.facets = facet_counts(view, matched)
    if not total or offset >= total:
        return evaluation
    candidates = np.flatnonzero(matched)
    dates = view.column("date")[candidates] if view.leaves else np.zeros(len(candidates), dtype=np.int64)
    levels = np.zeros(len(candidates), dtype=np.int8)
    if sort == "newest":
        relevance = np.zeros(len(candidates), dtype=np.float32)
        order = np.lexsort((-candidates, -dates))
    else:
        relevance = score(view, parsed, exact)[candidates]
        sequence = parsed.sequence
        pairs = np.zeros(len(candidates), dtype=np.int16)
        if positions and parsed.has_phrase:
            memo: dict = {}  # positions read for this query
            levels = phrase_levels(view, parsed, exact, candidates, memo)
            relevance += TITLE_PAIR * pair_counts(view, sequence, exact, candidates, TITLE, memo)
            # Pairs only order what the phrase tiers leave: skip them when phrases fill the page.
            if len(sequence) >= 3 and np.count_nonzero(levels) < offset + limit:
                pairs = pair_counts(view, sequence, exact, candidates, CONTENT, memo)
        numbers = number_ranks(view, parsed)[candidates] if parsed.number_keys or parsed.number_prefixes \
            else np.zeros(len(candidates), dtype=np.int16)
        order = np.lexsort((-candidates, -dates, -relevance, -pairs, -levels, -numbers))
    page = order[offset:offset + limit]
    evaluation.docnums = [int(candidates[i]) for i in page]
    evaluation.scores = [float(relevance[i]) for i in page]
    evaluation.phrase = [int(levels[i]) for i in page]
    return evaluation


def distinctive(view: View, parsed: ParsedQuery, keep: int) -> ParsedQuery:
    """A query of the ``keep`` syllables of ``parsed`` (accents folded) that the fewest records
    hold, skipping those only one record holds (the seed itself): "more like this" ranks by
    what sets a record apart, and scores a dozen short posting lists instead of every common word's."""
    frequency: dict[Syllable, int] = {}
    for syllable in parsed.all_syllables():
        folded = Syllable.folded_only(syllable.folded)
        if folded not in frequency:
            frequency[folded] = len(view.syllable_postings(CONTENT, folded, False)[0])
    chosen = sorted((s for s, df in frequency.items() if df >= 2), key=lambda s: (frequency[s], s.folded))[:keep]
    return ParsedQuery(text=" ".join(s.text for s in chosen),
                       groups=[Group(alternatives=[Alternative(syllables=[s])]) for s in chosen])


def count(view: View, parsed: ParsedQuery, allowed: np.ndarray, exact: bool, field_name: str = CONTENT) -> int:
    """How many records in ``allowed`` match (no ranking, no facets)."""
    return int(np.count_nonzero(match_mask(view, parsed, False, exact, field_name) & allowed))


def visible_count(view: View, field_name: str, term: str, allowed: np.ndarray) -> int:
    """How many documents the user may read contain ``term`` (as indexed)."""
    ids, _ = view.postings(field_name, term)
    return int(np.count_nonzero(allowed[ids])) if len(ids) else 0


def visible_count_any(view: View, field_name: str, folded: str, allowed: np.ndarray) -> int:
    """How many documents the user may read contain any accented form of ``folded``."""
    ids, _ = view.syllable_postings(field_name, Syllable.folded_only(folded), exact=False)
    return int(np.count_nonzero(allowed[ids])) if len(ids) else 0

