"""In an English-language Chromium (locale en-US): every date is typed and read as dd/mm/yyyy
(24-hour), and the pages say clearly what happened: the task header follows a progress update,
the cursor goes to the field to correct, uploads show progress, a report sent to the wrong
period is held back."""
from datetime import datetime

import pytest
from playwright.sync_api import expect

from app import clock
from tests.helpers import browser_login, sample
from tests.plan_world import build_world

pytestmark = pytest.mark.e2e


@pytest.fixture
def english_page(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="en-US", timezone_id="America/New_York")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_reading_a_report_fills_the_date_day_first_and_keeps_the_file(english_page, app, make_user, make_unit):
    page = english_page
    world = build_world(app, make_user, make_unit)
    browser_login(page, "rep_vpc")
    page.goto(f"/plans/reports/periods/{world.periods['q1']}/units/{world.units['VPC']}")
    page.get_by_label("Tệp báo cáo (.docx)").set_input_files(sample("bao-cao-cchc-quy-1-2024.docx"))
    page.get_by_role("button", name="Đọc tệp").click()
    expect(page.get_by_label("Ngày báo cáo")).to_have_value("10/04/2024")  # 10 April, not 4 October
    expect(page.get_by_label("Số ký hiệu")).to_have_value("15/BC-VPC")
    assert page.get_by_label("Tệp báo cáo (.docx)").evaluate("input => input.files.length") == 1  # still chosen
    expect(page.locator(".pending-file")).to_contain_text("bao-cao-cchc-quy-1-2024.docx")
    page.get_by_role("button", name="Nộp báo cáo").click()
    expect(page.locator("#flash")).to_contain_text("Đã nộp báo cáo Quý I/2024")
    expect(page.locator(".properties")).to_contain_text("10/04/2024")


def test_a_six_month_report_sent_to_nine_months_is_held_until_confirmed(english_page, app, make_user, make_unit):
    page = english_page
    world = build_world(app, make_user, make_unit)
    browser_login(page, "rep_vpc")
    page.goto(f"/plans/reports/periods/{world.periods['q3']}/units/{world.units['VPC']}")
    page.get_by_label("Tệp báo cáo (.docx)").set_input_files(sample("bao-cao-cchc-6-thang-2024-tcvn3.docx"))
    page.get_by_role("button", name="Đọc tệp").click()
    warning = page.get_by_role("alert").filter(has_text="Kỳ báo cáo có thể không khớp")
    expect(warning).to_contain_text("báo cáo 6 tháng năm 2024")
    expect(warning).to_contain_text("kỳ 9 tháng/2024")
    page.get_by_role("button", name="Nộp báo cáo").click()
    expect(page.get_by_role("alert").filter(has_text="Kỳ báo cáo có thể không khớp")).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="Kỳ báo cáo có thể không khớp")).to_be_focused()
    page.get_by_label("Tôi đã kiểm tra: vẫn nộp báo cáo này vào kỳ 9 tháng/2024").check()
    page.get_by_role("button", name="Nộp báo cáo").click()
    expect(page.locator("#flash")).to_contain_text("Đã nộp báo cáo 9 tháng/2024")


def test_search_dates_are_typed_day_first(english_page, app, make_user, make_document):
    from datetime import date

    page = english_page
    make_user("doc", roles=("reader",))
    make_document(number="10/2020/NĐ-CP", title="Nghị định về cải cách hành chính cũ", issued_on=date(2020, 3, 1))
    make_document(number="20/2024/NĐ-CP", title="Nghị định về cải cách hành chính mới", issued_on=date(2024, 4, 10))
    browser_login(page, "doc")
    page.goto("/search?q=c%E1%BA%A3i+c%C3%A1ch+h%C3%A0nh+ch%C3%ADnh")
    results = page.locator(".result-list")
    expect(results).to_contain_text("cũ")
    since = page.get_by_label("Từ ngày")
    since.fill("1/4/2024")
    since.press("Tab")  # leaving the box tidies it and sends the filter
    expect(since).to_have_value("01/04/2024")
    expect(results).not_to_contain_text("cũ")
    expect(results).to_contain_text("mới")
    page.get_by_label("Từ ngày").fill("31/04/2024")
    page.get_by_label("Từ ngày").press("Tab")
    expect(page.get_by_role("alert")).to_contain_text("Từ ngày «31/04/2024» không có trên lịch")


def test_scheduling_news_is_typed_day_first_and_reads_hen_gio_dang(english_page, app, make_user, monkeypatch):
    page = english_page
    make_user("tacgia", roles=("editor", "reader"), unit="VP")
    make_user("duyet", roles=("editor", "publisher", "reader"), unit="VP")
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2024, 4, 1, 1, 0))  # 08:00 in Vietnam
    browser_login(page, "duyet")
    page.goto("/news/new")
    page.get_by_label("Tiêu đề").fill("Lịch tiếp công dân tháng 4")
    page.get_by_label("Nội dung bài viết").fill("Lịch tiếp công dân định kỳ.")
    page.get_by_role("button", name="Lưu bản nháp").click()
    publish_at = page.get_by_label("Thời điểm đăng")
    expect(publish_at).to_have_attribute("placeholder", "dd/mm/yyyy HH:MM")
    publish_at.fill("10/4/2024 14h30")
    publish_at.press("Tab")
    expect(publish_at).to_have_value("10/04/2024 14:30")
    page.get_by_role("button", name="Xuất bản").click()
    expect(page.locator("#flash")).to_contain_text("Đã hẹn giờ đăng lúc 14:30 10/04/2024")
    expect(page.get_by_role("heading", name="Biên tập")).to_contain_text("Hẹn giờ đăng")
    page.goto("/news/manage")
    row = page.get_by_role("row").filter(has_text="Lịch tiếp công dân tháng 4")
    expect(row).to_contain_text("Hẹn giờ đăng")
    expect(row).to_contain_text("10/04/2024 14:30")


def test_progress_updates_the_task_header_and_an_error_puts_the_cursor_on_the_field(
        english_page, app, make_user, make_unit, monkeypatch, tmp_path):
    page = english_page
    world = build_world(app, make_user, make_unit)
    monkeypatch.setattr(clock, "utcnow", lambda: datetime(2024, 5, 2, 3))  # before the deadlines
    browser_login(page, "rep_vpc")
    page.goto(f"/plans/tasks/{world.task}")
    header = page.locator("#task-state")
    expect(header).to_contain_text("Chưa triển khai")

    page.get_by_label("Tỷ lệ hoàn thành (%)").fill("150")
    page.get_by_label("Công việc đã thực hiện").fill("Đã rà soát các văn bản")
    page.get_by_role("button", name="Gửi cập nhật").click()
    expect(page.get_by_label("Tỷ lệ hoàn thành (%)")).to_be_focused()

    evidence = tmp_path / "bien-ban.txt"
    evidence.write_text("Biên bản rà soát 37/52 văn bản", encoding="utf-8")
    held = []
    page.route("**/updates", lambda route: held.append(route))
    page.get_by_label("Tình trạng").select_option(label="Đang thực hiện")
    page.get_by_label("Tỷ lệ hoàn thành (%)").fill("60")
    page.get_by_label("Tệp minh chứng", exact=True).set_input_files(str(evidence))
    page.get_by_role("button", name="Gửi cập nhật").click()
    expect(page.get_by_role("button", name="Gửi cập nhật")).to_be_disabled()  # while the file is on its way
    expect(page.locator("#cap-nhat .upload-progress")).to_be_visible()
    for _ in range(200):  # the request reaches the held route
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the update was not sent"
    held[0].continue_()
    expect(page.locator("#cap-nhat")).to_contain_text("Đã ghi nhận cập nhật tiến độ.")
    expect(header).to_contain_text("Đang thực hiện")
    expect(header).to_contain_text("60%")
    expect(page.locator('#tien-do-linh-vuc [data-stat="in_progress"]')).to_have_text("1")
