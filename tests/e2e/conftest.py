"""Browser tests: a live server on 127.0.0.1 and Debian's Chromium driven by Playwright.

Chromium is required, never skipped: if it is missing the tests fail and say how to get it.
"""
from __future__ import annotations

import os
import threading
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: the browser tests need Debian's chromium "
            "(scripts/test.sh installs it as root: apt-get install chromium).",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    """Serve ``app`` on a free port of 127.0.0.1 in a thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


class PageWatch:
    """What a page did that a user would notice: console errors, page errors, foreign requests."""

    def __init__(self, base_url: str):
        self.base_host = urlsplit(base_url).netloc
        self.console_errors: list[str] = []
        self.foreign_requests: list[str] = []

    def on_console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)

    def on_request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != self.base_host:
            self.foreign_requests.append(request.url)

    def assert_clean(self):
        assert self.console_errors == [], self.console_errors
        assert self.foreign_requests == [], self.foreign_requests


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="vi-VN")
    page = context.new_page()
    watch = PageWatch(live_server)
    page.on("console", watch.on_console)
    page.on("pageerror", lambda error: watch.console_errors.append(f"pageerror: {error}"))
    page.on("request", watch.on_request)
    page.watch = watch
    page.set_default_timeout(10_000)
    yield page
    context.close()
