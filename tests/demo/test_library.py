"""The demo's Word files: written at load time from app/demo/documents.py, read into the library
and submitted as Vụ Pháp chế's two reports, the six-month one typed in TCVN3; loaded once."""
import tempfile

from app.demo.loader import load_demo
from app.extensions import db
from app.models import Attachment, Document, ReportVersion, UnitReport
from tests.helpers import files_under


def _counts():
    return [db.session.scalar(db.select(db.func.count(model.id)))
            for model in (Document, Attachment, UnitReport, ReportVersion)]


def test_demo_loads_both_reports_and_the_procedure_once_and_the_tcvn3_report_reads_in_unicode(app, tmp_path,
                                                                                              monkeypatch):
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # where the demo writes its Word files
    with app.test_request_context():
        load_demo()
        documents = {d.number: d for d in db.session.scalars(db.select(Document))}
        procedure, quarterly, six_months = documents["05/QT-BTCD"], documents["15/BC-VPC"], documents["27/BC-VPC"]
        assert procedure.doc_type == "Quy trình" and not procedure.is_restricted
        assert [a.original_name for a in quarterly.attachments] == ["bao-cao-cchc-quy-1-2024.docx"]
        assert sorted(u.code for u in quarterly.units) == ["KHTCTH", "VPC"]
        assert six_months.title == "Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024"
        assert "Rà soát vị trí việc làm theo đề án được phê duyệt" in six_months.body
        assert not set(six_months.body) & set("¶¸µ®«©¬§¦")  # no TCVN3 bytes left

        reports = db.session.scalars(db.select(UnitReport).order_by(UnitReport.id)).all()
        assert [(r.period.label, r.unit.code, r.late_days) for r in reports] == [
            ("Quý I/2024", "VPC", 0), ("6 tháng/2024", "VPC", 3)]
        late = reports[1].versions[0]
        assert (late.doc_number, late.original_name) == ("27/BC-VPC", "bao-cao-cchc-6-thang-2024-tcvn3.docx")
        assert "Kết quả thực hiện công tác cải cách hành chính 6 tháng đầu năm 2024" in late.text
        assert late.items_without_figures == ["Rà soát vị trí việc làm theo đề án được phê duyệt",
                                              "Xây dựng quy chế chi tiêu nội bộ sửa đổi"]
        before = _counts(), files_under(app.config["UPLOAD_DIR"])

        load_demo()
        assert (_counts(), files_under(app.config["UPLOAD_DIR"])) == before
    assert list(temp.iterdir()) == []  # the written files went with their temporary folder
