"""Search never reveals what a user may not read: results, totals, facets, snippets,
suggestions, autocomplete, related lists, and the API."""
import json

import pytest

from app.extensions import db
from tests.helpers import login
from tests.search.conftest import top_ids

SECRET_WORD = "quyendoanh"


@pytest.fixture
def secret_setup(app, make_user, make_document):
    make_user("vpc", unit="VPC")
    make_user("tccb", unit="TCCB")
    make_user("quantri", roles=["admin"], unit="KHTCTH")
    secret = make_document(number="15/BC-VPC", doc_type="Báo cáo", issuer="Cục Bảo mật Nội bộ", units=["VPC"],
                           title=f"Báo cáo chuyên đề {SECRET_WORD} về cải cách hành chính",
                           body=f"Nội dung mật: {SECRET_WORD} cải cách hành chính số liệu 42.")
    public = make_document(number="16/BC-TTCP", doc_type="Báo cáo", issuer="Thanh tra Chính phủ",
                           title="Báo cáo chuyên đề về cải cách hành chính",
                           body="Nội dung công khai cải cách hành chính.")
    return secret, public


def test_results_totals_facets_and_snippets(app, secret_setup):
    secret, public = secret_setup
    ids, page = top_ids(app, "tccb", "cai cach hanh chinh", n=10)
    assert ids == [public] and page.total == 1
    facet_values = {value for items in page.facets.values() for value, _label, _count in items}
    assert "Cục Bảo mật Nội bộ" not in facet_values
    assert dict((v, c) for v, _l, c in page.facets["doc_type"]) == {"Báo cáo": 1}
    assert SECRET_WORD not in " ".join(str(s) for hit in page.hits for s in hit.snippets)
    assert top_ids(app, "tccb", SECRET_WORD)[1].total == 0
    assert top_ids(app, "tccb", "15/BC-VPC")[1].total == 0
    # Filtering by the secret issuer shows nothing either.
    assert top_ids(app, "tccb", "", issuer="Cục Bảo mật Nội bộ")[1].total == 0
    # Its unit and admins see it.
    assert set(top_ids(app, "vpc", "cai cach hanh chinh")[0]) == {secret, public}
    assert set(top_ids(app, "quantri", "cai cach hanh chinh")[0]) == {secret, public}
    assert top_ids(app, "vpc", SECRET_WORD)[0] == [secret]


def test_suggestions_are_built_from_readable_words_only(app, secret_setup):
    _, outsider = top_ids(app, "tccb", "quyendoanhh")
    assert outsider.total == 0 and (outsider.suggestion is None or SECRET_WORD not in outsider.suggestion)
    _, insider = top_ids(app, "vpc", "quyendoanhh")
    assert insider.suggestion == SECRET_WORD


def test_autocomplete_and_related_lists(app, secret_setup):
    from app import search
    from app.models import User

    secret, public = secret_setup
    with app.test_request_context():
        outsider = db.session.scalar(db.select(User).where(User.username == "tccb"))
        insider = db.session.scalar(db.select(User).where(User.username == "vpc"))
        assert search.suggest(outsider, SECRET_WORD) == []
        assert [s["url"] for s in search.suggest(insider, SECRET_WORD)] == [f"/documents/{secret}"]
        assert secret not in [h.id for h in search.related(outsider, "document", public)]
        assert secret in [h.id for h in search.related(insider, "document", public)]


def test_api_and_pages(app, client, secret_setup):
    secret, public = secret_setup
    login(client, "tccb")
    data = client.get("/api/search?q=cai+cach+hanh+chinh").get_json()
    assert data["total"] == 1 and [r["id"] for r in data["results"]] == [public]
    assert "Cục Bảo mật Nội bộ" not in json.dumps(data, ensure_ascii=False)
    assert client.get(f"/api/search?q={SECRET_WORD}").get_json()["total"] == 0
    assert client.get(f"/api/search/suggest?q={SECRET_WORD}").get_json() == {"suggestions": []}
    page = client.get(f"/search?q={SECRET_WORD}").get_data(as_text=True)
    assert f"/documents/{secret}" not in page
    doc_page = client.get(f"/documents/{public}").get_data(as_text=True)
    assert f"/documents/{secret}" not in doc_page


def test_header_autocomplete_options_are_permission_filtered(app, client, secret_setup):
    secret, public = secret_setup
    login(client, "tccb")
    html = client.get(f"/search/suggest?q={SECRET_WORD}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<option" not in html and SECRET_WORD not in html
    html = client.get("/search/suggest?q=bao+cao+chuyen+de", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "16/BC-TTCP" in html and "15/BC-VPC" not in html
    insider = app.test_client()
    login(insider, "vpc")
    assert "15/BC-VPC" in insider.get(f"/search/suggest?q={SECRET_WORD}").get_data(as_text=True)
