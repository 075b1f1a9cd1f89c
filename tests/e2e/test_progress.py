"""In Chromium: a unit's reporter finds the task, posts an update from the task page, and the
field overview on the same page reflects it without a reload."""
from datetime import datetime

import pytest
from playwright.sync_api import expect

from app import clock
from tests.helpers import TEST_PASSWORD
from tests.plan_world import build_world

pytestmark = pytest.mark.e2e


def test_reporter_posts_an_update_and_the_field_overview_follows_without_reload(
        page, app, make_user, make_unit, monkeypatch):
    world = build_world(app, make_user, make_unit)
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2024, 5, 2, 3))  # before the deadlines
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill("rep_vpc")
    page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/")

    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Tiến độ CCHC").click()
    page.get_by_role("link", name="Nhiệm vụ của VPC").click()
    page.get_by_role("link", name="Rà soát văn bản quy phạm pháp luật").click()
    page.wait_for_url(f"**/plans/tasks/{world.task}")
    summary = page.locator("#tien-do-linh-vuc")
    expect(summary.locator('[data-stat="in_progress"]')).to_have_text("0")
    expect(summary.locator('[data-stat="percent"]')).to_have_text("0,0%")
    page.evaluate("window.__marker = 'no-reload'")

    # A refused update: the message appears in place and the typed text stays.
    page.get_by_label("Tỷ lệ hoàn thành (%)").fill("150")
    page.get_by_label("Công việc đã thực hiện").fill("Đã rà soát các văn bản thuộc lĩnh vực thanh tra")
    page.get_by_role("button", name="Gửi cập nhật").click()
    expect(page.locator("#cap-nhat .field__error")).to_have_text("Tỷ lệ phải từ 0 đến 100.")
    expect(page.get_by_label("Công việc đã thực hiện")).to_have_value("Đã rà soát các văn bản thuộc lĩnh vực thanh tra")

    page.get_by_label("Tình trạng").select_option(label="Đang thực hiện")
    page.get_by_label("Tỷ lệ hoàn thành (%)").fill("60")
    page.get_by_label("Số liệu kiểm chứng").fill("Đã rà soát 37/52 văn bản")
    page.get_by_role("button", name="Gửi cập nhật").click()

    expect(page.locator("#cap-nhat")).to_contain_text("Đã ghi nhận cập nhật tiến độ.")
    expect(page.locator(".updates li").first).to_contain_text("Đã rà soát 37/52 văn bản")
    expect(summary.locator('[data-stat="in_progress"]')).to_have_text("1")
    expect(summary.locator('[data-stat="percent"]')).to_have_text("30,0%")  # (60 + 0) / 2 tasks
    assert page.evaluate("window.__marker") == "no-reload"
    assert page.get_by_label("Công việc đã thực hiện").input_value() == ""  # a fresh form for the next update
    page.watch.assert_clean()
