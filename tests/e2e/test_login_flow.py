"""A new user logs in, sees the Vietnamese home page, and logs out, in real Chromium."""
import pytest
from playwright.sync_api import expect

from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.e2e


def test_new_user_logs_in_sees_home_and_logs_out(page, make_user):
    make_user("lan", full_name="Nguyễn Thị Lan", unit="VPC")
    page.goto("/")
    assert page.url.endswith("/login?next=/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", name="Đăng nhập").is_visible()

    page.get_by_label("Tên đăng nhập").fill("lan")
    page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/")

    assert page.get_by_role("heading", name="Xin chào, Nguyễn Thị Lan").is_visible()
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    for label in ("Trang chủ", "Văn bản", "Tin tức", "Tiến độ CCHC", "Báo cáo"):
        assert nav.get_by_role("link", name=label).is_visible()
    assert nav.get_by_role("link", name="Quản trị").count() == 0
    assert page.get_by_role("combobox", name="Tìm kiếm văn bản, tin tức, báo cáo").is_visible()

    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/login")
    assert page.get_by_text("Bạn đã đăng xuất.").is_visible()
    page.goto("/")
    assert "/login" in page.url
    page.watch.assert_clean()


def test_wrong_password_shows_message_in_browser(page, make_user):
    make_user("lan")
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill("lan")
    page.get_by_label("Mật khẩu").fill("sai")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_role("alert").inner_text() == "Tên đăng nhập hoặc mật khẩu không đúng."
    # The 401 response itself is logged by Chromium as a failed resource load; nothing else.
    assert all("401" in message for message in page.watch.console_errors), page.watch.console_errors
    assert page.watch.foreign_requests == []


def test_admin_filters_users_in_place_with_htmx(page, make_user):
    make_user("quantri", roles=["admin"])
    make_user("lan", full_name="Nguyễn Thị Lan")
    make_user("hung", full_name="Phạm Minh Hùng")
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill("quantri")
    page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("link", name="Quản trị").click()
    page.wait_for_url("**/admin/users")
    page.evaluate("window.__marker = 'same-page'")
    page.get_by_label("Tìm theo tên đăng nhập, họ tên hoặc e-mail").fill("hùng")
    page.wait_for_url("**/admin/users?q=h%C3%B9ng")
    rows = page.locator("#user-rows tbody tr")
    rows.first.wait_for()
    expect(page.locator("#user-rows tbody tr")).to_have_count(1)
    assert "Phạm Minh Hùng" in rows.first.inner_text()
    assert page.evaluate("window.__marker") == "same-page"  # updated in place, no reload
    page.watch.assert_clean()
