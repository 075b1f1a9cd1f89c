"""The search page and API: active-search fragments, any query handled, bad API parameters."""
import pytest

from tests.helpers import login

MALFORMED = ['"cải cách', 'AND OR', '*', 'field:', 'title:(cải cách', '((()))[]{}', 'x' * 2000 + ' cải cách',
             'cải cách 🚀😀', 'cải\x00cách\x1b[31m hành\u200b chính', '"', 'NOT', '-', '107/', '/2021/', '\\', '%',
             "' OR 1=1 --", '<script>alert(1)</script>', 'đ' * 300, '   ']


@pytest.fixture
def reader(client, make_user, make_document):
    make_user("lan")
    make_document(number="107/2021/NĐ-CP", title="Sửa đổi, bổ sung về cơ chế một cửa, cải cách hành chính")
    login(client, "lan")
    return client


@pytest.mark.parametrize("query", MALFORMED)
def test_any_query_is_handled(reader, query):
    page = reader.get("/search", query_string={"q": query})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    api = reader.get("/api/search", query_string={"q": query})
    assert api.status_code == 200 and "total" in api.get_json()


def test_page_fragment_for_htmx_full_page_otherwise(reader):
    full = reader.get("/search?q=cai+cach")
    assert "<html" in full.get_data(as_text=True) and "1</strong> kết quả" in full.get_data(as_text=True)
    fragment = reader.get("/search?q=cai+cach", headers={"HX-Request": "true"})
    body = fragment.get_data(as_text=True)
    assert "<html" not in body and "<mark>cải cách</mark>" in body
    assert "HX-Request" in fragment.headers["Vary"]
    restore = reader.get("/search?q=cai+cach", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.get_data(as_text=True)


def test_header_box_does_active_search(reader):
    html = reader.get("/").get_data(as_text=True)
    assert 'hx-get="/search"' in html and 'hx-push-url="true"' in html and "input changed delay:" in html


def test_api_shape(reader):
    data = reader.get("/api/search?q=107/2021/nd-cp&per_page=5").get_json()
    assert data["total"] == 1 and data["page"] == 1 and data["per_page"] == 5
    result = data["results"][0]
    assert set(result) >= {"kind", "id", "title", "number", "url", "snippet", "date", "score"}
    assert result["kind"] == "document" and result["number"] == "107/2021/NĐ-CP"
    assert {"kind", "category", "doc_type", "issuer", "fields", "year", "status", "unit"} <= set(data["facets"])


@pytest.mark.parametrize("query", ["page=abc", "per_page=0", "per_page=500", "sort=random", "from=31/02/2024",
                                   "to=hôm-nay", "page=-2"])
def test_api_bad_parameters_get_400_json(reader, query):
    response = reader.get(f"/api/search?q=x&{query}")
    assert response.status_code == 400 and "error" in response.get_json()


def test_page_tolerates_bad_parameters(reader):
    assert reader.get("/search?q=x&page=abc&sort=random&from=31/02/2024").status_code == 200


def test_search_requires_login(client):
    assert client.get("/search?q=x").status_code == 302
    assert client.get("/api/search?q=x").status_code == 401
