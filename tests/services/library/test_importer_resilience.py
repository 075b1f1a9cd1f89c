"""``flask documents import`` when things go wrong around it: the database connection is cut under a
batch, PostgreSQL restarts in the middle of the import, or the importing process is killed."""
from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time

import psycopg
import sqlalchemy as sa

from app.extensions import db
from app.models import DOCUMENT_TYPES, Document
from app.services.library import importer
from tests.conftest import migrate_database
from tests.test_resilience import ConnectionCutter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
REFORM_FIELDS = ["Xây dựng, hoàn thiện thể chế", "Cải cách thủ tục hành chính",
                 "Cải cách tổ chức bộ máy hành chính nhà nước", "Cải cách chế độ công vụ", "Cải cách tài chính công"]


def write_documents(path, count: int, tag: str = "KT") -> list[str]:
    """Write ``count`` small documents as JSON lines (the import format); return their numbers."""
    types = list(DOCUMENT_TYPES)
    numbers = []
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(count):
            doc_type = types[i % len(types)]
            category, abbreviation = DOCUMENT_TYPES[doc_type]
            number = f"{i + 1}/2025/{abbreviation}-{tag}"
            numbers.append(number)
            fh.write(json.dumps({
                "number": number, "type": doc_type, "category": category,
                "title": f"{doc_type} số {i + 1} về đẩy mạnh cải cách hành chính năm 2025",
                "summary": "Tóm tắt nội dung chính của văn bản.", "issuer": "Bộ Nội vụ", "signer": "Nguyễn Văn An",
                "issued_on": "2025-01-15", "effective_on": "2025-02-01", "status": "Còn hiệu lực",
                "fields": [REFORM_FIELDS[i % len(REFORM_FIELDS)]] if i % 3 else [], "visibility": "all",
                "body": f"Điều 1. Văn bản thử nghiệm số {i + 1}. Điều 2. Tổ chức thực hiện từ ngày ký.",
            }, ensure_ascii=False) + "\n")
    return numbers


def start_import(path, database_url, instance_path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "PORTAL_INSTANCE_PATH": str(instance_path),
           "PORTAL_SEARCH_BACKGROUND": "0"}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "documents", "import", str(path)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def test_a_batch_whose_connection_is_cut_is_written_again_whole(app, monkeypatch, caplog):
    monkeypatch.setattr(importer, "OUTAGE_RETRY_DELAYS", (0.05, 0.05))
    path = os.path.join(app.instance_path, "docs.jsonl")
    numbers = write_documents(path, importer.BATCH_SIZE * 2 + 7)
    cut = ConnectionCutter(app, "INSERT INTO documents", 0)
    original = importer._write_batch
    armed = []

    def second_batch_cut(batch, report):  # the second batch's first write loses its connection
        if batch[0][0] == importer.BATCH_SIZE + 1 and not armed:
            armed.append(True)
            cut.left = 1
        return original(batch, report)

    monkeypatch.setattr(importer, "_write_batch", second_batch_cut)
    try:
        result = app.test_cli_runner().invoke(args=["documents", "import", path])
    finally:
        cut.remove()
    assert cut.cut == 1
    assert result.exit_code == 0, result.output
    assert f"Tạo mới: {len(numbers)} · Cập nhật: 0 · Không đổi: 0 · Lỗi: 0" in result.output
    retried = [r for r in caplog.records if "writing them again" in r.getMessage()]
    assert len(retried) == 1 and retried[0].levelno == logging.WARNING
    assert f"lines {importer.BATCH_SIZE + 1}–{importer.BATCH_SIZE * 2}" in retried[0].getMessage()
    with app.app_context():
        stored = db.session.scalars(sa.select(Document.number)).all()
    assert sorted(stored) == sorted(numbers)


def test_postgresql_restart_during_an_import_loses_and_duplicates_nothing(private_pg, tmp_path):
    url = private_pg.create_database("portal_restart_import")
    migrate_database(url, str(tmp_path / "migrate"))
    numbers = write_documents(tmp_path / "docs.jsonl", 4000)
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")

    def stored_count():
        try:
            with psycopg.connect(conninfo, connect_timeout=3) as conn:
                return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        except psycopg.OperationalError:
            return 0

    process = start_import(tmp_path / "docs.jsonl", url, tmp_path / "instance")
    try:
        wait_for(lambda: stored_count() >= importer.BATCH_SIZE or process.poll() is not None, 120,
                 "the first committed batch")
        assert process.poll() is None, "the import finished before PostgreSQL could be restarted"
        private_pg.restart()
        assert process.poll() is None or stored_count() < len(numbers), "the restart did not fall inside the import"
        out, err = process.communicate(timeout=600)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err[-3000:]
    assert f"Tạo mới: {len(numbers)} · Cập nhật: 0 · Không đổi: 0 · Lỗi: 0" in out, out + err[-2000:]
    with psycopg.connect(conninfo) as conn:
        counts = dict(conn.execute("SELECT number, count(*) FROM documents GROUP BY number").fetchall())
    assert set(counts) == set(numbers)
    assert [number for number, n in counts.items() if n != 1] == []


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as fh:
            return [int(p) for p in fh.read().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie waiting for its new parent to reap it has exited)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_the_indexing_child_exits_when_the_import_is_killed(app, tmp_path):
    if os.cpu_count() < 2:
        raise AssertionError("the import starts its indexing child only with two cores or more")
    path = tmp_path / "docs.jsonl"
    write_documents(path, 6000)
    with app.app_context():
        db.engine.dispose()
    process = start_import(path, app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path)
    try:
        children = wait_for(lambda: _children(process.pid) or process.poll() is not None, 120, "the indexing child")
        assert process.poll() is None, "the import finished before it could be killed"
        assert all(_alive(child) for child in children)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        wait_for(lambda: not any(_alive(child) for child in children), 30, "the child to exit after its parent")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()
