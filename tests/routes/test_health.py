"""``/healthz`` as the load balancer sees it: no login, no cookie, never cached; 200 ok/degraded,
503 down when the database does not answer or the disk is nearly full."""
import fcntl
import os
import shutil
from collections import namedtuple

import pytest

from app import create_app
from tests.helpers import logged_in, page_token
from tests.pg_cluster import free_port

Usage = namedtuple("Usage", "total used free")


def test_healthy_node_answers_ok_without_login_or_cookie(app, client, make_document):
    make_document(title="Kế hoạch bí mật của đơn vị", body="nội dung không được lộ")  # builds the index
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.get_json()
    assert data["status"] == "ok"
    assert data["database"]["ok"] is True and data["database"]["error"] is None
    assert isinstance(data["database"]["ms"], float) and data["database"]["ms"] >= 0
    assert data["index"]["state"] == "ok" and data["index"]["records"] == 1 and data["index"]["pending_changes"] == 0
    assert set(data["index"]) >= {"state", "pending_changes", "last_commit_age_seconds", "segments", "records",
                                  "rebuilding"}
    assert data["disk"]["ok"] is True and data["disk"]["free_bytes"] > 0 and data["disk"]["path"] == app.instance_path
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data(as_text=True)
    assert "bí mật" not in body and "không được lộ" not in body
    assert client.head("/healthz").status_code == 200


def test_logged_in_users_and_htmx_get_the_same_json(app, make_user):
    make_user("lan")
    client = logged_in(app, "lan")
    response = client.get("/healthz", headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.is_json


def test_node_without_search_index_is_degraded_but_in_service(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.get_json()
    assert data["status"] == "degraded" and data["index"]["state"] == "missing"


def test_changes_waiting_too_long_for_the_index_make_the_node_degraded(app_config, make_user, make_document):
    app = create_app({**app_config, "SEARCH_SYNC_WAIT": 0.1, "HEALTH_MAX_INDEX_LAG_SECONDS": 0})
    make_user("bientap", roles=["editor"], unit="VP")
    make_document(title="Có trong chỉ mục")
    editor = logged_in(app, "bientap")
    client = app.test_client()
    assert client.get("/healthz").get_json()["status"] == "ok"  # nothing waiting: no lag, however old
    with open(os.path.join(app.config["INDEX_DIR"], "write.lock"), "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the index writer is stuck elsewhere
        saved = editor.post("/documents/new", data={
            "csrf_token": page_token(editor, "/documents/new"), "action": "save", "category": "reform",
            "doc_type": "Công văn", "title": "Chưa vào chỉ mục", "status": "", "visibility": "all"})
        assert saved.status_code == 302
        data = client.get("/healthz").get_json()
    assert data["status"] == "degraded"
    assert data["index"]["pending_changes"] == 1 and data["index"]["lagging"] is True


def test_unreachable_postgresql_is_down_with_503_quickly(app_config):
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/khong_co"  # nothing listens there
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": url})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    data = response.get_json()
    assert data["status"] == "down"
    assert data["database"]["ok"] is False and data["database"]["error"] == "OperationalError"
    assert data["index"]["state"] == "unknown"
    assert "127.0.0.1" not in response.get_data(as_text=True)  # no connection details for anonymous callers


def test_sqlite_file_whose_folder_is_gone_is_down(app_config, tmp_path):
    folder = tmp_path / "db-folder"
    folder.mkdir()
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'portal.sqlite3'}"})
    shutil.rmtree(folder)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"]["ok"] is False


@pytest.mark.parametrize("free_mb,minimum_mb,expected", [(150, 200, 503), (250, 200, 200), (150, 100, 200)])
def test_free_disk_under_the_threshold_is_down(app_config, make_document, monkeypatch, free_mb, minimum_mb,
                                               expected):
    app = create_app({**app_config, "HEALTH_MIN_FREE_MB": minimum_mb})
    make_document(title="Văn bản")
    seen = []

    def disk_usage(path):
        seen.append(path)
        return Usage(100 * 2**30, 99 * 2**30, free_mb * 2**20)

    monkeypatch.setattr(shutil, "disk_usage", disk_usage)
    response = app.test_client().get("/healthz")
    assert response.status_code == expected
    data = response.get_json()
    assert data["disk"]["free_bytes"] == free_mb * 2**20
    assert data["disk"]["ok"] is (expected == 200)
    assert data["status"] == ("down" if expected == 503 else "ok")
    assert seen == [app.instance_path]
