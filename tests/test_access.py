"""Who may read what (``app.access``): the rules the pages apply and the access terms the search
index holds say the same thing, for every user and every record."""
import io

from werkzeug.datastructures import FileStorage

from app import access
from app.extensions import db
from app.models import Document, ReportPeriod, UnitReport, User
from app.services.plans import reports
from app.services.uploads import accept_upload
from tests.helpers import sample
from tests.plan_world import build_world


def _may_find(user, terms) -> bool:
    held = access.user_terms(user)
    return held is None or bool(set(held) & set(terms))


def test_document_terms_say_what_can_read_document_says(app, make_user, make_document):
    creator = make_user("tacgia", roles=["editor"], unit="VP")
    for name, unit in (("vpc", "VPC"), ("tccb", "TCCB"), ("khongdonvi", None)):
        make_user(name, unit=unit)
    make_user("quantri", roles=["admin"], unit=None)
    make_document(title="Cho mọi người")
    make_document(title="Chỉ VPC", units=["VPC"])
    make_document(title="Chỉ VPC và TCCB, do tác giả tạo", units=["VPC", "TCCB"], created_by=creator)
    make_document(title="Chỉ VP", units=["VP"])
    with app.app_context():
        users = db.session.scalars(db.select(User)).all()
        documents = db.session.scalars(db.select(Document)).all()
        checked = 0
        for user in users:
            readable = set(db.session.scalars(db.select(Document.id).where(access.document_clause(user))))
            for document in documents:
                expected = access.can_read_document(user, document)
                assert _may_find(user, access.document_terms(document)) == expected, (user.username, document.title)
                assert (document.id in readable) == expected
                checked += 1
        assert checked == 5 * 4


def test_report_terms_say_what_can_read_report_says(app, make_user, make_unit):
    world = build_world(app, make_user, make_unit)
    with app.app_context():
        submitter = db.session.get(User, world.users["rep_vpc"])
        period = db.session.get(ReportPeriod, world.periods["q1"])
        with open(sample("bao-cao-cchc-quy-1-2024.docx"), "rb") as fh:
            upload = accept_upload(FileStorage(io.BytesIO(fh.read()), "bao-cao.docx"), allowed=("docx",))
        reports.submit_report(period, world.units["VPC"], submitter, upload, reports.ReportData(), 0)
        report = db.session.scalars(db.select(UnitReport)).one()
        for user in db.session.scalars(db.select(User)):
            expected = access.can_read_report(user, report)
            assert _may_find(user, access.report_terms(report)) == expected, user.username
        assert access.can_read_report(db.session.get(User, world.users["reader_vpc"]), report)
        assert not access.can_read_report(db.session.get(User, world.users["rep_tccb"]), report)
