"""Bulk imports: JSON lines in the corpus format (idempotent, per-line failures) and Word folders."""
import json
import os
import shutil
import subprocess
import sys

from app.extensions import db
from app.models import Attachment, Document, DocumentRevision
from tests.helpers import SAMPLES_DIR, sample

CORPUS = os.path.join(SAMPLES_DIR, "..", "bench", "corpus.py")


def _record(number, **extra):
    record = {"number": number, "type": "Nghị định", "category": "legal", "title": f"Văn bản {number}",
              "summary": "Tóm tắt", "issuer": "Chính phủ", "signer": "Lê Sỹ Bảy", "issued_on": "2021-12-06",
              "effective_on": "2021-12-06", "status": "Còn hiệu lực",
              "fields": ["Cải cách thủ tục hành chính"], "visibility": "all", "body": "Nội dung"}
    record.update(extra)
    return json.dumps(record, ensure_ascii=False)


def test_jsonl_import_is_idempotent_and_updates(app, make_unit):
    make_unit("VPC")
    runner = app.test_cli_runner()
    path = os.path.join(app.instance_path, "docs.jsonl")
    lines = [_record("107/2021/NĐ-CP"), _record("1/KH-TTCP", type="Kế hoạch", category="reform",
                                                 visibility="unit:VPC")]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    first = runner.invoke(args=["documents", "import", path])
    assert first.exit_code == 0, first.output
    assert "Tạo mới: 2 · Cập nhật: 0 · Không đổi: 0 · Lỗi: 0" in first.output
    again = runner.invoke(args=["documents", "import", path])
    assert "Tạo mới: 0 · Cập nhật: 0 · Không đổi: 2 · Lỗi: 0" in again.output
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(_record("107/2021/ND-CP", title="Tên mới") + "\n")  # the same document, written differently
    changed = runner.invoke(args=["documents", "import", path])
    assert "Tạo mới: 0 · Cập nhật: 1" in changed.output
    with app.app_context():
        docs = db.session.scalars(db.select(Document).order_by(Document.id)).all()
        assert len(docs) == 2 and docs[0].title == "Tên mới"
        assert docs[1].is_restricted and [u.code for u in docs[1].units] == ["VPC"]
        assert db.session.scalar(db.select(db.func.count(DocumentRevision.id))) == 3


def test_jsonl_bad_lines_reported_with_reason_others_imported(app):
    runner = app.test_cli_runner()
    path = os.path.join(app.instance_path, "bad.jsonl")
    lines = [
        _record("1/2020/NĐ-CP"),
        "{không phải json",
        _record("2/2020/NĐ-CP", type="Sắc lệnh"),
        _record("3/2020/NĐ-CP", issued_on="2020-13-45"),
        _record("4/2020/NĐ-CP", visibility="unit:KHONGCO"),
        _record("5/2020/NĐ-CP", fields=["Lĩnh vực lạ"]),
        _record("6/2020/NĐ-CP", title=""),
        "",
        _record("7/2020/NĐ-CP"),
    ]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    result = runner.invoke(args=["documents", "import", path])
    assert result.exit_code == 1
    assert "Tạo mới: 2 · Cập nhật: 0 · Không đổi: 0 · Lỗi: 6" in result.output
    for where, reason in [("dòng 2", "JSON không hợp lệ"), ("dòng 3", "loại văn bản"), ("dòng 4", "issued_on"),
                          ("dòng 5", "KHONGCO"), ("dòng 6", "Lĩnh vực lạ"), ("dòng 7", "Trích yếu")]:
        assert f"{where}: " in result.output and reason in result.output.split(f"{where}: ")[1].split("\n")[0]


def test_import_of_generated_corpus(app, tmp_path):
    out = tmp_path / "corpus.jsonl"
    subprocess.run([sys.executable, CORPUS, "--docs", "300", "--out", str(out)], check=True)
    with app.app_context():
        from app.services import accounts, importer

        accounts.create_unit("VPC", "Vụ Pháp chế")
        with open(out, encoding="utf-8") as lines:
            report = importer.import_jsonl(lines)
        assert report.failed == 0 and report.created + report.updated == 300
        count = db.session.scalar(db.select(db.func.count(Document.id)))
        assert count == report.created
        restricted = db.session.scalar(db.select(db.func.count(Document.id)).where(Document.visibility == "units"))
        assert restricted > 0


def test_import_docx_folder_reports_bad_files_by_name(app, tmp_path):
    folder = tmp_path / "word"
    folder.mkdir()
    for name in os.listdir(SAMPLES_DIR):
        shutil.copy(sample(name), folder / name)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["documents", "import-docx", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Tạo mới: 3" in result.output and "Lỗi: 2" in result.output
    assert "bao-cao-cu.doc: [tệp bị từ chối]" in result.output and "hong-cat-cut.docx: [tệp bị từ chối]" in result.output
    again = runner.invoke(args=["documents", "import-docx", str(folder)])
    assert "Tạo mới: 0 · Cập nhật: 0 · Không đổi: 3" in again.output
    with app.app_context():
        numbers = set(db.session.scalars(db.select(Document.number)))
        assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 3
        texts = {d.number: d.body for d in db.session.scalars(db.select(Document))}
    assert len(numbers) == 3
    assert any("Kết quả thực hiện công tác cải cách hành chính" in t and "BÁO CÁO" in t for t in texts.values())
