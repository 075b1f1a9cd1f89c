"""The one adapter to Whoosh's file formats (``app.search.whoosh_adapter``): it refuses another
Whoosh than the pinned one, no other search module touches Whoosh's private names, and what it
reads (through ``arrays.SegmentArrays``) is what Whoosh's public reader says, for random segments
written by our writer, by Whoosh's own writer and by our merges."""
import ast
import os
import random

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from app.search import arrays, merge, whoosh_adapter
from app.search import index as search_index
from app.search.schema import make_schema

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEARCH = os.path.join(ROOT, "app", "search")


# The version check

def test_only_the_pinned_whoosh_is_accepted():
    whoosh_adapter.check_version("2.7.5", (2, 7, 5))
    with pytest.raises(whoosh_adapter.WhooshVersionError) as other:
        whoosh_adapter.check_version("2.7.6", (2, 7, 6))
    assert "whoosh-reloaded 2.7.5" in str(other.value) and "whoosh-reloaded 2.7.6" in str(other.value)
    assert "pip install -r requirements.txt" in str(other.value)
    with pytest.raises(whoosh_adapter.WhooshVersionError) as original:
        whoosh_adapter.check_version(None, (2, 7, 4))  # the original Whoosh package
    assert "another Whoosh (2.7.4)" in str(original.value)


def test_the_checked_version_is_the_pinned_one():
    with open(os.path.join(ROOT, "requirements.txt"), encoding="utf-8") as fh:
        pins = dict(line.strip().split("==") for line in fh if "==" in line)
    assert pins[whoosh_adapter.DISTRIBUTION] == whoosh_adapter.VERSION


# Private names

def _whoosh_imports(tree) -> set[str]:
    return {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            and (node.module or "").startswith("whoosh") for alias in node.names}


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_uses(source: str) -> list[str]:
    """What a module does with Whoosh's private names: imports them, reads another object's
    private attribute, or, in a class built on a Whoosh class, overrides a private method or reads
    a private attribute it does not set itself."""
    tree = ast.parse(source)
    found = []
    whoosh_names = _whoosh_imports(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whoosh"):
            found += [f"imports {alias.name}" for alias in node.names if _private(alias.name)]
        elif isinstance(node, ast.Attribute) and _private(node.attr) and not (
                isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
            found.append(f"reads .{node.attr} (line {node.lineno})")
        elif isinstance(node, ast.ClassDef) and any(isinstance(b, ast.Name) and b.id in whoosh_names
                                                    for b in node.bases):
            found += [f"{node.name} overrides {item.name}" for item in node.body
                      if isinstance(item, ast.FunctionDef) and _private(item.name)]
            own = {target.attr for item in ast.walk(node) if isinstance(item, (ast.Assign, ast.AugAssign))
                   for target in (item.targets if isinstance(item, ast.Assign) else [item.target])
                   if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                   and target.value.id == "self"}
            found += [f"{node.name} reads self.{item.attr}" for item in ast.walk(node)
                      if isinstance(item, ast.Attribute) and _private(item.attr) and item.attr not in own
                      and isinstance(item.value, ast.Name) and item.value.id == "self"]
    return found


def test_the_guard_sees_private_names():
    assert private_uses("from whoosh.codec.whoosh3 import _lenfield") == ["imports _lenfield"]
    assert private_uses("def f(ix):\n    return ix._segments()") == ["reads ._segments (line 2)"]
    assert private_uses("from whoosh.writing import SegmentWriter\nclass W(SegmentWriter):\n"
                        "    def _flush_segment(self):\n        return self._added\n") \
        == ["W overrides _flush_segment", "W reads self._added"]


def test_no_other_search_module_touches_whoosh_private_names():
    offenders = {}
    for name in sorted(os.listdir(SEARCH)):
        if name.endswith(".py") and name != "whoosh_adapter.py":
            with open(os.path.join(SEARCH, name), encoding="utf-8") as fh:
                uses = private_uses(fh.read())
            if uses:
                offenders[name] = uses
    assert offenders == {}


# Reading, compared with Whoosh's public reader

SYLLABLES = ("cải cách hành chính thủ tục một cửa của cua cửa hoà hòa thuỷ Đà Nẵng số 107/2021/NĐ-CP dịch vụ "
             "công trực tuyến kiểm tra 2024 chỉ số PAR Index").split()


def _record(rng: random.Random, i: int, long_text: bool = False) -> dict:
    size = 66_000 if long_text else rng.choice((0, 1, 3, 40, 150, 400))  # 66,000: positions past 65,535
    text = " ".join(rng.choice(SYLLABLES) for _ in range(size))
    return {"uid": f"document:{i}", "kind": rng.choice(("document", "news", "progress")), "record_id": i,
            "title": text[:rng.choice((0, 20, 80))], "content": text,
            "number": rng.choice(("", "107,107/2021", "2337,2337/kh-ttcp")), "number_display": f"số {i}",
            "category": rng.choice(("legal", "reform", "procedure")), "issuer": rng.choice(("Chính phủ", "TTCP", "")),
            "fields": rng.choice(("1", "1,3", "7")), "year": str(rng.randint(2017, 2024)), "status": "",
            "unit": rng.choice(("VPC", "TCCB", "")), "date": 20170101 + rng.randint(0, 80000),
            "access": rng.choice(("all", "unit:2 user:5", "unit:3")), "live_from": rng.randint(0, 9) * 1000,
            "version": rng.randint(1, 4)}


STORED = ("uid", "kind", "record_id", "number", "number_display", "issuer", "date", "version")


def _fill(ix, make_writer, records: dict, rng: random.Random, commits: int) -> None:
    """Several commits of new and replaced records (a replaced one is deleted in its old segment)."""
    next_id = len(records)
    for commit in range(commits):
        writer = make_writer(ix)
        earlier = sorted(records)  # a writer replaces records of earlier commits only
        for n in range(rng.randint(1, 120)):
            if earlier and rng.random() < 0.3:
                i = earlier.pop(rng.randrange(len(earlier)))  # an edit: the old version is deleted
            else:
                i, next_id = next_id, next_id + 1
            records[i] = _record(rng, i, long_text=commit == 1 and n == 0)
            writer.update_document(**records[i])
        writer.commit()


def _public_postings(reader, field: str, tbytes: bytes) -> list[tuple[int, float, bytes]]:
    matcher, found = reader.postings(field, tbytes), []
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight(), matcher.value()))
        matcher.next()
    return found


def _compare_segment(reader, records: dict) -> int:
    """Compare everything the adapter reads of one segment with Whoosh's public reader and with the
    records written; return how many postings were compared."""
    schema = reader.schema
    deleted = {d for d in range(reader.doc_count_all()) if reader.is_deleted(d)}
    live = [d for d in range(reader.doc_count_all()) if d not in deleted]
    record_of = {d: records[reader.stored_fields(d)["record_id"]] for d in live}
    for d in live:  # stored fields (a merge copies them; the lengths below too)
        assert reader.stored_fields(d) == {name: record_of[d][name] for name in STORED
                                           if record_of[d].get(name) is not None}
    segment = arrays.SegmentArrays(reader)
    by_field = whoosh_adapter.terms_by_field(reader)
    assert sorted(by_field) == sorted(name for name in reader.indexed_field_names() if list(reader.lexicon(name)))
    compared = 0
    for field, terms in by_field.items():
        assert [tbytes for tbytes, _info in terms] == list(reader.lexicon(field))
        positional = schema[field].format.supports("positions")
        textual = not schema[field].column_type  # numeric fields hold encoded terms, not text
        for tbytes, info in terms:
            public = _public_postings(reader, field, tbytes)
            assert info.doc_frequency() == reader.doc_frequency(field, tbytes)
            blocks = list(whoosh_adapter.read_blocks(whoosh_adapter.postings_of(reader, field, tbytes, info)))
            ids = np.concatenate([b[0] for b in blocks]).tolist()
            weights = np.concatenate([b[1] for b in blocks]).tolist()
            kept = [(i, w) for i, w in zip(ids, weights) if i not in deleted]
            assert kept == [(i, pytest.approx(w)) for i, w, _v in public], (field, tbytes)
            if positional:  # variable-size values, one per posting: the positions
                values = [v for b in blocks for v in b[2]]
                assert [v for i, v in zip(ids, values) if i not in deleted] == [v for _i, _w, v in public]
            assert set(ids) - {i for i, _w, _v in public} <= deleted
            if textual:  # what search reads: deleted documents may be left in (masked at query time)
                term = tbytes.decode("utf-8")
                array_ids, array_weights = segment.postings(field, term)
                found = zip(array_ids.tolist(), array_weights.tolist())
                assert [(i, w) for i, w in found if i not in deleted] \
                    == [(i, pytest.approx(w)) for i, w, _v in public], (field, term)
                if positional:
                    keys = segment.positions(field, term)
                    pairs = {(i, p) for i, p in zip((keys >> arrays.POSITION_BITS).tolist(),
                                                    (keys & arrays.MAX_POSITION).tolist()) if i not in deleted}
                    assert pairs == {(i, p) for i, _w, v in public for p in schema[field].format.decode_positions(v)}
            compared += len(public)
    for field in (name for name in schema.names() if schema[name].scorable):
        lengths = segment.lengths(field)
        assert lengths.tolist() == [pytest.approx(reader.doc_field_length(d, field) or 0) for d in range(len(lengths))]
    for field in ("date", "live_from"):
        column = segment.column(field)
        assert all(column[d] == record_of[d][field] for d in live)
    for field in ("kind", "category", "year", "unit"):
        values, codes = segment.value_codes(field)
        assert all((values[codes[d]] if codes[d] >= 0 else "") == record_of[d][field] for d in live)
    return compared


def _compare_index(ix, records: dict) -> tuple[int, int]:
    arrays.CACHE.clear()
    with ix.searcher() as searcher:
        leaves = list(searcher.reader().leaf_readers())
        compared = sum(_compare_segment(reader, records) for reader, _offset in leaves)
        assert searcher.doc_count() == len(records)
    return len(leaves), compared


@pytest.mark.parametrize("seed", [3, 8])
def test_the_adapter_reads_what_whooshs_public_reader_reads(tmp_path, monkeypatch, seed):
    rng = random.Random(seed)

    # Segments written by our writer, then merged by ours (which copies through the adapter).
    records: dict = {}
    index_dir = str(tmp_path / "ours")
    name, _path, ours = search_index.new_index_folder(index_dir)
    search_index.activate(index_dir, name)
    _fill(ours, search_index.writer, records, rng, commits=12)
    segments, compared = _compare_index(search_index.open_current(index_dir), records)
    assert segments == 12 and compared > 10_000
    monkeypatch.setattr(merge, "SMALL_COUNT", 3)  # merge them now (the policy waits for ten small segments)
    assert merge.merge_all(index_dir)
    merged_segments, _ = _compare_index(search_index.open_current(index_dir), records)
    assert merged_segments < segments

    # Segments written by Whoosh's own writer (inlined single postings, its compression, its pickles).
    records = {}
    (tmp_path / "whoosh").mkdir()
    theirs = whoosh_index.create_in(str(tmp_path / "whoosh"), make_schema())
    _fill(theirs, lambda ix: SegmentWriter(ix, limitmb=64), records, rng, commits=6)
    assert _compare_index(theirs, records)[1] > 1000
