"""axe-core finds no accessibility violation on the main pages, for a reader, an editor, a unit's
reporter and an admin, with the demo's data (and on the login page, on a desktop and a phone).

axe-core is vendored for the tests only (tests/e2e/vendor/, with its licence) and evaluated in
the page by Playwright (``page.evaluate`` runs outside the page's Content-Security-Policy, which
is left as the portal sends it)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.site_pages import DEMO_PASSWORD, pages
from tests.helpers import browser_login

pytestmark = pytest.mark.e2e

AXE = (Path(__file__).parent / "vendor" / "axe-4.14.1.min.js").read_text(encoding="utf-8")
RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v =>
    `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
}"""

# The pages each person uses most (endpoints of tests/e2e/site_pages.py).
MAIN = {
    "congchuc": ["main.index", "documents.index", "documents.show", "news.index", "news.show", "plans.index",
                 "plans.show", "plans.task", "search.results", "auth.login_sessions", "auth.change_password"],
    "bientap": ["main.index", "news.manage", "news.create", "news.edit", "news.history", "news.compare", "news.show"],
    "daumoi.vpc": ["main.index", "plans.mine", "plans.task", "reports.index", "reports.show", "reports.submit",
                   "notifications.index", "notifications.settings"],
    "quantri": ["main.index", "admin.users", "admin.edit_user", "admin.audit_log", "admin.units", "plans.show",
                "plans.overview", "plans.follow_up", "plans.remind", "reports.index", "documents.create",
                "documents.edit", "admin.mail_outbox"],
}


def violations(page) -> list[str]:
    page.evaluate(AXE)
    return page.evaluate(RUN)


@pytest.fixture
def demo(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return app


def test_no_axe_violation_on_the_main_pages(browser, live_server, demo):
    site = pages(demo)
    found = {}
    for size in ({"width": 1280, "height": 900}, {"width": 390, "height": 844}):
        context = browser.new_context(base_url=live_server, viewport=size, locale="vi-VN")
        page = context.new_page()
        page.goto("/login")
        found[f"{size['width']}px /login"] = violations(page)
        context.close()

    for username, endpoints in MAIN.items():
        context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900}, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        browser_login(page, username, DEMO_PASSWORD)
        for endpoint in endpoints:
            for path in site[endpoint]:
                response = page.goto(path)
                assert response.status == 200, f"{username} {path}: {response.status}"
                found[f"{username} {path}"] = violations(page)
        context.close()

    assert {where: problems for where, problems in found.items() if problems} == {}
