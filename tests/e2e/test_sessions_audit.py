"""In Chromium: ending another browser's session from "Phiên đăng nhập", and filtering the audit log in place."""
import pytest
from playwright.sync_api import expect

from tests.helpers import browser_login

pytestmark = pytest.mark.e2e


def test_user_ends_another_browsers_session_which_is_then_signed_out(page, browser, live_server, make_user):
    make_user("lan", full_name="Nguyễn Thị Lan")
    other_context = browser.new_context(base_url=live_server, locale="vi-VN")
    other = other_context.new_page()
    try:
        browser_login(other, "lan")
        browser_login(page, "lan")
        page.get_by_role("link", name="Phiên đăng nhập").click()
        page.wait_for_url("**/account/sessions")
        rows = page.locator("#session-rows tbody tr")
        expect(rows).to_have_count(2)
        expect(page.locator("#session-rows")).to_contain_text("Phiên này")
        page.evaluate("window.__marker = 'same-page'")
        page.get_by_role("button", name="Kết thúc phiên").click()
        expect(page.get_by_text("Đã kết thúc phiên đăng nhập.")).to_be_visible()
        expect(rows).to_have_count(1)
        assert page.evaluate("window.__marker") == "same-page"  # the rows were replaced in place

        other.get_by_role("link", name="Văn bản").first.click()
        other.wait_for_url("**/login**")
        expect(other.get_by_text("Phiên đăng nhập đã kết thúc. Vui lòng đăng nhập lại.")).to_be_visible()
        page.watch.assert_clean()
    finally:
        other_context.close()


def test_admin_filters_the_audit_log_in_place(page, make_user):
    make_user("quantri", roles=["admin"])
    make_user("lan")
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill("lan")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau-roi")
    page.get_by_role("button", name="Đăng nhập").click()
    browser_login(page, "quantri")
    page.goto("/admin/audit")
    expect(page.get_by_role("heading", name="Nhật ký hệ thống")).to_be_visible()
    page.evaluate("window.__marker = 'same-page'")
    page.get_by_label("Hành động").select_option("login.failed")
    page.wait_for_url("**/admin/audit?*action=login.failed*")
    rows = page.locator("#audit-rows tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Sai mật khẩu")
    expect(rows.first).to_contain_text("lan")
    assert page.evaluate("window.__marker") == "same-page"
    assert page.get_by_role("link", name="Tải về Excel (.xlsx)").get_attribute("href") == \
        "/admin/audit.xlsx?action=login.failed"
    # The 401 of the wrong password is logged by Chromium as a failed resource load; nothing else.
    assert all("401" in message for message in page.watch.console_errors), page.watch.console_errors
    assert page.watch.foreign_requests == []
