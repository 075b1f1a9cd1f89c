"""Relevance on the demo news articles among generated noise, the way civil servants type."""
from app.extensions import db
from app.models import Document
from tests.search.conftest import top_ids


def _title_of(app, doc_id):
    with app.app_context():
        return db.session.get(Document, doc_id).title


def test_accent_free_query_finds_every_accented_form(app, make_user, library):
    make_user("lan", unit="TCCB")
    accented_ids, accented = top_ids(app, "lan", "người đứng đầu", n=10)
    plain_ids, plain = top_ids(app, "lan", "nguoi dung dau", n=10)
    # Without accents every form matches; with them only these forms, and the page says how
    # many more records match when accents are ignored.
    assert 0 < accented.total < plain.total
    assert accented.total + accented.more_without_accents == plain.total
    # The Quảng Nam article is about the head's responsibility: it ranks first either way.
    assert (accented_ids[0] == plain_ids[0]
            == library["Quảng Nam đặt người đứng đầu vào trung tâm của cải cách hành chính"])


def test_tone_conventions_match_each_other(app, make_user, make_document):
    make_user("lan")
    new_style = make_document(title="Hiện đại hóa nền hành chính", body="Đẩy mạnh số hóa hồ sơ.")
    old_style = make_document(title="Tăng cường quản lý thuỷ lợi", body="Uỷ ban nhân dân tỉnh chỉ đạo.")
    assert top_ids(app, "lan", "hiện đại hoá")[0] == [new_style]
    assert top_ids(app, "lan", "số hoá")[0] == [new_style]
    assert top_ids(app, "lan", "thủy lợi")[0] == [old_style]
    assert top_ids(app, "lan", "ủy ban")[0] == [old_style]


def test_document_numbers_first_in_every_written_form(app, make_user, library, make_document):
    make_user("lan")
    decree = make_document(number="107/2021/NĐ-CP", title="Sửa đổi, bổ sung Nghị định về cơ chế một cửa")
    make_document(number="61/2018/NĐ-CP", title="Về thực hiện cơ chế một cửa",
                  body="Được sửa đổi bởi Nghị định số 107/2021/NĐ-CP ngày 6/12/2021.")
    plan = make_document(number="2337/KH-TTCP", doc_type="Kế hoạch", title="Kế hoạch CCHC năm 2022",
                         issuer="Thanh tra Chính phủ")
    decision = make_document(number="3567/QĐ-UBND", doc_type="Quyết định", issuer="UBND tỉnh Quảng Nam",
                             title="Phê duyệt Kiến trúc ICT phát triển đô thị thông minh")
    for query in ("107/2021/NĐ-CP", "107/2021/nd-cp", "107/2021/ND-CP", " 107 / 2021 / NĐ-CP ", "nghị định 107/2021",
                  "Nghị định số 107/2021/NĐ-CP ngày 6/12/2021"):
        assert top_ids(app, "lan", query)[0][0] == decree, query
    assert top_ids(app, "lan", "2337/kh-ttcp")[0][0] == plan
    assert top_ids(app, "lan", "Quyết định 3567")[0][0] == decision
    assert top_ids(app, "lan", "quyet dinh 3567")[0][0] == decision


def test_abbreviations_expand_both_ways(app, make_user, make_document):
    make_user("lan")
    long_form = make_document(title="Rà soát thủ tục hành chính thuộc thẩm quyền giải quyết")
    short_form = make_document(title="Công khai TTHC tại bộ phận một cửa")
    found_short, _ = top_ids(app, "lan", "TTHC", n=10)
    found_long, _ = top_ids(app, "lan", "thu tuc hanh chinh", n=10)
    assert {long_form, short_form} <= set(found_short)
    assert {long_form, short_form} <= set(found_long)
    assert top_ids(app, "lan", "TTHC mot cua")[0][0] == short_form


def test_phrase_beats_scattered_words(app, make_user, make_document):
    make_user("lan")
    scattered = make_document(title="Thông tin về cửa khẩu liên kết một số đơn vị",
                              body="Một đơn vị thông báo; cửa hàng liên hệ sau.")
    phrase = make_document(title="Cơ chế một cửa liên thông", body="Giải quyết theo cơ chế một cửa liên thông.")
    ids, page = top_ids(app, "lan", "một cửa liên thông")
    assert ids[:2] == [phrase, scattered] and page.total == 2
    quoted, quoted_page = top_ids(app, "lan", '"một cửa liên thông"')
    assert quoted == [phrase] and quoted_page.total == 1


def test_a_name_as_a_phrase_in_the_body_beats_its_syllables_in_a_title(app, make_user, make_document):
    """``Cao Bằng`` (a province) in the text ranks above a title with "Đề cao" and "bằng" apart."""
    make_user("lan")
    title_words = make_document(title="Đề cao trách nhiệm người đứng đầu bằng kết quả cụ thể",
                                body="Nâng cao chất lượng phục vụ; đánh giá bằng sự hài lòng của người dân.")
    province = make_document(title="Ban Chỉ đạo kiểm tra công tác CCHC tại tỉnh",
                             body="Đoàn kiểm tra làm việc tại tỉnh Cao Bằng về kết quả cải cách hành chính.")
    assert top_ids(app, "lan", "Cao Bằng")[0][:2] == [province, title_words]
    assert top_ids(app, "lan", "cao bang")[0][:2] == [province, title_words]


def test_typed_accents_match_that_form_only(app, make_user, make_document):
    make_user("lan")
    folded_only = make_document(title="Tổ chức hoa giải trí dịp lễ", body="Trang trí hoa.")
    exact = make_document(title="Công tác hòa giải ở cơ sở", body="Hòa giải viên.")
    for query in ("hòa giải", "hoà giải"):
        ids, page = top_ids(app, "lan", query)
        assert ids == [exact] and page.more_without_accents == 1 and not page.accents_relaxed
    assert top_ids(app, "lan", "hoa giai")[0][:2] == [exact, folded_only]


def test_title_weighs_more_than_body(app, make_user, make_document):
    make_user("lan")
    in_body = make_document(title="Báo cáo quý", body="Nội dung có nhắc tới vị trí việc làm một lần.")
    in_title = make_document(title="Đề án vị trí việc làm", body="Nội dung khác.")
    assert top_ids(app, "lan", "vị trí việc làm")[0][:2] == [in_title, in_body]


def test_snippets_come_from_where_the_match_is_even_far_in(app, make_user, make_document):
    make_user("lan")
    filler = "Nội dung không liên quan. " * 3000  # about 78,000 characters before the match
    doc = make_document(title="Văn bản dài", body=filler + "Cuối văn bản nói về chữ ký số <script>x</script> rõ ràng.")
    ids, page = top_ids(app, "lan", "chu ky so")
    assert ids == [doc]
    snippet = str(page.hits[0].snippets[0])
    assert "<mark>chữ ký số</mark>" in snippet
    assert "&lt;script&gt;" in snippet and "<script>" not in snippet
    assert len(page.hits[0].snippets) <= 2


def test_filters_and_newest_sort(app, make_user, make_document):
    from datetime import date

    make_user("lan")
    old = make_document(title="Kế hoạch cải cách hành chính 2019", doc_type="Kế hoạch", issued_on=date(2019, 1, 2))
    new = make_document(title="Kế hoạch cải cách hành chính năm 2024", doc_type="Kế hoạch",
                        issued_on=date(2024, 3, 1))
    decree = make_document(title="Nghị định về cải cách hành chính", issued_on=date(2021, 5, 5))
    ids, page = top_ids(app, "lan", "cai cach hanh chinh", doc_type="Kế hoạch")
    assert set(ids) == {old, new} and page.total == 2
    assert {v: c for v, _l, c in page.facets["doc_type"]} == {"Kế hoạch": 2}
    _, by_year = top_ids(app, "lan", "cai cach hanh chinh", year="2021")
    assert [h.id for h in by_year.hits] == [decree]
    _, ranged = top_ids(app, "lan", "cai cach hanh chinh", date_from=20200101, date_to=20221231)
    assert [h.id for h in ranged.hits] == [decree]
    from app import search
    from app.models import User

    with app.test_request_context():
        user = db.session.scalar(db.select(User).where(User.username == "lan"))
        newest = search.search(user, search.SearchRequest(q="cai cach hanh chinh", sort="newest"))
    assert [h.id for h in newest.hits] == [new, decree, old]


def test_no_results_offers_correction_and_any_word_results(app, make_user, library):
    make_user("lan")
    _ids, page = top_ids(app, "lan", "caii cachh hanh chinh")
    assert page.suggestion is not None and "cách" in page.suggestion
    _, fallback = top_ids(app, "lan", "cải cách xyzxyzkhongco")
    assert fallback.any_word and fallback.total > 0
