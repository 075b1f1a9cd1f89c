"""Library rules: validation, revisions, concurrency, relations, citations, visibility."""
from datetime import date

import pytest

from app import access
from app.errors import ConcurrentEditError
from app.extensions import db
from app.models import Document, DocumentRevision, User
from app.services.library import documents as library


def _user(username):
    return db.session.scalar(db.select(User).where(User.username == username))


def test_number_key_stored_and_found_in_any_form(app, make_document):
    doc_id = make_document(number="107/2021/NĐ-CP", title="Sửa đổi Nghị định 61")
    with app.app_context():
        for form in ("107/2021/nd-cp", "107/2021/ND-CP", " 107 / 2021 / NĐ-CP "):
            assert library.find_by_number(form).id == doc_id


def test_duplicate_number_for_same_issuer_refused(app, make_document):
    make_document(number="61/2018/NĐ-CP", issuer="Chính phủ")
    with pytest.raises(library.DocumentError, match="đã có trong thư viện"):
        make_document(number="61/2018/ND-CP", issuer="Chính phủ")
    make_document(number="61/2018/NĐ-CP", issuer="Thủ tướng Chính phủ")  # another issuer is another document


def test_validation_messages(app, make_document):
    cases = [
        ({"title": " "}, "Trích yếu"),
        ({"units": None, "visibility": "units"}, "ít nhất một đơn vị"),
    ]
    with app.app_context():
        for changes, message in cases:
            data = library.DocumentData(category="legal", doc_type="Nghị định", title="Tiêu đề")
            for key, value in changes.items():
                if key != "units":
                    setattr(data, key, value)
            with pytest.raises(library.DocumentError, match=message):
                library.validate(data)
        data = library.DocumentData(category="legal", doc_type="Nghị định", title="X", issued_on=date(2024, 5, 1),
                                    effective_on=date(2024, 1, 1))
        with pytest.raises(library.DocumentError, match="trước ngày ban hành"):
            library.validate(data)


def test_every_change_is_a_revision(app, make_user, make_document):
    editor_id = make_user("bientap", roles=["editor"])
    doc_id = make_document(number="2337/KH-TTCP", doc_type="Kế hoạch", title="Kế hoạch CCHC 2022", body="cũ")
    with app.app_context():
        doc = db.session.get(Document, doc_id)
        editor = db.session.get(User, editor_id)
        data = library.DocumentData(category="reform", doc_type="Kế hoạch", number="2337/KH-TTCP",
                                    title="Kế hoạch CCHC năm 2022", issuer="Chính phủ", body="mới")
        library.update_document(doc, data, editor, expected_version=doc.version)
        revisions = db.session.scalars(db.select(DocumentRevision).where(DocumentRevision.document_id == doc_id)
                                       .order_by(DocumentRevision.version)).all()
        assert [r.action for r in revisions] == ["create", "update"]
        assert set(revisions[1].changed_fields) == {"title", "body"}
        assert revisions[0].snapshot["body"] == "cũ" and revisions[1].snapshot["body"] == "mới"
        assert revisions[1].changed_by_id == editor_id
        library.delete_document(doc, editor)
        assert db.session.scalar(db.select(db.func.count(DocumentRevision.id))
                                 .where(DocumentRevision.document_id == doc_id)) == 3
        assert library.find_by_number("2337/KH-TTCP") is None


def test_stale_version_is_refused_and_nothing_saved(app, make_user, make_document):
    editor_id = make_user("bientap", roles=["editor"])
    doc_id = make_document(title="Bản gốc")
    with app.app_context():
        doc = db.session.get(Document, doc_id)
        editor = db.session.get(User, editor_id)
        first = library.DocumentData(category="legal", doc_type="Nghị định", title="Sửa lần 1", issuer="Chính phủ")
        opened_version = doc.version
        library.update_document(doc, first, editor, expected_version=opened_version)
        second = library.DocumentData(category="legal", doc_type="Nghị định", title="Sửa lần 2", issuer="Chính phủ")
        with pytest.raises(ConcurrentEditError, match="sau khi bạn mở trang"):
            library.update_document(doc, second, editor, expected_version=opened_version)
        assert db.session.get(Document, doc_id).title == "Sửa lần 1"


def test_relations_show_both_ways_with_wording(app, make_user, make_document):
    make_user("quantri", roles=["admin"])
    old = make_document(number="61/2018/NĐ-CP", title="Về thực hiện cơ chế một cửa")
    new = make_document(number="107/2021/NĐ-CP", title="Sửa đổi, bổ sung Nghị định 61")
    with app.app_context():
        admin = _user("quantri")
        library.add_relation(db.session.get(Document, new), db.session.get(Document, old), "amends", admin)
        out_new, in_new = library.relations_of(db.session.get(Document, new), admin)
        out_old, in_old = library.relations_of(db.session.get(Document, old), admin)
        assert [(r.source_wording, r.target_id) for r in out_new] == [("Sửa đổi, bổ sung", old)]
        assert [(r.target_wording, r.source_id) for r in in_old] == [("Được sửa đổi, bổ sung bởi", new)]
        assert in_new == [] and out_old == []
        with pytest.raises(library.DocumentError, match="đã có"):
            library.add_relation(db.session.get(Document, new), db.session.get(Document, old), "amends", admin)
        with pytest.raises(library.DocumentError, match="chính nó"):
            library.add_relation(db.session.get(Document, new), db.session.get(Document, new), "amends", admin)


def test_citations_found_even_when_the_cited_document_comes_later(app, make_user, make_document):
    make_user("lan", unit="TCCB")
    citing = make_document(number="1/KH-VPC", doc_type="Kế hoạch",
                           body="Căn cứ Nghị định số 107/2021/NĐ-CP ngày 6/12/2021 của Chính phủ.")
    cited = make_document(number="107/2021/NĐ-CP", title="Sửa đổi Nghị định 61")
    with app.app_context():
        lan = _user("lan")
        assert [d.id for d in library.citing_documents(db.session.get(Document, cited), lan)] == [citing]


def test_a_law_cited_by_its_national_assembly_number_is_linked(app, make_user, make_document):
    make_user("lan", unit="TCCB")
    law = make_document(number="25/2018/QH14", doc_type="Luật", title="Luật Tố cáo")
    citing = make_document(number="3/KH-TTCP", doc_type="Kế hoạch",
                           body="Căn cứ Luật Tố cáo số 25/2018/QH14 ngày 12/6/2018.")
    with app.app_context():
        lan = _user("lan")
        assert [d.id for d in library.citing_documents(db.session.get(Document, law), lan)] == [citing]


def test_restricted_document_visibility_rule(app, make_user, make_document):
    make_user("vpc", unit="VPC")
    make_user("tccb", unit="TCCB")
    make_user("quantri", roles=["admin"], unit="KHTCTH")
    make_user("nounit", unit=None)
    secret = make_document(title="Báo cáo nội bộ Vụ Pháp chế", units=["VPC"])
    public = make_document(title="Văn bản chung")
    with app.app_context():
        def readable(username):
            user = _user(username)
            return set(db.session.scalars(db.select(Document.id).where(access.document_clause(user))))

        assert readable("vpc") == {secret, public}
        assert readable("quantri") == {secret, public}
        assert readable("tccb") == {public}
        assert readable("nounit") == {public}
        doc = db.session.get(Document, secret)
        assert access.can_read_document(_user("vpc"), doc)
        assert not access.can_read_document(_user("tccb"), doc)
