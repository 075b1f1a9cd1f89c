""""Có phải bạn muốn tìm …": corrections built only from words of records the user may read."""
from __future__ import annotations

import string

from app import vntext
from app.search import engine
from app.search.query import parse

_LETTERS = string.ascii_lowercase + string.digits
# One edit only: a Vietnamese syllable has at most seven letters and a typo is mostly one letter
# missing, doubled or wrong; two edits of a long word are hundreds of thousands of strings to try,
# which any reader could ask for with one query.
MAX_WORD = 12        # longer words are not syllables: not corrected
MAX_CORRECTED = 6    # unknown words corrected per query, at most


def _edits(word: str) -> set[str]:
    """Every string one deletion, insertion, substitution or swap away from ``word``."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = {a + b[1:] for a, b in splits if b}
    found |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    found |= {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    found |= {a + c + b for a, b in splits for c in _LETTERS}
    found.discard(word)
    return found


def _known(view, words) -> set[str]:
    """The folded syllables among ``words`` that some segment holds in its text."""
    return {w for w in words if any(arrays.variants(engine.CONTENT, w) for _r, _o, arrays in view.leaves)}


def _candidates(view, word: str) -> set[str]:
    found = _known(view, _edits(word))
    found.discard(word)
    return found


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (short words only)."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _best_form(view, folded: str, allowed) -> str:
    """The accented form of ``folded`` that most readable records hold."""
    forms = {form for _r, _o, arrays in view.leaves for form in arrays.variants(engine.CONTENT, folded)}
    counted = [(engine.visible_count(view, engine.CONTENT, form, allowed), form) for form in sorted(forms)]
    counted = [item for item in counted if item[0]]
    return max(counted)[1] if counted else folded


def correct(view, parsed, allowed) -> str | None:
    """Return the query with each word no readable record contains replaced by the closest
    word that readable records do contain (accents restored), or None if nothing helps."""
    words = parsed.text.split()
    changed = False
    result = []
    tried = 0
    for word in words:
        folded_word = "".join(ch for ch in vntext.fold(vntext.nfc(word)).lower() if ch.isalnum())
        if not folded_word or folded_word.isdigit() or not folded_word.isascii() or len(folded_word) > MAX_WORD \
                or tried >= MAX_CORRECTED or engine.visible_count_any(view, engine.CONTENT, folded_word, allowed):
            result.append(word)
            continue
        tried += 1
        best, best_rank = None, None
        for candidate in _candidates(view, folded_word):
            count = engine.visible_count_any(view, engine.CONTENT, candidate, allowed)
            # Fewest edits; then the same length (a wrong letter is a likelier typo than a missing
            # or extra one: "chánh" is "chính" before "hành"); then the commonest; then the
            # alphabet, so the same query always gets the same correction.
            rank = (_distance(folded_word, candidate), abs(len(candidate) - len(folded_word)), -count, candidate)
            if count and (best_rank is None or rank < best_rank):
                best, best_rank = candidate, rank
        if best is None:
            result.append(word)
            continue
        result.append(_best_form(view, best, allowed))
        changed = True
    if not changed:
        return None
    suggestion = " ".join(result)
    matched = engine.match_mask(view, parse(suggestion)) & allowed
    return suggestion if matched.any() else None
