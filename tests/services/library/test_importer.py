"""Bulk imports: JSON lines in the corpus format (idempotent, per-line failures) and Word folders."""
import json
import os
import shutil
import subprocess
import sys

from app.extensions import db
from app.models import Attachment, Document, DocumentRevision
from tests.helpers import sample
from tests.word_fixtures import BROKEN, DECREE_FOLDER, FORMS, IMPORTABLE

CORPUS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "bench", "corpus.py")


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
        from app.services.accounts import users as accounts
        from app.services.library import importer

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
    for name in IMPORTABLE + BROKEN:  # three good Word files, a truncated one and an old .doc
        shutil.copy(sample(name), folder / name)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["documents", "import-docx", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Tạo mới: 3" in result.output and "Lỗi: 2" in result.output
    assert ("bao-cao-cu.doc: [tệp bị từ chối]" in result.output
            and "hong-cat-cut.docx: [tệp bị từ chối]" in result.output)
    again = runner.invoke(args=["documents", "import-docx", str(folder)])
    assert "Tạo mới: 0 · Cập nhật: 0 · Không đổi: 3" in again.output
    with app.app_context():
        numbers = set(db.session.scalars(db.select(Document.number)))
        assert db.session.scalar(db.select(db.func.count(Attachment.id))) == 3
        texts = {d.number: d.body for d in db.session.scalars(db.select(Document))}
    assert numbers == {"15/BC-VPC", "27/BC-VPC", "05/QT-BTCD"}
    assert "Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024" in texts["27/BC-VPC"]  # TCVN3
    assert all("BÁO CÁO" in texts[n] for n in ("15/BC-VPC", "27/BC-VPC"))


def test_imported_document_has_the_same_history_citations_and_links_as_one_created_by_hand(app, make_unit):
    """The bulk path of the import writes what creating the document in the library writes."""
    from app.models import Citation, IndexChange, ReformField
    from app.services.library import documents as library

    with app.app_context():
        unit_id = make_unit("VPC")
        fields = db.session.scalars(db.select(ReformField).order_by(ReformField.id)).all()
        body = "Căn cứ Nghị định 107/2021/NĐ-CP và Kế hoạch 2337/KH-TTCP; thực hiện 9/2024/NĐ-CP."
        data = library.DocumentData(
            category="legal", doc_type="Nghị định", number="9/2024/NĐ-CP", title="Về  một cửa",
            summary="Tóm tắt 16-NQ/TU", issuer="Chính phủ", signer="Lê Sỹ Bảy", body=body,
            field_ids=[fields[3].id, fields[0].id], visibility="units", unit_ids=[unit_id])
        by_hand = library.create_document(data, None)
        by_hand_id = by_hand.id
    path = os.path.join(app.instance_path, "one.jsonl")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(_record("9/2024/NĐ-CP", issuer="Bộ Nội vụ", title="Về  một cửa", summary="Tóm tắt 16-NQ/TU",
                         body=body, fields=[fields[3].name, fields[0].name], visibility="unit:VPC",
                         issued_on=None, effective_on=None, status=None) + "\n")
    result = app.test_cli_runner().invoke(args=["documents", "import", path])
    assert "Tạo mới: 1" in result.output, result.output
    with app.app_context():
        a = db.session.get(Document, by_hand_id)
        b = db.session.scalars(db.select(Document).where(Document.issuer == "Bộ Nội vụ")).one()
        for column in ("category", "doc_type", "number", "number_key", "number_sort", "title", "title_sort",
                       "summary", "signer", "issued_on", "effective_on", "status", "body", "visibility",
                       "created_by_id", "version", "deleted_at"):
            assert getattr(a, column) == getattr(b, column), column
        assert [f.name for f in a.fields] == [f.name for f in b.fields]
        assert [u.code for u in a.units] == [u.code for u in b.units] == ["VPC"]
        rev_a, rev_b = a.revisions[0], b.revisions[0]
        assert ((rev_a.version, rev_a.action, rev_a.changed_fields)
                == (rev_b.version, rev_b.action, rev_b.changed_fields))
        assert rev_a.snapshot == {**rev_b.snapshot, "issuer": "Chính phủ"}
        assert rev_b.snapshot["units"] == ["VPC"] and rev_b.snapshot["fields"] == [fields[0].name, fields[3].name]

        def cited(doc_id):
            return db.session.scalars(db.select(Citation.number_key).where(Citation.source_id == doc_id)
                                      .order_by(Citation.number_key)).all()

        assert cited(a.id) == cited(b.id) == ["107/2021/nd-cp", "16-nq/tu", "2337/kh-ttcp"]
        assert db.session.scalar(db.select(db.func.count(IndexChange.id)).where(IndexChange.record_id == b.id)) == 1


def test_the_indexing_process_indexes_while_the_import_writes(app, make_unit, caplog):
    """The second core's indexing process applies the committed batches itself (it does not die
    and leave everything to the final sync): the import ends with an exact index and no error."""
    import io
    import logging

    from app import search
    from app.services.library import importer

    make_unit("VPC")
    lines = "".join(json.dumps({"number": f"{i}/TB-VP", "type": "Thông báo", "title": f"Thông báo số {i}",
                                "issuer": "Văn phòng", "body": "Kết luận giao ban tuần. " * 20}) + "\n"
                    for i in range(1, 1201))
    caplog.set_level(logging.INFO, logger="app")
    with app.app_context():
        report = importer.import_jsonl(io.StringIO(lines))
        assert report.created == 1200 and search.verify().clean
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def _folder(tmp_path, names, folder="word"):
    path = tmp_path / folder
    path.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(sample(name), path / name)
    return path


def test_a_decree_and_its_annexes_from_one_folder_then_the_same_folder_again(app, tmp_path, make_user):
    """One decree with its three annexes listed in order, forms titled by their own heading, and a
    second run that finds every file unchanged."""
    from app.services.library import documents as library

    folder = _folder(tmp_path, DECREE_FOLDER + FORMS + ["bao-cao-tu-danh-gia-co-chu-thich.docx"])
    runner = app.test_cli_runner()
    first = runner.invoke(args=["documents", "import-docx", str(folder)])
    assert first.exit_code == 0, first.output
    assert "Tạo mới: 8 · Cập nhật: 0 · Không đổi: 0 · Lỗi: 0" in first.output
    assert "phu-luc-viet-hoa.docx: Tạo mới" in first.output
    with app.app_context():
        docs = db.session.scalars(db.select(Document).order_by(Document.id)).all()
        by_type = {}
        for doc in docs:
            by_type.setdefault(doc.doc_type, []).append(doc)
        decree, = by_type["Nghị định"]
        assert (decree.number, decree.issuer, decree.title) == ("30/2020/NĐ-CP", "Chính phủ", "Về công tác văn thư")
        assert [(a.number, a.parent_number, a.category) for a in by_type["Phụ lục"]] == [
            (None, "30/2020/NĐ-CP", "legal")] * 3
        from app.models import User

        admin = db.session.get(User, make_user("quantri", roles=["admin"]))
        assert [a.title for a in library.annexes_of(decree, admin)] == [
            "Phụ lục I: THỂ THỨC, KỸ THUẬT TRÌNH BÀY VĂN BẢN HÀNH CHÍNH",
            "Phụ lục II: VIẾT HOA TRONG VĂN BẢN HÀNH CHÍNH",
            "Phụ lục III: CHỮ VIẾT TẮT TÊN LOẠI VĂN BẢN VÀ BẢN SAO VĂN BẢN"]
        assert all(library.parent_of(a, admin).document.id == decree.id for a in by_type["Phụ lục"])
        assert {(d.doc_type, d.title) for d in docs if d.doc_type in ("Đơn", "Biên bản", "Văn bản khác")} == {
            ("Đơn", "ĐƠN ĐỀ NGHỊ CẤP BẢN SAO VĂN BẢN TỪ SỔ GỐC"),
            ("Biên bản", "BIÊN BẢN Họp Tổ công tác cải cách hành chính quý II năm 2024"),
            ("Văn bản khác", "GIẤY XÁC NHẬN THỜI GIAN CÔNG TÁC")}
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in {d.title for d in docs}
        assert "Chú thích\n[1] Luật này đã được sửa đổi" in decree.body
        capitals = next(a for a in by_type["Phụ lục"] if a.annex_position == 2)
        assert "Uỷ ban nhân dân tỉnh Hoà Bình, Toà án nhân dân tối cao" in capitals.body  # as the author typed it
        attachments = db.session.scalar(db.select(db.func.count(Attachment.id)))
    again = runner.invoke(args=["documents", "import-docx", str(folder)])
    assert "Tạo mới: 0 · Cập nhật: 0 · Không đổi: 8 · Lỗi: 0" in again.output, again.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Document.id))) == 8
        assert db.session.scalar(db.select(db.func.count(Attachment.id))) == attachments
        assert db.session.scalar(db.select(db.func.count(DocumentRevision.id))) == 8


def test_changed_files_update_their_document_and_copies_of_a_file_are_unchanged(app, tmp_path):
    """A number-less file is recognised by its text, else by its name in the same folder; a
    numbered one by its number and issuer; a file saved again with the same text, or copied under
    another name, is unchanged. Editors' corrections survive an unchanged file."""
    from app.demo import documents as shapes
    from app.demo.wordfile import para, write_docx

    folder = _folder(tmp_path, [shapes.APPLICATION_FORM, shapes.DECREE, "phu-luc-the-thuc.docx"])
    runner = app.test_cli_runner()
    assert "Tạo mới: 3" in runner.invoke(args=["documents", "import-docx", str(folder)]).output
    with app.app_context():
        form = db.session.scalar(db.select(Document).where(Document.doc_type == "Đơn"))
        form.title = "Đơn đề nghị cấp bản sao (sửa tay)"  # an editor's correction
        db.session.commit()
    assert "Không đổi: 3" in runner.invoke(args=["documents", "import-docx", str(folder)]).output
    with app.app_context():
        assert db.session.scalar(db.select(Document.title).where(Document.doc_type == "Đơn")) \
            == "Đơn đề nghị cấp bản sao (sửa tay)"

    changed = shapes.application_form()
    changed.blocks.append(para("Ghi chú: nhận bản sao tại bộ phận một cửa."))
    write_docx(changed, folder / shapes.APPLICATION_FORM)
    decree = shapes.decree()
    decree.blocks.insert(-1, para("Điều 39. Trách nhiệm thi hành"))
    write_docx(decree, folder / shapes.DECREE)
    resaved = shapes.annex_layout()  # saved again: other bytes (the file's dates), the same text
    resaved.created = resaved.created.replace(year=2021)
    before = (folder / "phu-luc-the-thuc.docx").read_bytes()
    write_docx(resaved, folder / "phu-luc-the-thuc.docx")
    assert (folder / "phu-luc-the-thuc.docx").read_bytes() != before
    shutil.copy(folder / "phu-luc-the-thuc.docx", folder / "ban-sao-phu-luc-i.docx")
    result = runner.invoke(args=["documents", "import-docx", str(folder)])
    assert "Tạo mới: 0 · Cập nhật: 2 · Không đổi: 2 · Lỗi: 0" in result.output, result.output
    assert "ban-sao-phu-luc-i.docx: Không đổi" in result.output
    with app.app_context():
        form = db.session.scalar(db.select(Document).where(Document.doc_type == "Đơn"))
        assert "nhận bản sao tại bộ phận một cửa" in form.body and len(form.attachments) == 2
        decree_doc = db.session.scalar(db.select(Document).where(Document.doc_type == "Nghị định"))
        assert "Điều 39. Trách nhiệm thi hành" in decree_doc.body and decree_doc.version == 2
        assert db.session.scalar(db.select(db.func.count(Document.id))) == 3

    # The same name in another folder is another file; with other text it is another document.
    other = tmp_path / "khac"
    other.mkdir()
    different = shapes.application_form()
    different.blocks.append(para("Mẫu dùng cho đơn vị khác."))
    write_docx(different, other / shapes.APPLICATION_FORM)
    assert "Tạo mới: 1" in runner.invoke(args=["documents", "import-docx", str(other)]).output


def test_dry_run_prints_what_each_file_gives_and_stores_nothing(app, tmp_path):
    from tests.helpers import files_under

    folder = _folder(tmp_path, DECREE_FOLDER + ["mau-giay-xac-nhan.docx"] + BROKEN)
    result = app.test_cli_runner().invoke(args=["documents", "import-docx", "--dry-run", str(folder)])
    assert result.exit_code == 0, result.output
    lines = result.output.split("\n")
    at = lines.index("phu-luc-viet-hoa.docx: Tạo mới")
    assert lines[at + 1].startswith("    Phụ lục · không số · 05/03/2020 · kèm theo 30/2020/NĐ-CP · ")
    assert lines[at + 2] == "    Phụ lục II: VIẾT HOA TRONG VĂN BẢN HÀNH CHÍNH"
    at = lines.index("nghi-dinh-30-2020-cong-tac-van-thu.docx: Tạo mới")
    facts = lines[at + 1]
    assert facts.startswith("    Nghị định · 30/2020/NĐ-CP · 05/03/2020") and " · 3 chú thích · " in facts
    assert "mau-giay-xac-nhan.docx: Tạo mới" in lines and "    Văn bản khác · không số · không ngày · " in result.output
    assert "bao-cao-cu.doc: Lỗi" in lines
    assert "7 tệp — nếu nhập: Tạo mới: 5 · Cập nhật: 0 · Không đổi: 0 · Lỗi: 2" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Document.id))) == 0
        assert files_under(app.config["UPLOAD_DIR"]) == []
    app.test_cli_runner().invoke(args=["documents", "import-docx", str(folder)])
    again = app.test_cli_runner().invoke(args=["documents", "import-docx", "--dry-run", str(folder)])
    assert "7 tệp — nếu nhập: Tạo mới: 0 · Cập nhật: 0 · Không đổi: 5 · Lỗi: 2" in again.output
