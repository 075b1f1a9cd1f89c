"""JSON API for documents: filters, paging, full record, visibility, bad parameters."""
from datetime import date

from app.extensions import db
from app.models import Document
from tests.helpers import login


def test_api_requires_login(client):
    response = client.get("/api/documents")
    assert response.status_code == 401 and response.is_json


def test_api_lists_and_filters_by_number_in_any_form(app, client, make_user, make_document):
    make_user("lan", unit="TCCB")
    target = make_document(number="107/2021/NĐ-CP", title="Sửa đổi Nghị định 61", issued_on=date(2021, 12, 6))
    make_document(number="2337/KH-TTCP", doc_type="Kế hoạch", title="Kế hoạch CCHC")
    login(client, "lan")
    for form in ("107/2021/nd-cp", "107/2021/ND-CP", " 107 / 2021 / NĐ-CP "):
        data = client.get("/api/documents", query_string={"number": form}).get_json()
        assert data["total"] == 1 and data["results"][0]["id"] == target
        assert data["results"][0]["issued_on"] == "2021-12-06"
    data = client.get("/api/documents?type=Kế hoạch&per_page=1&page=1").get_json()
    assert data == {"total": 1, "page": 1, "per_page": 1, "results": [data["results"][0]]}
    assert data["results"][0]["number"] == "2337/KH-TTCP"


def test_api_document_has_every_field(app, client, make_user, make_document):
    make_user("lan", unit="TCCB")
    old = make_document(number="61/2018/NĐ-CP", title="Cơ chế một cửa")
    doc = make_document(number="107/2021/NĐ-CP", title="Sửa đổi", signer="Phạm Minh Chính", status="Còn hiệu lực",
                        issued_on=date(2021, 12, 6), effective_on=date(2021, 12, 6), fields=[3],
                        body="Sửa đổi Nghị định số 61/2018/NĐ-CP.")
    with app.app_context():
        from app.services.library import documents as library

        library.add_relation(db.session.get(Document, doc), db.session.get(Document, old), "amends", None)
    login(client, "lan")
    data = client.get(f"/api/documents/{doc}").get_json()
    assert data["number"] == "107/2021/NĐ-CP" and data["type"] == "Nghị định" and data["signer"] == "Phạm Minh Chính"
    assert data["issued_on"] == "2021-12-06" and data["effective_on"] == "2021-12-06"
    assert data["status"] == "Còn hiệu lực" and data["fields"] == ["Cải cách thủ tục hành chính"]
    assert data["text"] == "Sửa đổi Nghị định số 61/2018/NĐ-CP." and data["attachments"] == []
    assert data["relations"] == [{"type": "amends", "direction": "outgoing", "label": "Sửa đổi, bổ sung",
                                  "document": data["relations"][0]["document"]}]
    assert data["relations"][0]["document"]["id"] == old
    cited = client.get(f"/api/documents/{old}").get_json()
    assert cited["relations"][0]["label"] == "Được sửa đổi, bổ sung bởi"
    assert [d["id"] for d in cited["cited_by"]] == [doc]


def test_api_hides_restricted_documents(app, client, make_user, make_document):
    make_user("tccb", unit="TCCB")
    make_user("vpc", unit="VPC")
    secret = make_document(number="15/BC-VPC", doc_type="Báo cáo", title="Báo cáo nội bộ", units=["VPC"])
    login(client, "tccb")
    assert client.get(f"/api/documents/{secret}").status_code == 404
    assert client.get("/api/documents?number=15/BC-VPC").get_json()["total"] == 0
    assert client.get("/api/documents").get_json()["total"] == 0
    insider = app.test_client()
    login(insider, "vpc")
    assert insider.get(f"/api/documents/{secret}").status_code == 200
    assert insider.get("/api/documents").get_json()["total"] == 1


def test_api_bad_parameters_get_json_400(client, make_user):
    make_user("lan")
    login(client, "lan")
    for query in ("page=abc", "per_page=0", "per_page=1000", "page=-1"):
        response = client.get(f"/api/documents?{query}")
        assert response.status_code == 400 and "error" in response.get_json(), query
    assert client.get("/api/documents/999999").status_code == 404
