"""Logging as an operator reads it: a request id in the response and on every line of the request,
one line per request, JSON lines on demand, lockouts without passwords, no traceback for what is
expected (a busy index, a 404, a refused upload)."""
import fcntl
import io
import json
import logging
import os
import re
import subprocess
import sys

from tests.helpers import TEST_PASSWORD, logged_in, login, page_token

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GENERATED_ID = re.compile(r"[0-9a-f]{32}")


def request_lines(caplog):
    return [r for r in caplog.records if r.name == "app.observability"]


def test_each_request_gets_an_id_in_its_header_and_on_its_log_line(client, caplog):
    caplog.set_level(logging.INFO, logger="app")
    first = client.get("/login")
    second = client.get("/login")
    ids = [first.headers["X-Request-ID"], second.headers["X-Request-ID"]]
    assert all(GENERATED_ID.fullmatch(i) for i in ids) and ids[0] != ids[1]
    lines = request_lines(caplog)
    assert [line.request_id for line in lines] == ids
    assert lines[0].getMessage().startswith("GET /login 200 ")
    assert lines[0].status == 200 and lines[0].method == "GET" and lines[0].duration_ms >= 0


def test_request_line_names_the_user_and_drops_the_query_string(client, make_user, caplog):
    user_id = make_user("lan")
    login(client, "lan")
    caplog.set_level(logging.INFO, logger="app")
    client.get("/documents/?q=bi-mat&page=2")
    line = request_lines(caplog)[-1]
    assert line.path == "/documents/" and "bi-mat" not in line.getMessage()
    assert line.user_id == user_id and f"user={user_id}" in line.getMessage()


def test_a_sane_incoming_request_id_is_kept_a_hostile_one_replaced(client, caplog):
    caplog.set_level(logging.INFO, logger="app")
    kept = client.get("/login", headers={"X-Request-ID": "lb-7f3a.42_x"})
    assert kept.headers["X-Request-ID"] == "lb-7f3a.42_x"
    assert request_lines(caplog)[-1].request_id == "lb-7f3a.42_x"
    for hostile in ["<script>alert(1)</script>", "a" * 65, "id với dấu", "x; rm -rf /", ""]:
        response = client.get("/login", headers={"X-Request-ID": hostile})
        assert GENERATED_ID.fullmatch(response.headers["X-Request-ID"]), hostile
        assert request_lines(caplog)[-1].request_id == response.headers["X-Request-ID"]


def test_lockout_is_logged_once_with_the_request_id_and_never_the_password(app, client, make_user, caplog):
    make_user("lan")
    caplog.set_level(logging.INFO, logger="app")
    secret = "Mat-khau-bi-mat-2024!"
    responses = [login(client, "lan", secret) for _ in range(5)]
    locked = [r for r in caplog.records if r.name == "app.services.accounts.users" and r.levelno == logging.WARNING]
    assert len(locked) == 1
    assert "login locked" in locked[0].getMessage() and "'lan'" in locked[0].getMessage()
    assert locked[0].username == "lan" and locked[0].locked_until
    assert locked[0].request_id == responses[-1].headers["X-Request-ID"]
    refused = login(client, "lan", TEST_PASSWORD)  # even the right password, while locked
    assert "tạm khóa" in refused.get_data(as_text=True)
    for record in caplog.records:
        assert secret not in record.getMessage() and secret not in json.dumps(record.__dict__, default=str)
        assert TEST_PASSWORD not in record.getMessage()


def test_expected_conditions_log_no_traceback(app_config, make_user, make_document, caplog):
    from app import create_app

    app = create_app({**app_config, "SEARCH_SYNC_WAIT": 0.1})
    make_user("bientap", roles=["editor"], unit="VP")
    make_document(title="Văn bản đầu tiên")  # the index exists from here on
    editor = logged_in(app, "bientap")
    caplog.set_level(logging.INFO, logger="app")
    assert editor.get("/documents/987654").status_code == 404
    refused = editor.post("/documents/new", data={
        "csrf_token": page_token(editor, "/documents/new"), "action": "save", "category": "reform",
        "doc_type": "Công văn", "title": "Có tệp hỏng", "status": "", "visibility": "all",
        "attachments": (io.BytesIO(b"PK\x03\x04 not really a zip"), "hong.docx")},
        content_type="multipart/form-data")
    assert refused.status_code == 400
    lock_path = os.path.join(app.config["INDEX_DIR"], "write.lock")
    with open(lock_path, "a+") as lock:  # another process is writing the index
        fcntl.flock(lock, fcntl.LOCK_EX)
        saved = editor.post("/documents/new", data={
            "csrf_token": page_token(editor, "/documents/new"), "action": "save", "category": "reform",
            "doc_type": "Công văn", "title": "Lưu khi chỉ mục bận", "status": "", "visibility": "all"})
        fcntl.flock(lock, fcntl.LOCK_UN)
    assert saved.status_code == 302
    busy = [r for r in caplog.records if "index busy" in r.getMessage().lower()]
    assert busy, [r.getMessage() for r in caplog.records]
    assert [r.getMessage() for r in caplog.records if r.exc_info or r.exc_text] == []


LOGGING_SCRIPT = r"""
import logging, sys
from app import create_app
create_app({"TESTING": True})
app = create_app({"TESTING": True})  # a second app in the same process: still one handler
client = app.test_client()
response = client.get("/login", headers={"X-Request-ID": "abc-123"})
with app.test_request_context("/"):
    from flask import g
    g.request_id = "ngu-canh"
    logging.getLogger("app.kiem_tra").warning("có %s trường", "thêm", extra={"ma_don_vi": "VPC"})
try:
    1 / 0
except ZeroDivisionError:
    logging.getLogger("app.kiem_tra").exception("lỗi ngoài yêu cầu")
print(response.headers["X-Request-ID"])
"""


def _run_logging_script(tmp_path, log_format):
    env = {**os.environ, "PORTAL_INSTANCE_PATH": str(tmp_path), "PORTAL_LOG_FORMAT": log_format,
           "PORTAL_LOG_LEVEL": "INFO", "PORTAL_SEARCH_BACKGROUND": "0"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-c", LOGGING_SCRIPT], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stderr.splitlines()


def test_json_format_is_one_object_per_line_with_request_id_and_extras(tmp_path):
    lines = _run_logging_script(tmp_path, "json")
    records = [json.loads(line) for line in lines]  # every line parses on its own
    requests = [r for r in records if r["logger"] == "app.observability"]
    assert len(requests) == 1  # two apps, one handler: no line printed twice
    assert requests[0]["request_id"] == "abc-123" and requests[0]["status"] == 200
    assert requests[0]["message"].startswith("GET /login 200") and requests[0]["level"] == "INFO"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", requests[0]["time"])
    warning = next(r for r in records if r["logger"] == "app.kiem_tra" and r["level"] == "WARNING")
    assert warning["message"] == "có thêm trường" and warning["ma_don_vi"] == "VPC"
    assert warning["request_id"] == "ngu-canh"
    error = next(r for r in records if r["level"] == "ERROR")
    assert error["request_id"] is None and "ZeroDivisionError" in error["exception"]


def test_text_format_shows_the_request_id_in_brackets(tmp_path):
    lines = _run_logging_script(tmp_path, "text")
    request_lines_ = [line for line in lines if "app.observability" in line]
    assert len(request_lines_) == 1
    assert " INFO app.observability [abc-123] GET /login 200 " in request_lines_[0]
    assert any("WARNING app.kiem_tra [ngu-canh] có thêm trường" in line for line in lines)
