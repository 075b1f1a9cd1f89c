"""Refusals by kind (``app.errors``): one status per kind for pages, htmx and the API
(``app.routes.errors``), one exit status per kind for the commands (``app.cli``)."""
import pytest

from app.cli.common import exit_code_for
from app.errors import ConcurrentEditError, Conflict, Forbidden, Invalid, NotFound, StorageFull
from app.ingest import IngestError
from app.routes.errors import status_for
from app.services.accounts.users import AccountError
from app.services.library.documents import DocumentError
from app.services.news.articles import NewsError
from app.services.news.images import DiskFull, ImageError
from app.services.plans.plans import PlanError
from tests.helpers import logged_in

KINDS = [(NotFound, 404, 66), (Forbidden, 403, 77), (Conflict, 409, 75), (ConcurrentEditError, 409, 75),
         (Invalid, 400, 65), (StorageFull, 507, 74)]


@pytest.mark.parametrize(("kind", "status", "exit_code"), KINDS)
def test_each_kind_has_one_status_and_one_exit_code(kind, status, exit_code):
    assert status_for(kind("x")) == status
    assert exit_code_for(kind("x")) == exit_code


@pytest.mark.parametrize("area_error", [DocumentError, NewsError, PlanError, AccountError, ImageError, DiskFull,
                                        IngestError])
def test_an_area_refusal_is_answered_as_its_kind(area_error):
    assert status_for(area_error("x")) == 400 and exit_code_for(area_error("x")) == 65
    assert isinstance(area_error("x"), ValueError)  # what callers caught before the kinds existed


@pytest.fixture
def refusing_app(app):
    """The app with ``/refuse/<kind>`` and ``/api/refuse/<kind>`` views that raise that kind."""
    kinds = {kind.__name__: kind for kind, _status, _code in KINDS}

    def refuse(name):
        raise kinds[name](f"Từ chối: {name}")

    app.add_url_rule("/refuse/<name>", "refuse", refuse)
    app.add_url_rule("/api/refuse/<name>", "api_refuse", refuse)
    return app


@pytest.mark.parametrize(("kind", "status", "_code"), [k for k in KINDS if k[0] is not StorageFull])
def test_a_refusal_no_view_handles_gets_its_status_and_message(refusing_app, make_user, kind, status, _code):
    make_user("lan")
    client = logged_in(refusing_app, "lan")
    page = client.get(f"/refuse/{kind.__name__}")
    assert page.status_code == status and f"Từ chối: {kind.__name__}" in page.get_data(as_text=True)
    assert "<html" in page.get_data(as_text=True)
    fragment = client.get(f"/refuse/{kind.__name__}", headers={"HX-Request": "true"})
    assert fragment.status_code == status and fragment.get_data(as_text=True) == f"Từ chối: {kind.__name__}"
    api = client.get(f"/api/refuse/{kind.__name__}")
    assert api.status_code == status and api.get_json() == {"error": f"Từ chối: {kind.__name__}"}


def test_storage_full_is_the_507_page(refusing_app, make_user):
    make_user("lan")
    client = logged_in(refusing_app, "lan")
    page = client.get("/refuse/StorageFull")
    assert page.status_code == 507 and "Hết dung lượng lưu trữ" in page.get_data(as_text=True)
    assert client.get("/api/refuse/StorageFull").status_code == 507
