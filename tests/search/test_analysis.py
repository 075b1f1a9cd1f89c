"""Index-time analysis: the fast paths give exactly the terms and positions of the reference functions."""
import random
import unicodedata

import numpy as np

from app import vntext
from app.search import analysis

TRICKY = [
    "Hoà bình, thuỷ lợi, khoẻ mạnh, quý, Quỷ, HOÀ.", "toàn bộ đoàn hoàn thành loại khoản", "hoà\u0300",
    unicodedata.normalize("NFD", "Cải cách hành chính hoà nhập thuỷ sản"), "a \u0301b c\u0301 \u0301", "ΟΔΟΣ ΟΔΟΣ. σΣ",
    "İstanbul İ", "x\u2000y\u00a0z\u3000w\u205fv", "Ðà Nẵng ĐÀ NẴNG đà", "hoà😀 emoji😀", "oà", "uỳ", "Oà!", "ủy ỦY Uỷ",
    "107/2021/NĐ-CP; 16-NQ/TU", "", "   ", "\x1c\x1d\x1e\x1f", "ǅ ǆ ﬁ", "ọ\u0302 ộ ô\u0323",
]
ALPHABET = list("aeouyqdAEOUYQĐđÐ ,.\n\t-_/0") + list(vntext.TONE_MARKS) + ["\u0302", "\u0306", "\u031b", "\u1dc0"] \
    + list("àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÝỲơưăâêôƠƯĂÂÊÔΣσİ\u2000\u00a0😀")


def _samples():
    rng = random.Random(4)
    yield from TRICKY
    for _ in range(3000):
        yield "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 30)))


def test_nfc_fast_path_equals_the_reference():
    for text in _samples():
        assert vntext.nfc(text) == vntext._nfc_reference(text), repr(text)


def test_folded_syllables_fold_each_exact_syllable():
    for text in _samples():
        expected = [f for word in analysis.syllables(text)
                    for f in analysis.SYLLABLE.findall(vntext.fold(word).lower())]
        assert analysis.folded_syllables(text) == expected, repr(text)
    assert analysis.folded_syllables("Hoà bình THUỶ lợi, Đà Nẵng") == ["hoa", "binh", "thuy", "loi", "da", "nang"]


def test_vocabulary_ids_are_the_syllables_in_order():
    vocabulary = analysis.SyllableVocabulary()
    for text in _samples():
        ids = vocabulary.ids(text)
        assert [vocabulary.terms[i] for i in ids] == analysis.syllables(text), repr(text)
    # one id per syllable as written, whatever its tone convention or case; accents tell words apart
    ids = vocabulary.ids("hoà hòa HOÀ hoa hóa của cửa")
    assert ids[0] == ids[1] == ids[2] and len(set(ids)) == 5


def test_syllable_field_terms_and_positions_equal_the_batch_writer():
    """``SyllableField.index`` (one document) gives what ``SyllableBatch`` (a batch) writes."""
    from app.search.postings import SyllableBatch

    field = analysis.SyllableField(positions=True)
    for text in list(_samples())[:400]:
        batch = SyllableBatch(True, analysis.SyllableVocabulary())
        batch.add(0, text)
        if not len(batch):
            assert field.index(text) == []
            continue
        grouped = batch.grouped(np.zeros(2, dtype=np.int64))
        expected = sorted((word, freq, value) for word, freq, _w, value in field.index(text))
        got = sorted((grouped.term_bytes[t], int(grouped.starts[t + 1] - grouped.starts[t]) and
                      int(grouped.weight[grouped.starts[t]]), grouped.values[grouped.starts[t]])
                     for t in range(len(grouped.term_bytes)))
        assert got == expected, repr(text)


def test_packed_positions_read_back_what_was_written():
    packed = analysis.PackedPositions()
    for spots in ([0], [7], [3, 4, 90], list(range(0, 5000, 7)), [150_000], [1, 150_000], [2**31 + 5]):
        encoded = packed.encode(spots)
        assert packed.decode_positions(encoded) == spots
        assert packed.decode_frequency(encoded) == len(spots) == packed.decode_weight(encoded)
