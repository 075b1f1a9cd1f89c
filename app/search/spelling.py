""""Có phải bạn muốn tìm …": corrections built only from words of records the user may read."""
from __future__ import annotations

from app import vntext
from app.search import engine
from app.search.query import parse


def _accented_forms(view) -> dict[str, list[str]]:
    forms = getattr(view, "_accented_forms", None)
    if forms is None:
        forms = {}
        for term in view.lexicon("head"):
            forms.setdefault(vntext.fold(term), []).append(term)
        view._accented_forms = forms
    return forms


def _candidates(view, word: str) -> set[str]:
    found = set()
    maxdist = 1 if len(word) <= 4 else 2
    for reader, _offset, _arrays in view.leaves:
        try:
            found.update(t if isinstance(t, str) else t.decode("utf-8")
                         for t in reader.terms_within("content_f", word, maxdist))
        except Exception:  # noqa: BLE001 - a reader without the field
            continue
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


def correct(view, parsed, allowed) -> str | None:
    """Return the query with each word no readable record contains replaced by the closest
    word that readable records do contain (accents restored), or None if nothing helps."""
    words = parsed.text.split()
    changed = False
    result = []
    for word in words:
        folded_word = "".join(ch for ch in vntext.fold(vntext.nfc(word)).lower() if ch.isalnum())
        if not folded_word or folded_word.isdigit() or engine.visible_count(view, "content_f", folded_word, allowed):
            result.append(word)
            continue
        best, best_rank = None, None
        for candidate in _candidates(view, folded_word):
            count = engine.visible_count(view, "content_f", candidate, allowed)
            rank = (_distance(folded_word, candidate), -count)
            if count and (best_rank is None or rank < best_rank):
                best, best_rank = candidate, rank
        if best is None:
            result.append(word)
            continue
        accented = [f for f in _accented_forms(view).get(best, []) if
                    engine.visible_count(view, "head", f, allowed)]
        if accented:
            best = max(accented, key=lambda f: engine.visible_count(view, "head", f, allowed))
        result.append(best)
        changed = True
    if not changed:
        return None
    suggestion = " ".join(result)
    matched = engine.match_mask(view, parse(suggestion)) & allowed
    return suggestion if matched.any() else None
