"""Index changes are queued by the data layer (``app.search.tracking``): any change to a
searchable model, made through the ORM however it is made, writes its outbox row in the same
flush, a rolled-back one leaves none, and the commit hands the rows to the index without the
save waiting for it."""
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from app.extensions import db
from app.models import (
    Article,
    Attachment,
    Document,
    IndexChange,
    ProgressAttachment,
    ProgressUpdate,
    ReportPeriod,
    Task,
    Unit,
    UnitReport,
    User,
)
from app.models.searchable import Searchable, SearchPart
from app.search import outbox, tracking
from app.search.records import SOURCES
from app.services.news import articles as news
from app.services.plans import plans, progress, reports
from app.services.uploads import accept_upload
from tests.helpers import sample
from tests.plan_world import build_world


def _models(mixin) -> list[type]:
    return sorted((m.class_ for m in db.Model.registry.mappers if issubclass(m.class_, mixin)),
                  key=lambda cls: cls.__name__)


def _last() -> int:
    """The newest outbox row's id (0: none)."""
    return db.session.scalar(sa.select(sa.func.max(IndexChange.id))) or 0


def _queued(since: int) -> set[tuple[str, int]]:
    """The outbox rows after ``since`` (the current transaction's included), as (kind, record id)."""
    return set(db.session.execute(sa.select(IndexChange.kind, IndexChange.record_id)
                                  .where(IndexChange.id > since)).tuples())


def _upload(name="bang.txt", data=b"so lieu kiem chung"):
    return accept_upload(FileStorage(io.BytesIO(data), name))


@pytest.fixture
def records(app, make_user, make_unit, make_document):
    """One row of every searchable model, made through the services: a document with a file, a
    restricted document, an article, two progress updates with evidence on one task, a unit report."""
    world = build_world(app, make_user, make_unit)
    public = make_document(number="12/KH-VPC", title="Kế hoạch rà soát", body="Toàn văn kế hoạch.")
    restricted = make_document(number="15/BC-VPC", title="Báo cáo nội bộ", units=["VPC"], doc_type="Báo cáo")
    make_user("bientap", roles=["editor"], unit="VP")
    with app.app_context():
        editor = db.session.scalar(sa.select(User).where(User.username == "bientap"))
        article = news.create_article(news.ArticleData(title="Tin cải cách", body="Nội dung."), editor)
        reporter = db.session.get(User, world.users["rep_vpc"])
        task = db.session.get(Task, world.task)
        first = progress.post_update(task, reporter, progress.UpdateData(
            status="in_progress", percent=30, done="Đã rà soát 10 văn bản", figures="10/52"), [_upload()])
        second = progress.post_update(task, reporter, progress.UpdateData(
            status="in_progress", percent=60, done="Đã rà soát 30 văn bản", figures="30/52"))
        with open(sample("bao-cao-cchc-quy-1-2024.docx"), "rb") as fh:
            upload = accept_upload(FileStorage(io.BytesIO(fh.read()), "bao-cao.docx"), allowed=("docx",))
        report = reports.submit_report(db.session.get(ReportPeriod, world.periods["q1"]), world.units["VPC"],
                                       reporter, upload, reports.ReportData(), 0)
        return {"world": world, "public": public, "restricted": restricted, "article": article.id,
                "task": world.task, "updates": (first.id, second.id), "report": report.id}


def test_every_searchable_model_is_a_kind_of_the_index_and_every_kind_has_one():
    kinds = [cls.search_kind for cls in _models(Searchable)]
    assert sorted(kinds) == sorted(SOURCES) and len(set(kinds)) == len(kinds)
    assert {cls.search_parent[0] for cls in _models(SearchPart)} <= set(SOURCES)
    assert {cls.__name__ for cls in _models(SearchPart)} == {"Attachment", "ProgressAttachment", "ReportVersion",
                                                             "Task"}


def _change_a_column(row) -> str:
    """Change one plain column of ``row`` (not a key, not the version, nothing a rule reads as a
    code), whatever its type; return its name."""
    skip = {"visibility", "status", "kind", "number_key", "version"}
    for column in type(row).__table__.columns:
        if column.primary_key or column.foreign_keys or column.name in skip:
            continue
        value = getattr(row, column.key)
        if isinstance(column.type, sa.String):
            setattr(row, column.key, (value or "") + " (sửa)")
        elif isinstance(column.type, sa.Integer) and value is not None:
            setattr(row, column.key, value + 1)
        elif isinstance(column.type, (sa.DateTime, sa.Date)) and value is not None:
            setattr(row, column.key, value + timedelta(days=1))
        else:
            continue
        return column.name
    raise AssertionError(f"{type(row).__name__} has no column to change")


def test_a_change_to_any_searchable_row_writes_its_outbox_row_in_the_same_flush(app, records):
    """Whatever the model (new ones too): change one of its rows by hand, flush, and its record is
    queued; roll back, and the row is gone with the change."""
    with app.app_context():
        for cls in _models(Searchable):
            row = db.session.scalars(sa.select(cls).order_by(cls.id)).first()
            assert row is not None, f"the fixture makes no {cls.__name__}"
            before = _last()
            name = _change_a_column(row)
            db.session.flush()
            assert _queued(before) == {(cls.search_kind, row.id)}, (cls.__name__, name)
            db.session.rollback()
            assert _queued(before) == set()


def test_collections_files_and_tasks_queue_the_records_they_feed(app, records):
    with app.app_context():
        before = _last()
        document = db.session.get(Document, records["public"])
        document.units = [db.session.get(Unit, records["world"].units["TCCB"])]  # a collection only
        db.session.flush()
        assert _queued(before) == {("document", document.id)}
        db.session.rollback()

        stored = _upload("phu-luc.txt", b"phu luc")
        db.session.add(Attachment(document_id=records["public"], original_name="phu-luc.txt",
                                  stored_name=stored.commit_file(), content_type="text/plain", size=stored.size,
                                  sha256=stored.sha256, kind=stored.kind, text="phụ lục"))
        db.session.flush()
        assert _queued(before) == {("document", records["public"])}
        db.session.rollback()

        db.session.get(ProgressAttachment, db.session.scalars(sa.select(ProgressAttachment.id)).first()).text = "x"
        db.session.flush()
        assert _queued(before) == {("progress", records["updates"][0])}
        db.session.rollback()

        task = db.session.get(Task, records["task"])
        task.title = "Rà soát, hệ thống hóa văn bản"  # the updates' records show the task's title
        db.session.flush()
        assert _queued(before) == {("progress", uid) for uid in records["updates"]}
        db.session.rollback()

        report = db.session.get(UnitReport, records["report"])
        report.latest.title = "Báo cáo quý I (sửa)"
        db.session.flush()
        assert _queued(before) == {("report", report.id)}
        db.session.rollback()


def test_a_new_update_on_a_task_queues_only_itself(app, records):
    with app.app_context():
        before = _last()
        task = db.session.get(Task, records["task"])
        reporter = db.session.get(User, records["world"].users["rep_vpc"])
        update = progress.post_update(task, reporter, progress.UpdateData(
            status="done", percent=100, done="Đã rà soát 52 văn bản", figures="52/52"))
        assert _queued(before) == {("progress", update.id)}


def test_a_restricted_document_requeues_the_updates_whose_evidence_came_from_it(app, records):
    """The evidence rule (``app.access``): an update's record holds an evidence file's text only
    while the documents it came from are for all staff, so a change to a restricted document (or
    one restricted before the change) re-indexes those updates; a public one costs nothing more."""
    with app.app_context():
        evidence = db.session.scalars(sa.select(ProgressAttachment)).first()
        for doc_id in (records["public"], records["restricted"]):
            document = db.session.get(Document, doc_id)
            document.attachments.append(Attachment(
                original_name=evidence.original_name, stored_name=f"copy-{doc_id}", content_type="text/plain",
                size=evidence.size, sha256=evidence.sha256, kind=evidence.kind, text=evidence.text))
        db.session.commit()
        before = _last()

        db.session.get(Document, records["public"]).summary = "Tóm tắt mới"
        db.session.flush()
        assert _queued(before) == {("document", records["public"])}
        db.session.rollback()

        db.session.get(Document, records["restricted"]).summary = "Tóm tắt mới"
        db.session.flush()
        assert _queued(before) == {("document", records["restricted"]), ("progress", records["updates"][0])}
        db.session.rollback()

        opened = db.session.get(Document, records["restricted"])
        opened.visibility, opened.units = "all", []  # restricted before this change: still re-indexed
        db.session.flush()
        assert _queued(before) == {("document", records["restricted"]), ("progress", records["updates"][0])}
        db.session.rollback()


def test_the_commit_hands_the_changes_to_the_index_once_and_never_for_nothing(app, records, monkeypatch):
    calls = []
    monkeypatch.setattr(outbox, "sync_after_commit", lambda: calls.append(1))
    with app.app_context():
        db.session.get(Article, records["article"]).summary = "Tóm tắt"
        db.session.flush()
        db.session.get(Article, records["article"]).title = "Tin cải cách (sửa)"
        db.session.commit()
        assert calls == [1]
        plans.set_period_deadlines(db.session.get(Task, records["task"]).plan, {})  # nothing searchable
        assert calls == [1]
        with tracking.deferred(db.session):
            db.session.get(ProgressUpdate, records["updates"][1]).done = "Đã rà soát 31 văn bản"
            db.session.commit()
        assert calls == [1]  # left queued: applied by whoever syncs next
        assert outbox.pending() >= 1
