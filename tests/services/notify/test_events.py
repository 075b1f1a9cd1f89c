"""What actions notify, and to whom: the reform office on reports and progress, reviewers and
authors on news, followers on documents; never anyone about a record they may not read."""
from __future__ import annotations

import pytest

from app.errors import Forbidden, NotFound
from app.extensions import db
from app.models import Document, Notification, User
from app.services.library import documents as library
from app.services.news import articles as news
from app.services.notify import notifications as center
from app.services.plans import progress


def _titles(app, user_id):
    with app.app_context():
        return [n.title for n in db.session.scalars(db.select(Notification).where(Notification.user_id == user_id)
                                                    .order_by(Notification.id))]


def _user(user_id):
    return db.session.get(User, user_id)


def test_a_progress_update_tells_the_reform_office_only(app, world, at_vietnam_time):
    at_vietnam_time(2024, 5, 2, 10)
    with app.app_context():
        task = db.session.get(progress.Task, world.task)
        progress.post_update(task, _user(world.users["rep_vpc"]),
                             progress.UpdateData(status="in_progress", percent=40, done="Đã rà soát 21 văn bản"))
    assert _titles(app, world.users["admin"]) == ["VPC cập nhật tiến độ nhiệm vụ 2.1: Đang thực hiện, 40%"]
    for name in ("rep_vpc", "rep_tccb", "rep_vp", "reader_vpc"):
        assert _titles(app, world.users[name]) == []


def test_a_refused_update_notifies_nobody(app, world):
    with app.app_context():
        task = db.session.get(progress.Task, world.other_task)  # VP's task: VPC may not report on it
        with pytest.raises(Forbidden):
            progress.post_update(task, _user(world.users["rep_vpc"]),
                                 progress.UpdateData(status="in_progress", percent=40, done="x"))
    assert _titles(app, world.users["admin"]) == []


def test_news_steps_tell_reviewers_then_the_author(app, make_user):
    author = make_user("bientap", roles=["editor"], unit="VP")
    reviewer = make_user("duyettin", roles=["editor", "publisher"], unit="VP")
    with app.app_context():
        article = news.create_article(news.ArticleData(title="Một cửa điện tử ở Vụ Pháp chế", summary="Tóm tắt",
                                                       body="Nội dung bài viết."), _user(author))
        news.submit(article, _user(author))
        news.send_back(article, _user(reviewer), "Bổ sung số liệu hồ sơ đã giải quyết.")
        news.submit(article, _user(author))
        news.publish(article, _user(reviewer))
    assert _titles(app, reviewer) == ["Tin bài chờ duyệt: Một cửa điện tử ở Vụ Pháp chế"] * 2
    assert _titles(app, author) == ["Tin bài bị trả lại: Một cửa điện tử ở Vụ Pháp chế",
                                    "Tin bài đã được đăng: Một cửa điện tử ở Vụ Pháp chế"]
    with app.app_context():
        returned = db.session.scalar(db.select(Notification).where(Notification.kind == "news_returned"))
        assert "Bổ sung số liệu hồ sơ đã giải quyết." in returned.text


def test_followers_hear_of_changes_and_relations_they_may_read_only(app, world, make_document):
    public = make_document(number="61/2018/NĐ-CP", title="Về thực hiện cơ chế một cửa")
    restricted = make_document(number="15/BC-VPC", title="Báo cáo nội bộ của Vụ Pháp chế", doc_type="Báo cáo",
                               units=["VPC"])
    with app.app_context():
        for name in ("rep_vpc", "rep_tccb"):
            center.follow(_user(world.users[name]), db.session.get(Document, public))
        center.follow(_user(world.users["rep_vpc"]), db.session.get(Document, restricted))
        with pytest.raises(NotFound):  # another unit's restricted document: as if it did not exist
            center.follow(_user(world.users["rep_tccb"]), db.session.get(Document, restricted))
        # The restricted report now cites the decree: only VPC may read both ends.
        library.add_relation(db.session.get(Document, restricted), db.session.get(Document, public), "based_on",
                             _user(world.users["admin"]))
    assert _titles(app, world.users["rep_tccb"]) == []
    assert _titles(app, world.users["rep_vpc"]) == [
        "Văn bản Báo cáo 15/BC-VPC có liên kết mới: Căn cứ Nghị định 61/2018/NĐ-CP",
        "Văn bản Nghị định 61/2018/NĐ-CP có liên kết mới: Là căn cứ của Báo cáo 15/BC-VPC"]


def test_a_follower_who_loses_access_loses_the_document_and_its_notifications(app, world, make_document):
    doc = make_document(number="02/KH-UBND", title="Kế hoạch rà soát thủ tục")
    with app.app_context():
        center.follow(_user(world.users["rep_tccb"]), db.session.get(Document, doc))
        document = db.session.get(Document, doc)
        data = library.DocumentData(category=document.category, doc_type=document.doc_type, number=document.number,
                                    title="Kế hoạch rà soát thủ tục hành chính năm 2024", issuer=document.issuer,
                                    visibility="all", status=None)
        library.update_document(document, data, _user(world.users["admin"]), document.version)
    assert _titles(app, world.users["rep_tccb"]) == ["Văn bản đang theo dõi được cập nhật: Nghị định 02/KH-UBND"]
    with app.app_context():
        document = db.session.get(Document, doc)
        data = library.DocumentData(category=document.category, doc_type=document.doc_type, number=document.number,
                                    title=document.title, issuer=document.issuer, visibility="units",
                                    unit_ids=[world.units["VPC"]], status=None)
        library.update_document(document, data, _user(world.users["admin"]), document.version)
        assert not center.is_following(_user(world.users["rep_tccb"]), document)
        assert center.unread_count(_user(world.users["rep_tccb"])) == 0
    assert _titles(app, world.users["rep_tccb"]) == []
