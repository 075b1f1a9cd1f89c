"""The results page as a reader sees it: row fields (validity, issue date, task state), "Tìm
trong", the exact-phrase hint, accents notices and links, advice when nothing is found, the
validity and task-state facets, every year listed, "Xem thêm" for long facets, the menu, and
the same parameters on the JSON API."""
import html as html_lib
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.helpers import logged_in, login, page_token


@pytest.fixture
def reader(client, make_user):
    make_user("lan")
    login(client, "lan")
    return client


def page_html(client, **params) -> str:
    response = client.get("/search", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def results_part(html: str) -> str:
    """The result list only (facets also name statuses)."""
    return html.split('class="result-list"')[1].split("</ol>")[0]


def rows(html: str) -> list[str]:
    return re.findall(r'<li class="result[^"]*">(.*?)</li>', results_part(html), re.S)


def text_of(fragment: str) -> str:
    """Visible text: tags removed, entities decoded, spaces collapsed."""
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def facet_section(html: str, title: str) -> str:
    match = re.search(r'<section class="facet">\s*<h2>' + re.escape(title) + r"</h2>(.*?)</section>", html, re.S)
    return match.group(1) if match else ""


def facet_values(html: str, title: str) -> list[str]:
    """The facet's labels in order, counts left out."""
    return [text_of(re.sub(r'<span class="count">.*?</span>', "", item))
            for item in re.findall(r"<li>(.*?)</li>", facet_section(html, title), re.S)]


def link(html: str, text: str) -> str:
    """The href of the link whose visible text is ``text``."""
    for href, inner in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>(.*?)</a>', html, re.S):
        if text_of(inner) == text:
            return html_lib.unescape(href)
    raise AssertionError(f"no link {text!r}")


def query_of(href: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}


# Result rows

def test_document_rows_show_type_number_issuer_issue_date_and_validity(reader, make_document):
    make_document(number="107/2021/NĐ-CP", title="Nghị định về cơ chế một cửa", issued_on=date(2021, 11, 30),
                  status="Còn hiệu lực", issuer="Chính phủ")
    make_document(number="61/2018/NĐ-CP", title="Nghị định về thực hiện cơ chế một cửa, một cửa liên thông",
                  issued_on=date(2018, 4, 23), status="Hết hiệu lực một phần")
    make_document(number="2/2009/TT-BNV", doc_type="Thông tư", title="Thông tư hướng dẫn cơ chế một cửa",
                  issued_on=date(2009, 1, 5), status="Hết hiệu lực toàn bộ", issuer="Bộ Nội vụ")
    html = page_html(reader, q="cơ chế một cửa", sort="newest")
    found = [text_of(row) for row in rows(html)]
    assert len(found) == 3
    assert found[0].startswith("Nghị định 107/2021/NĐ-CP · Chính phủ · Ban hành 30/11/2021 Còn hiệu lực")
    assert found[1].startswith("Nghị định 61/2018/NĐ-CP · Chính phủ · Ban hành 23/04/2018 Hết hiệu lực một phần")
    assert found[2].startswith("Thông tư 2/2009/TT-BNV · Bộ Nội vụ · Ban hành 05/01/2009 Hết hiệu lực toàn bộ")
    # A distinct look for a valid document, besides its text.
    badges = re.findall(r'<span class="badge ([^"]+)">([^<]+)</span>', results_part(html))
    assert badges == [("badge--valid", "Còn hiệu lực"), ("badge--partial", "Hết hiệu lực một phần"),
                      ("badge--expired", "Hết hiệu lực toàn bộ")]


def test_row_text_is_escaped(reader, make_document):
    make_document(number="5/2024/QĐ-UBND", title="Quy chế <b>một cửa</b> & liên thông",
                  issuer="<script>alert(1)</script>", status="Còn hiệu lực")
    html = page_html(reader, q="một cửa")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;" in results_part(html)


# Tìm trong: toàn văn / tiêu đề

def test_title_scope_finds_title_matches_only_and_is_kept_in_links(reader, make_document):
    make_document(title="Quy chế tiếp nhận hồ sơ trực tuyến", issued_on=date(2024, 3, 1))
    make_document(title="Báo cáo tổng kết năm", body="Đã triển khai tiếp nhận hồ sơ trực tuyến tại bộ phận một cửa.",
                  issued_on=date(2023, 3, 1))
    everywhere = page_html(reader, q="tiếp nhận hồ sơ")
    assert len(rows(everywhere)) == 2
    assert re.search(r'id="search-in-all" type="radio" name="in" value="all" data-autosubmit checked', everywhere)

    titles = page_html(reader, q="tiếp nhận hồ sơ", **{"in": "title"})
    assert [text_of(r) for r in rows(titles)][0].count("Quy chế tiếp nhận hồ sơ trực tuyến") == 1
    assert len(rows(titles)) == 1 and "Báo cáo tổng kết năm" not in results_part(titles)
    assert "1</strong> kết quả" in titles and "trong tiêu đề" in titles
    assert re.search(r'id="search-in-title" type="radio" name="in" value="title" data-autosubmit checked', titles)
    # Facets keep the scope.
    assert query_of(link(titles, "2024 1"))["in"] == "title"
    # Without JavaScript the form sends the choice: a plain GET with in=title is the same page.
    assert len(rows(page_html(reader, q="tiếp nhận hồ sơ", **{"in": "title", "year": "2024"}))) == 1


def test_scope_is_kept_across_pages_and_sorting(reader, make_document):
    for n in range(3):
        make_document(title=f"Quy chế văn thư số {n}", issued_on=date(2020 + n, 1, 1))
    html = page_html(reader, q="quy chế", per_page=2, sort="newest", **{"in": "title"})
    assert len(rows(html)) == 2
    following = query_of(link(html, "Sau »"))
    assert following == {"q": "quy chế", "per_page": "2", "sort": "newest", "in": "title", "page": "2"}


# Exact-phrase hint

def test_phrase_hint_and_link_to_the_quoted_query(reader, make_document):
    make_document(title="Thực hiện cơ chế một cửa liên thông tại cấp xã")
    make_document(title="Liên thông dữ liệu một số thủ tục", body="Nộp tại bộ phận một cửa.")
    html = page_html(reader, q="một cửa liên thông")
    assert '<code>"một cửa liên thông"</code> tìm các từ đứng liền nhau theo đúng thứ tự' in html
    href = link(html, "Tìm chính xác cụm từ “một cửa liên thông”")
    assert query_of(href)["q"] == '"một cửa liên thông"'
    quoted = reader.get(href).get_data(as_text=True)
    assert [text_of(r) for r in rows(quoted)] and len(rows(quoted)) == 1
    assert "<mark>một cửa liên thông</mark>" in results_part(quoted)
    # Already quoted, or one word: no such link.
    assert "Tìm chính xác cụm từ" not in quoted
    assert "Tìm chính xác cụm từ" not in page_html(reader, q="liên thông".split()[0])


# Accents

def test_accents_relaxed_notice_when_no_record_holds_the_typed_accents(reader, make_document):
    make_document(title="Phát huy vai trò của người đứng đầu trong cải cách hành chính")
    html = page_html(reader, q="hủy")
    assert ("Không có kết quả chứa đúng “hủy” như đã gõ dấu; dưới đây là các kết quả khi bỏ qua dấu."
            in text_of(html))
    assert len(rows(html)) == 1 and "Phát <mark>huy</mark>" in results_part(html)
    assert "Xem thêm" not in text_of(html.split('id="search-status"')[1].split("</div>")[0])


def test_more_without_accents_link_lists_them_and_back_to_exact(reader, make_document):
    make_document(title="Cơ chế một cửa tại bộ phận tiếp nhận")
    make_document(title="Trách nhiệm của người đứng đầu")
    make_document(title="Quy định của Bộ về thủ tục")
    exact = page_html(reader, q="cửa")
    assert len(rows(exact)) == 1 and "1</strong> kết quả" in exact
    href = link(exact, "Xem thêm 2 kết quả khi không phân biệt dấu")
    assert query_of(href) == {"q": "cửa", "dau": "0"}

    relaxed = reader.get(href).get_data(as_text=True)
    assert len(rows(relaxed)) == 3 and "3</strong> kết quả" in relaxed
    assert "Đang tìm không phân biệt dấu" in text_of(relaxed)
    assert '<input type="hidden" name="dau" value="0">' in relaxed  # a new query in the box keeps it
    back = link(relaxed, "Chỉ tìm đúng dấu đã gõ")
    assert query_of(back) == {"q": "cửa"}
    assert len(rows(reader.get(back).get_data(as_text=True))) == 1


# Nothing found

def test_no_result_advice_for_an_accented_query(reader, make_document):
    make_document(title="Quy chế làm việc của cơ quan")
    html = page_html(reader, q="khảo sát mức độ hài lòng")
    advice = text_of(html.split('class="no-result"')[1].split("</div>")[0])
    assert "0</strong> kết quả" in html
    assert "Dùng ít từ khóa hơn" in advice and "tìm không phân biệt dấu" in advice
    assert query_of(link(html, "tìm không phân biệt dấu")) == {"q": "khảo sát mức độ hài lòng", "dau": "0"}
    assert "Kiểm tra số ký hiệu" not in advice and "Bỏ các bộ lọc" not in advice


def test_no_result_advice_for_a_number(reader, make_document):
    make_document(number="107/2021/NĐ-CP", title="Nghị định về cơ chế một cửa")
    html = page_html(reader, q="999/2030/NĐ-CP")
    advice = text_of(html.split('class="no-result"')[1].split("</div>")[0])
    assert "Kiểm tra số ký hiệu" in advice and "107/2021/NĐ-CP" in advice
    assert "Dùng ít từ khóa hơn" not in advice


def test_no_result_advice_for_quotes_and_filters(reader, make_document):
    make_document(doc_type="Nghị định", title="Cải cách thủ tục hành chính một cửa")
    quoted = page_html(reader, q='"một cửa hành chính"')
    assert query_of(link(quoted, "Bỏ dấu ngoặc kép")) == {"q": "một cửa hành chính"}

    filtered = page_html(reader, q="cải cách", type="Thông tư", year="2020", sort="newest")
    assert "0</strong> kết quả" in filtered
    href = link(filtered, "Bỏ các bộ lọc đang chọn")
    assert query_of(href) == {"q": "cải cách", "sort": "newest"}
    assert len(rows(reader.get(href).get_data(as_text=True))) == 1
    # The existing correction is still offered.
    typo = page_html(reader, q="thủ tục cải cácg", **{"in": "title"})
    assert "Có phải bạn muốn tìm" in typo
    assert query_of(link(typo, "thủ tục cải cách")) == {"q": "thủ tục cải cách", "in": "title"}


# Facets

def test_status_facet_holds_validity_and_state_facet_task_states(app, world, make_document, monkeypatch):
    from datetime import datetime

    from app import clock

    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2024, 5, 2, 3))
    make_document(title="Hướng dẫn rà soát văn bản quy phạm", status="Còn hiệu lực", issued_on=date(2024, 1, 2))
    reporter = logged_in(app, "rep_vpc")
    posted = reporter.post(f"/plans/tasks/{world.task}/updates", data={
        "csrf_token": page_token(reporter, f"/plans/tasks/{world.task}"), "status": "in_progress", "percent": "40",
        "done": "Đã rà soát văn bản quy phạm thuộc lĩnh vực thanh tra", "figures": "37/52 văn bản"},
        content_type="multipart/form-data")
    assert posted.status_code in (200, 302)

    client = logged_in(app, "reader_vpc")
    html = client.get("/search", query_string={"q": "rà soát văn bản quy phạm"}).get_data(as_text=True)
    assert len(rows(html)) == 2
    assert facet_values(html, "Tình trạng hiệu lực") == ["Còn hiệu lực"]
    assert facet_values(html, "Tình trạng nhiệm vụ") == ["Đang thực hiện"]
    progress_row = next(text_of(r) for r in rows(html) if "Tiến độ nhiệm vụ" in text_of(r))
    assert "Đang thực hiện" in progress_row and "Cập nhật 02/05/2024" in progress_row

    narrowed_href = link(html, "Đang thực hiện 1")
    assert query_of(narrowed_href)["state"] == "Đang thực hiện"
    narrowed = client.get(narrowed_href).get_data(as_text=True)
    assert len(rows(narrowed)) == 1 and "Tiến độ nhiệm vụ" in text_of(rows(narrowed)[0])

    api = client.get("/api/search", query_string={"q": "rà soát văn bản quy phạm"}).get_json()
    assert {f["value"] for f in api["facets"]["status"]} == {"Còn hiệu lực"}
    assert {f["value"] for f in api["facets"]["state"]} == {"Đang thực hiện"}
    assert client.get("/api/search", query_string={"q": "rà soát", "state": "Hoàn thành"}).get_json()["total"] == 0


def test_year_facet_lists_every_year_and_long_facets_fold_the_rest(reader, make_document):
    for n in range(15):
        make_document(title=f"Quy chế phối hợp số {n + 1}", issued_on=date(2005 + n, 6, 1),
                      issuer=f"Cơ quan {n + 1:02d}")
    html = page_html(reader, q="quy chế phối hợp")
    years = facet_values(html, "Năm")
    assert years == [str(y) for y in range(2019, 2004, -1)]
    assert "<details" not in facet_section(html, "Năm")
    issuers = facet_section(html, "Cơ quan ban hành")
    shown, folded = issuers.split("<details")
    assert len(re.findall(r"<li>", shown)) == 12 and len(re.findall(r"<li>", folded)) == 3
    assert "<summary>Xem thêm 3</summary>" in folded
    assert len(rows(reader.get(link(folded, "Cơ quan 15 1")).get_data(as_text=True))) == 1


# Menu

def test_menu_marks_search_current_on_the_page_and_in_htmx_fragments(reader, make_document):
    make_document(title="Quy chế văn thư")
    full = page_html(reader, q="văn thư")
    assert re.search(r'<a href="/search" aria-current="page">Tìm kiếm</a>', full)
    fragment = reader.get("/search?q=van+thu", headers={"HX-Request": "true"}).get_data(as_text=True)
    nav = fragment.split('<nav id="main-nav"')[1]
    assert nav.startswith(' class="main-nav" aria-label="Điều hướng chính" hx-swap-oob="true">')
    assert re.search(r'<a href="/search" aria-current="page">Tìm kiếm</a>', nav)
    home = reader.get("/").get_data(as_text=True)
    assert '<a href="/search">Tìm kiếm</a>' in home and "hx-swap-oob" not in home


# The JSON API

def test_api_returns_row_fields_notices_and_takes_in_and_dau(reader, make_document):
    make_document(number="107/2021/NĐ-CP", title="Cơ chế một cửa liên thông", issued_on=date(2021, 11, 30),
                  status="Còn hiệu lực")
    make_document(title="Trách nhiệm của người đứng đầu", body="Liên thông dữ liệu.")
    data = reader.get("/api/search", query_string={"q": "cửa"}).get_json()
    assert data["total"] == 1 and data["more_without_accents"] == 1 and data["accents_relaxed"] is False
    result = data["results"][0]
    assert result["status"] == "Còn hiệu lực" and result["doc_type"] == "Nghị định"
    assert result["date"] == "2021-11-30" and result["phrase"] == 0  # one word is no phrase
    assert data["scope"] == "all" and data["ignore_accents"] is False

    loose = reader.get("/api/search", query_string={"q": "cửa", "dau": "0"}).get_json()
    assert loose["total"] == 2 and loose["ignore_accents"] is True and loose["more_without_accents"] == 0

    relaxed = reader.get("/api/search", query_string={"q": "cừa"}).get_json()
    assert relaxed["accents_relaxed"] is True and relaxed["total"] == 2

    phrase = reader.get("/api/search", query_string={"q": "một cửa"}).get_json()["results"][0]
    assert phrase["phrase"] == 2 and phrase["number"] == "107/2021/NĐ-CP"

    titles = reader.get("/api/search", query_string={"q": "liên thông", "in": "title"}).get_json()
    assert titles["scope"] == "title" and [r["title"] for r in titles["results"]] == ["Cơ chế một cửa liên thông"]
    assert reader.get("/api/search", query_string={"q": "liên thông"}).get_json()["total"] == 2


@pytest.mark.parametrize("query", ["in=xyz", "in=TITLE", "dau=2", "dau=khong"])
def test_api_refuses_bad_in_and_dau(reader, query):
    response = reader.get(f"/api/search?q=x&{query}")
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("Tham số ")


def test_page_tolerates_bad_in_and_dau(reader, make_document):
    make_document(title="Quy chế văn thư")
    html = page_html(reader, q="văn thư", dau="2", **{"in": "xyz"})
    assert len(rows(html)) == 1
    assert re.search(r'id="search-in-all" type="radio" name="in" value="all" data-autosubmit checked', html)
