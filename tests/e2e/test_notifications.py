"""In Chromium: the reform office's bell counts a unit's report as soon as it is submitted, without a
reload; the office reminds a late unit from the Đôn đốc page and the row says so."""
import re
from datetime import datetime

import pytest
from playwright.sync_api import expect

from app import clock
from tests.helpers import browser_login, logged_in, page_token, sample
from tests.plan_world import build_world

pytestmark = pytest.mark.e2e


def test_the_bell_counts_another_users_report_without_reload_and_a_reminder_is_recorded(
        page, app, make_user, make_unit, monkeypatch):
    world = build_world(app, make_user, make_unit)
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2024, 7, 20, 2))  # 09:00: the 6-month report is late
    app.config["NOTIFY_BELL_SECONDS"] = 1  # the header asks every second instead of every minute
    browser_login(page, "admin")
    bell = page.locator("#bell")
    expect(bell.locator(".bell__count")).to_have_text("0")
    page.evaluate("window.__marker = 'no-reload'")

    reporter = logged_in(app, "rep_vpc")  # another user, elsewhere, submits the unit's report
    with open(sample("bao-cao-cchc-quy-1-2024.docx"), "rb") as fh:
        assert reporter.post(f"/plans/reports/periods/{world.periods['q1']}/units/{world.units['VPC']}", data={
            "csrf_token": page_token(reporter, "/plans/"), "action": "submit", "version": "0",
            "file": (fh, "bc-quy-1.docx")}, content_type="multipart/form-data").status_code == 302

    # Two notifications: the report was submitted, and one of its results items has no figure.
    expect(bell.locator(".bell__count")).to_have_text("2", timeout=5_000)
    assert page.evaluate("window.__marker") == "no-reload"
    bell.click()
    expect(page.get_by_role("link", name=re.compile(r"^VPC đã nộp báo cáo Quý I\/2024, muộn"))).to_be_visible()
    expect(page.get_by_role("link", name="Báo cáo Quý I/2024 của VPC thiếu số liệu")).to_be_visible()

    page.goto(f"/plans/{world.plan}/follow-up?period={world.periods['h1']}")
    row = page.locator(f"#nhac-{world.units['VP']}")
    expect(row).to_contain_text("chưa nhắc")
    row.get_by_role("link", name="Nhắc Đơn vị VP").click()
    text = page.get_by_label("Nội dung nhắc việc")
    expect(text).to_contain_text("6 tháng/2024")
    text.fill(text.input_value() + "\nĐề nghị gửi trước ngày 25/07/2024.")
    page.get_by_role("button", name="Gửi nhắc việc").click()
    expect(page.locator("#flash")).to_contain_text("Đã gửi nhắc việc tới 1 đơn vị.")
    expect(page.locator(f"#nhac-{world.units['VP']}")).to_contain_text("đã nhắc 1 lần, lần cuối 20/07/2024")
    page.watch.assert_clean()
