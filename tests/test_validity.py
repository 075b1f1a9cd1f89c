"""Validity follows relations and dates: replaced, repealed, amended, expired, not yet in force;
what a reader may not open never changes what they see; the search index and the list filter agree."""
from datetime import date, datetime, timedelta

import pytest

from app import clock
from app.extensions import db
from app.models import Document, IndexChange, User
from tests.search.conftest import top_ids

TODAY = date(2024, 9, 2)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Noon in Vietnam on TODAY (05:00 UTC)."""
    moment = datetime(TODAY.year, TODAY.month, TODAY.day, 5, 0)
    monkeypatch.setattr(clock, "utcnow", lambda: moment)
    return moment


def _user(name):
    return db.session.scalar(db.select(User).where(User.username == name))


def _relate(app, source_id, relation_type, target_id):
    from app.services.library import documents as library

    with app.app_context():
        library.add_relation(db.session.get(Document, source_id), db.session.get(Document, target_id),
                             relation_type, None)


def _seen(app, username, doc_id, on=None):
    from app import validity

    with app.test_request_context():
        return validity.of(db.session.get(Document, doc_id), _user(username), on)


def test_replacement_in_force_ends_validity_with_its_reason(app, make_user, make_document):
    make_user("lan", unit="TCCB")
    old = make_document(number="61/2018/NĐ-CP", status="Còn hiệu lực", issued_on=date(2018, 4, 23),
                        effective_on=date(2018, 6, 21))
    new = make_document(number="15/2024/NĐ-CP", status="Còn hiệu lực", issued_on=date(2024, 5, 20),
                        effective_on=date(2024, 7, 1))
    _relate(app, new, "replaces", old)
    seen = _seen(app, "lan", old)
    assert seen.status == "Hết hiệu lực toàn bộ"
    assert seen.recorded == "Còn hiệu lực"
    assert seen.note == "Bị thay thế bởi 15/2024/NĐ-CP từ 01/07/2024"
    assert seen.badge == "badge--expired"
    assert _seen(app, "lan", new).status == "Còn hiệu lực"


def test_future_replacement_leaves_the_document_in_force_until_that_day(app, make_user, make_document):
    make_user("lan", unit="TCCB")
    old = make_document(number="02/2017/TT-VPCP", doc_type="Thông tư", status="Còn hiệu lực",
                        issued_on=date(2017, 10, 31))
    new = make_document(number="09/2024/TT-VPCP", doc_type="Thông tư", status="Chưa có hiệu lực",
                        issued_on=date(2024, 8, 15), effective_on=date(2024, 10, 1))
    _relate(app, new, "repeals", old)
    seen = _seen(app, "lan", old)
    assert seen.status == "Còn hiệu lực"
    assert seen.upcoming_note == "Sẽ hết hiệu lực từ 01/10/2024 (bị bãi bỏ bởi 09/2024/TT-VPCP)"
    assert _seen(app, "lan", new).status == "Chưa có hiệu lực"

    later = _seen(app, "lan", old, on=date(2024, 10, 1))
    assert later.status == "Hết hiệu lực toàn bộ"
    assert later.note == "Bị bãi bỏ bởi 09/2024/TT-VPCP từ 01/10/2024"
    assert _seen(app, "lan", new, on=date(2024, 10, 1)).status == "Còn hiệu lực"


def test_amendment_and_partial_repeal_end_validity_in_part(app, make_user, make_document):
    make_user("lan", unit="TCCB")
    base = make_document(number="61/2018/NĐ-CP", status="Còn hiệu lực", issued_on=date(2018, 4, 23))
    amending = make_document(number="107/2021/NĐ-CP", issued_on=date(2021, 12, 6), effective_on=date(2021, 12, 6))
    cutting = make_document(number="45/2023/NĐ-CP", issued_on=date(2023, 7, 1))
    _relate(app, amending, "amends", base)
    _relate(app, cutting, "repeals_part", base)
    seen = _seen(app, "lan", base)
    assert seen.status == "Hết hiệu lực một phần"
    assert [r.text for r in seen.reasons] == ["Được sửa đổi, bổ sung bởi 107/2021/NĐ-CP từ 06/12/2021",
                                              "Bị bãi bỏ một phần bởi 45/2023/NĐ-CP từ 01/07/2023"]
    assert seen.note == "Được sửa đổi, bổ sung bởi 107/2021/NĐ-CP từ 06/12/2021 (và 1 văn bản khác)"


def test_own_dates_expiry_and_not_yet_in_force(app, make_user, make_document):
    make_user("lan", unit="TCCB")
    expired = make_document(number="01/2020/QĐ-TTg", doc_type="Quyết định", status="Còn hiệu lực",
                            issued_on=date(2020, 1, 2), expires_on=date(2024, 6, 30))
    waiting = make_document(number="20/2024/TT-BNV", doc_type="Thông tư", status="Còn hiệu lực",
                            issued_on=date(2024, 8, 1), effective_on=date(2024, 9, 15))
    report = make_document(number="15/BC-VPC", doc_type="Báo cáo", issued_on=date(2024, 4, 10))
    seen = _seen(app, "lan", expired)
    assert (seen.status, seen.note) == ("Hết hiệu lực toàn bộ", "Hết hiệu lực từ 30/06/2024")
    seen = _seen(app, "lan", waiting)
    assert (seen.status, seen.note) == ("Chưa có hiệu lực", "Có hiệu lực từ 15/09/2024")
    assert _seen(app, "lan", waiting, on=date(2024, 9, 15)).status == "Còn hiệu lực"
    assert _seen(app, "lan", report).status is None  # validity does not apply to a report


def test_restricted_replacement_counts_only_for_those_who_may_open_it(app, make_user, make_document):
    make_user("lan", unit="TCCB")
    make_user("minh", unit="VPC")
    old = make_document(number="05/QC-VPC", doc_type="Quy chế", status="Còn hiệu lực", issued_on=date(2020, 1, 1))
    new = make_document(number="09/QC-VPC", doc_type="Quy chế", status="Còn hiệu lực", issued_on=date(2024, 3, 1),
                        units=["VPC"])
    _relate(app, new, "replaces", old)
    assert _seen(app, "minh", old).note == "Bị thay thế bởi 09/QC-VPC từ 01/03/2024"
    outsider = _seen(app, "lan", old)
    assert (outsider.status, outsider.reasons, outsider.upcoming) == ("Còn hiệu lực", [], [])
    # The index holds one status for everyone: the restricted replacement does not change it.
    assert top_ids(app, "lan", "", status="Còn hiệu lực")[0] == [old]
    assert top_ids(app, "lan", "", status="Hết hiệu lực toàn bộ")[1].total == 0
    hit = top_ids(app, "minh", "05/QC-VPC")[1].hits[0]  # its badge in results is the reader's own
    assert (hit.status, hit.status_note) == ("Hết hiệu lực toàn bộ", "Bị thay thế bởi 09/QC-VPC từ 01/03/2024")


def test_search_status_follows_relation_added_removed_and_source_deleted(app, make_user, make_document):
    from app.models import DocumentRelation
    from app.services.library import documents as library

    make_user("lan", unit="TCCB")
    old = make_document(number="61/2018/NĐ-CP", status="Còn hiệu lực", issued_on=date(2018, 4, 23))
    new = make_document(number="15/2024/NĐ-CP", status="Còn hiệu lực", issued_on=date(2024, 7, 1))
    assert top_ids(app, "lan", "", status="Còn hiệu lực")[1].total == 2
    _relate(app, new, "replaces", old)
    assert top_ids(app, "lan", "", status="Hết hiệu lực toàn bộ")[0] == [old]
    hits = top_ids(app, "lan", "61/2018/NĐ-CP")[1].hits
    assert (hits[0].status, hits[0].status_note) == ("Hết hiệu lực toàn bộ",
                                                     "Bị thay thế bởi 15/2024/NĐ-CP từ 01/07/2024")

    with app.app_context():
        library.remove_relation(db.session.scalar(db.select(DocumentRelation)), _user("lan"))
    assert top_ids(app, "lan", "", status="Hết hiệu lực toàn bộ")[1].total == 0

    _relate(app, new, "replaces", old)
    assert top_ids(app, "lan", "", status="Còn hiệu lực")[0] == [new]
    with app.app_context():
        library.delete_document(db.session.get(Document, new), _user("lan"))
    assert top_ids(app, "lan", "", status="Còn hiệu lực")[0] == [old]


def test_source_made_restricted_gives_the_target_its_status_back_in_search(app, make_user, make_document,
                                                                          make_unit):
    from app.services.library import documents as library

    make_user("lan", unit="TCCB")
    old = make_document(number="61/2018/NĐ-CP", status="Còn hiệu lực", issued_on=date(2018, 4, 23))
    new = make_document(number="15/2024/NĐ-CP", status="Còn hiệu lực", issued_on=date(2024, 7, 1))
    _relate(app, new, "replaces", old)
    assert top_ids(app, "lan", "", status="Hết hiệu lực toàn bộ")[0] == [old]
    vpc = make_unit("VPC")
    with app.test_request_context():
        doc = db.session.get(Document, new)
        data = library.DocumentData(category=doc.category, doc_type=doc.doc_type, number=doc.number,
                                    title=doc.title, issuer=doc.issuer, issued_on=doc.issued_on,
                                    status=doc.status, visibility="units", unit_ids=[vpc])
        library.update_document(doc, data, None, doc.version)
    assert top_ids(app, "lan", "", status="Còn hiệu lực")[0] == [old]


def test_daily_upkeep_queues_what_changes_that_day_once(app, make_user, make_document, monkeypatch,
                                                        fixed_today):
    from app import search, validity

    make_user("lan", unit="TCCB")
    old = make_document(number="02/2017/TT-VPCP", doc_type="Thông tư", status="Còn hiệu lực",
                        issued_on=date(2017, 10, 31))
    new = make_document(number="09/2024/TT-VPCP", doc_type="Thông tư", status="Chưa có hiệu lực",
                        issued_on=date(2024, 8, 15), effective_on=date(2024, 10, 1))
    _relate(app, new, "replaces", old)
    other = make_document(number="03/2019/TT-VPCP", doc_type="Thông tư", status="Còn hiệu lực",
                          issued_on=date(2019, 1, 1))
    with app.app_context():
        assert validity.queue_due_changes() is not None  # the first run after the upgrade
        assert validity.queue_due_changes() is None      # the same day again: nothing
    assert top_ids(app, "lan", "", status="Hết hiệu lực toàn bộ")[1].total == 0

    monkeypatch.setattr(clock, "utcnow", lambda: fixed_today + timedelta(days=29))  # 01/10/2024
    with app.app_context():
        before = db.session.scalar(db.select(db.func.max(IndexChange.id)))
        assert validity.queue_due_changes() == 2  # the replaced one and the one coming into force
        queued = set(db.session.scalars(db.select(IndexChange.record_id).where(IndexChange.id > before)))
        assert queued == {old, new}
        assert validity.queue_due_changes() is None
        search.sync()
    assert top_ids(app, "lan", "", status="Hết hiệu lực toàn bộ")[0] == [old]
    assert set(top_ids(app, "lan", "", status="Còn hiệu lực")[0]) == {new, other}


def test_list_filter_uses_the_status_the_reader_sees(app, make_user, make_document):
    from app import access, validity
    from app.services.library import documents as library

    make_user("lan", unit="TCCB")
    make_user("minh", unit="VPC")
    ids = [
        make_document(number="61/2018/NĐ-CP", status="Còn hiệu lực", issued_on=date(2018, 4, 23)),
        make_document(number="107/2021/NĐ-CP", status="Còn hiệu lực", issued_on=date(2021, 12, 6)),
        make_document(number="05/QC-VPC", doc_type="Quy chế", status="Còn hiệu lực", issued_on=date(2020, 1, 1)),
        make_document(number="09/QC-VPC", doc_type="Quy chế", status="Còn hiệu lực", issued_on=date(2024, 3, 1),
                      units=["VPC"]),
        make_document(number="20/2024/TT-BNV", doc_type="Thông tư", status="Còn hiệu lực",
                      issued_on=date(2024, 8, 1), effective_on=date(2024, 9, 15)),
        make_document(number="01/2020/QĐ-TTg", doc_type="Quyết định", status="Chưa có hiệu lực",
                      issued_on=date(2020, 1, 2), effective_on=date(2020, 2, 1), expires_on=date(2030, 1, 1)),
        make_document(number="15/BC-VPC", doc_type="Báo cáo", issued_on=date(2024, 4, 10)),
    ]
    _relate(app, ids[1], "amends", ids[0])
    _relate(app, ids[3], "replaces", ids[2])
    for name in ("lan", "minh"):
        with app.test_request_context():
            user = _user(name)
            readable = db.session.scalars(db.select(Document).where(access.document_clause(user))).all()
            seen = validity.for_documents(readable, user)
            for status in ("Còn hiệu lực", "Hết hiệu lực toàn bộ", "Hết hiệu lực một phần", "Chưa có hiệu lực"):
                listed = db.session.scalars(library.list_statement(user, library.DocumentFilters(status=status)))
                assert {d.id for d in listed} == {i for i, v in seen.items() if v.status == status}, (name, status)
    assert _seen(app, "minh", ids[2]).status == "Hết hiệu lực toàn bộ"
    assert _seen(app, "lan", ids[2]).status == "Còn hiệu lực"
