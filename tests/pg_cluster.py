"""A private, throwaway PostgreSQL cluster for tests that stop or restart the server.

Started the way ``scripts/common.sh`` starts one: ``initdb`` and ``pg_ctl`` from
``/usr/lib/postgresql/*/bin``, listening on a free port of 127.0.0.1 only, its socket and data in
a temporary folder; run through ``runuser -u postgres --`` when the tests run as root
(PostgreSQL refuses to run as root). Missing binaries fail the test with a message, never skip.

    cluster = PgCluster.start_new()
    url = cluster.create_database("portal_restart")   # postgresql+psycopg://postgres@127.0.0.1:PORT/…
    cluster.restart()                                  # pg_ctl restart -m fast
    cluster.destroy()

The ``private_pg`` fixture in ``tests/conftest.py`` gives one cluster per test session.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile

import pytest

SERVER_OPTIONS = ("-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
                  "-c full_page_writes=off -c max_connections=100")


def bindir() -> str:
    """Return the newest ``/usr/lib/postgresql/*/bin`` holding initdb and pg_ctl, or fail the test."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"),
                        key=lambda path: [int(p) if p.isdigit() else p for p in path.split("/")[-2].split(".")])
    for path in reversed(candidates):
        if os.access(os.path.join(path, "initdb"), os.X_OK) and os.access(os.path.join(path, "pg_ctl"), os.X_OK):
            return path
    pytest.fail("PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin: "
                "install the 'postgresql' package (scripts/test.sh does it as root).", pytrace=False)


def free_port() -> int:
    """A TCP port of 127.0.0.1 free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PgCluster:
    """One PostgreSQL cluster in a temporary folder; see the module docstring."""

    def __init__(self, base: str, port: int):
        self.base = base
        self.port = port
        self.data = os.path.join(base, "data")
        self.log = os.path.join(base, "server.log")
        self.bin = bindir()
        self._as_postgres: list[str] = []
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                pytest.fail("running as root needs 'runuser' (util-linux) to start PostgreSQL as 'postgres'",
                            pytrace=False)
            try:
                import pwd

                pwd.getpwnam("postgres")
            except KeyError:
                pytest.fail("the 'postgres' system user is missing (install the postgresql package)", pytrace=False)
            self._as_postgres = ["runuser", "-u", "postgres", "--"]

    @classmethod
    def start_new(cls) -> PgCluster:
        """Create (initdb) and start a cluster; fail the test with the server log if it does not start."""
        # Not under pytest's tmp_path: that folder is private to root, and the server runs as postgres.
        base = tempfile.mkdtemp(prefix="cchc-pg-")
        cluster = cls(base, free_port())
        if cluster._as_postgres:
            shutil.chown(base, "postgres")
        cluster._run("initdb", "-D", cluster.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                     "--locale=C.UTF-8")
        cluster.start()
        return cluster

    def _run(self, tool: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        command = [*self._as_postgres, os.path.join(self.bin, tool), *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            pytest.fail(f"{tool} failed ({result.returncode}): {result.stderr.strip()}\n{self.server_log()}",
                        pytrace=False)
        return result

    def server_log(self) -> str:
        try:
            with open(self.log, encoding="utf-8", errors="replace") as fh:
                return fh.read()[-3000:]
        except OSError:
            return ""

    def _options(self) -> str:
        return f"-p {self.port} -k {self.base} {SERVER_OPTIONS}"

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        self._run("pg_ctl", "-D", self.data, "-l", self.log, "-w", "-t", "60", "-o", self._options(), "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``fast``: active sessions are ended, as on a service restart)."""
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop")

    def restart(self, mode: str = "fast") -> None:
        """``pg_ctl restart``: every open connection is cut, the server is back when this returns."""
        self._run("pg_ctl", "-D", self.data, "-l", self.log, "-m", mode, "-w", "-t", "60", "-o", self._options(),
                  "restart")

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of ``database`` on this cluster (psycopg 3, TCP on 127.0.0.1)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty database and return its URL."""
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def destroy(self) -> None:
        """Stop the server at once and delete its folder."""
        try:
            subprocess.run([*self._as_postgres, os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-m", "immediate",
                            "-w", "stop"], capture_output=True, timeout=60)
        finally:
            shutil.rmtree(self.base, ignore_errors=True)
