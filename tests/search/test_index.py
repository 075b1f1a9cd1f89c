"""Index lifecycle: atomic rebuild, schema check at start, verify, a missing index."""
import os
import shutil

from app.extensions import db
from app.models import Document
from app.search import index as search_index
from tests.helpers import login
from tests.search.conftest import top_ids


def test_rebuild_is_atomic_and_search_answers_meanwhile(app, make_user, make_document):
    make_user("lan")
    doc = make_document(title="Kế hoạch chuyển đổi số")
    index_dir = app.config["INDEX_DIR"]
    before = search_index.current_name(index_dir)
    seen_during = []

    def progress(kind, count):
        seen_during.append((search_index.current_name(index_dir), top_ids(app, "lan", "chuyen doi so")[0]))

    with app.test_request_context():
        from app import search

        result = search.rebuild(progress=progress)
    after = search_index.current_name(index_dir)
    # One document and no record of any other kind (every registered kind is counted).
    assert after != before and result["counts"]["document"] == 1 and sum(result["counts"].values()) == 1
    assert seen_during and all(name == before and ids == [doc] for name, ids in seen_during)
    assert sorted(e for e in os.listdir(index_dir) if e.startswith("ix-")) == [after]
    assert top_ids(app, "lan", "chuyen doi so")[0] == [doc]


def test_changed_schema_is_detected_and_reported(app, client, make_user, make_document):
    make_user("quantri", roles=["admin"])
    make_document(title="Kế hoạch chuyển đổi số")
    index_dir = app.config["INDEX_DIR"]
    with open(os.path.join(index_dir, search_index.current_name(index_dir), search_index.FORMAT_FILE), "w") as fh:
        fh.write("schema-0/analysis-0\n")
    search_index.searchers.clear()
    login(client, "quantri")
    home = client.get("/").get_data(as_text=True)
    assert "Chỉ mục tìm kiếm cần dựng lại" in home and "cấu trúc chỉ mục đã thay đổi" in home
    page = client.get("/search?q=chuyen+doi+so")
    assert page.status_code == 200 and "đang được dựng lại" in page.get_data(as_text=True)
    assert client.get("/api/search?q=x").status_code == 503
    result = app.test_cli_runner().invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Chỉ mục tìm kiếm cần dựng lại" not in client.get("/").get_data(as_text=True)
    assert "1</strong> kết quả" in client.get("/search?q=chuyen+doi+so").get_data(as_text=True)


def test_missing_index_keeps_pages_working(app, client, make_user, make_document):
    make_user("lan")
    doc = make_document(title="Kế hoạch chuyển đổi số")
    shutil.rmtree(app.config["INDEX_DIR"])
    os.makedirs(app.config["INDEX_DIR"])
    search_index.searchers.clear()
    login(client, "lan")
    assert client.get(f"/documents/{doc}").status_code == 200
    assert client.get("/documents/").status_code == 200
    page = client.get("/search?q=chuyen+doi+so")
    assert page.status_code == 200 and "đang được dựng lại" in page.get_data(as_text=True)
    assert app.test_cli_runner().invoke(args=["search", "rebuild"]).exit_code == 0
    assert "1</strong> kết quả" in client.get("/search?q=chuyen+doi+so").get_data(as_text=True)


def test_verify_reports_missing_stale_and_extra(app, make_document):
    kept = make_document(title="Văn bản còn")
    changed = make_document(title="Văn bản sửa ngoài hệ thống")
    removed = make_document(title="Văn bản xóa ngoài hệ thống")
    runner = app.test_cli_runner()
    clean = runner.invoke(args=["search", "verify"])
    assert clean.exit_code == 0 and "Thiếu: 0 · Cũ: 0 · Thừa: 0" in clean.output
    with app.app_context():  # changes that bypass the services (and so the index)
        db.session.execute(db.update(Document).where(Document.id == changed).values(version=Document.version + 5))
        db.session.execute(db.update(Document).where(Document.id == removed).values(deleted_at=db.func.now()))
        db.session.commit()
        from app.search import service

        service.remove_record("document", kept)
    drift = runner.invoke(args=["search", "verify"])
    assert drift.exit_code == 1
    assert f"thiếu: document:{kept}" in drift.output
    assert f"cũ: document:{changed}" in drift.output
    assert f"thừa: document:{removed}" in drift.output
    assert runner.invoke(args=["search", "rebuild"]).exit_code == 0
    assert runner.invoke(args=["search", "verify"]).exit_code == 0


def test_import_leaves_the_index_exact(app, noise_file, make_unit):
    make_unit("VPC")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["documents", "import", str(noise_file)]).exit_code == 0
    assert runner.invoke(args=["documents", "import", str(noise_file)]).exit_code == 0
    result = runner.invoke(args=["search", "verify"])
    assert result.exit_code == 0, result.output


def _writer_record(rng, i):
    syllables = "cải cách hành chính thủ tục một cửa hoà thuỷ Đà Nẵng số 107/2021/NĐ-CP dịch vụ công".split()
    text = " ".join(rng.choice(syllables) for _ in range(rng.randint(0, 300)))
    title = text[:60] if i % 7 else rng.choice(syllables)  # some titles of one syllable
    return {"uid": f"document:{i}", "kind": "document", "record_id": i, "title": title,
            "content": text, "number": "107,107/2021", "number_display": "107",
            "category": "legal", "issuer": "Chính phủ", "fields": "1,3", "year": "2021", "status": "",
            "date": 20210101 + i, "access": "all unit:2", "version": i % 3}


def _index_contents(ix):
    """Every posting (by record uid) and field length of an index, and its segment count."""
    with ix.searcher() as searcher:
        reader = searcher.reader()
        uid = {docnum: stored["uid"] for docnum, stored in reader.iter_docs()}
        postings = {}
        for field in sorted(reader.indexed_field_names()):
            for term in reader.lexicon(field):
                matcher, items = reader.postings(field, term), []
                while matcher.is_active():
                    if matcher.id() in uid:
                        items.append((uid[matcher.id()], matcher.weight(), matcher.value()))
                    matcher.next()
                if items:
                    postings[field, term] = sorted(items)
        lengths = sorted((uid[d], [reader.doc_field_length(d, f) for f in ("title", "content")])
                         for d in uid)
    return postings, lengths, len(ix._segments())


def test_fast_writer_and_merges_index_exactly_what_whooshs_writer_indexes(tmp_path):
    """Same postings (term, weight, positions) and field lengths per record, through updates
    (deletions), as Whoosh's own SegmentWriter; and still the same after our merges (which copy
    postings term by term as arrays) have joined the small segments."""
    import random

    from whoosh import index as whoosh_index
    from whoosh.writing import SegmentWriter

    from app.search import merge
    from app.search.schema import make_schema

    rng = random.Random(3)
    records = [_writer_record(rng, i) for i in range(420)]
    # the last batch gives terms more postings than one block holds (128)
    batches = [(0, 40), (40, 50), (10, 30)] + [(i, i + 2) for i in range(50, 80, 2)] + [(70, 120), (120, 420)]

    def fill(ix, make_writer):
        for low, high in batches:
            writer = make_writer(ix)
            for fields in records[low:high]:
                writer.update_document(**fields)
            writer.commit()
        return ix

    (tmp_path / "whoosh").mkdir()
    whoosh_ix = fill(whoosh_index.create_in(str(tmp_path / "whoosh"), make_schema()),
                     lambda ix: SegmentWriter(ix, limitmb=64))
    index_dir = str(tmp_path / "fast")
    name, _path, fast_ix = search_index.new_index_folder(index_dir)
    search_index.activate(index_dir, name)
    fill(fast_ix, search_index.writer)
    expected = _index_contents(whoosh_ix)
    got = _index_contents(fast_ix)
    assert got[0] == expected[0] and got[1] == expected[1]
    assert len(got[1]) == 420 and got[2] == len(batches)  # commits never merge

    rounds = merge.merge_all(index_dir)
    merged_ix = search_index.open_current(index_dir)
    merged = _index_contents(merged_ix)
    assert rounds and merged[2] < got[2]
    assert merged[0] == expected[0] and merged[1] == expected[1]


def test_fast_writer_merging_another_segment_indexes_what_whoosh_does(tmp_path):
    """A fast writer that also takes in another index's documents (``add_reader``, how a
    merge feeds a writer) writes the same postings and lengths as Whoosh's writer."""
    import random

    from whoosh import index as whoosh_index
    from whoosh.writing import SegmentWriter

    from app.search.schema import make_schema

    rng = random.Random(5)
    records = [_writer_record(rng, i) for i in range(300)]
    source = whoosh_index.create_in(str(tmp_path), make_schema(), indexname="SOURCE")
    writer = search_index.writer(source)
    for fields in records[:200]:
        writer.add_document(**fields)
    writer.commit()

    def build(name, make_writer):
        ix = whoosh_index.create_in(str(tmp_path), make_schema(), indexname=name)
        writer = make_writer(ix)
        for fields in records[200:250]:
            writer.add_document(**fields)
        with source.reader() as reader:
            writer.add_reader(reader)
        for fields in records[250:]:
            writer.add_document(**fields)
        writer.commit()
        return ix

    expected = _index_contents(build("WHOOSH", lambda ix: SegmentWriter(ix, limitmb=64)))
    got = _index_contents(build("FAST", search_index.writer))
    assert got[0] == expected[0] and got[1] == expected[1] and len(got[1]) == 300
