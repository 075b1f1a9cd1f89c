"""Active search in Chromium: typing updates results in place, the URL is shareable, one
search is one history entry (Enter confirms it), back restores the previous results or page,
a facet narrows them, the menu marks "Tìm kiếm"."""
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.helpers import TEST_PASSWORD, browser_login

pytestmark = pytest.mark.e2e


def query_is(expected):
    """A URL predicate: the search page with ``q`` equal to ``expected``."""
    return lambda url: urlsplit(url).path == "/search" and parse_qs(urlsplit(url).query).get("q") == [expected]


def test_typing_in_header_box_searches_in_place(page, make_user, make_document):
    make_user("lan", unit="TCCB")
    decree = make_document(number="107/2021/NĐ-CP", title="Sửa đổi, bổ sung cơ chế một cửa trong giải quyết TTHC")
    make_document(number="2337/KH-TTCP", doc_type="Kế hoạch", title="Kế hoạch cải cách hành chính năm 2022",
                  issuer="Thanh tra Chính phủ")
    make_document(number="1/2020/NĐ-CP", title="Nghị định về cải cách hành chính")
    make_document(title="Báo cáo mật cải cách hành chính", units=["VPC"], doc_type="Báo cáo")
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill("lan")
    page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/")
    page.evaluate("window.__marker = 'same-page'")

    box = page.get_by_role("combobox", name="Tìm kiếm văn bản, tin tức, báo cáo")
    box.press_sequentially("cai cach hanh chinh", delay=30)
    page.wait_for_url(query_is("cai cach hanh chinh"))
    results = page.locator(".result-list > li")
    expect(results).to_have_count(2)
    expect(page.get_by_role("status")).to_contain_text("2 kết quả")
    assert page.locator(".result mark").count() > 0
    assert page.evaluate("window.__marker") == "same-page"
    # Autocomplete suggestions arrive too, and like the results never show another unit's report.
    expect(page.locator("#header-suggestions option").first).to_be_attached()
    assert "Báo cáo mật" not in page.content()
    first_url = page.url
    box.press("Enter")  # confirms this search: typing again starts a new history entry

    box.fill("")
    box.press_sequentially("107/2021/nd-cp", delay=30)
    page.wait_for_url(query_is("107/2021/nd-cp"))
    expect(results.first).to_contain_text("107/2021/NĐ-CP")
    assert f"/documents/{decree}" in results.first.locator("a").first.get_attribute("href")

    page.go_back()
    page.wait_for_url(first_url)
    expect(results).to_have_count(2)

    page.get_by_role("link", name="Kế hoạch 1").click()
    expect(results).to_have_count(1)
    assert "type=K" in page.url
    expect(results.first).to_contain_text("2337/KH-TTCP")

    shared = page.url
    page.goto(shared)  # the same URL as a full page, without htmx
    expect(results).to_have_count(1)

    # "Tìm trong: tiêu đề" searches again at once, keeping the filter.
    page.get_by_role("radio", name="tiêu đề").check()
    page.wait_for_url(lambda url: parse_qs(urlsplit(url).query).get("in") == ["title"])
    assert "type=K" in page.url
    expect(results).to_have_count(1)
    expect(page.get_by_role("radio", name="tiêu đề")).to_be_checked()
    page.watch.assert_clean()


SETTLED_BY_ENTER = """() => {
  window.__enterSettled = 0;
  document.body.addEventListener("htmx:afterSettle", (event) => {
    const config = event.detail.requestConfig;
    if (config && config.triggeringEvent && config.triggeringEvent.type === "submit") { window.__enterSettled += 1; }
  });
}"""


def test_enter_after_live_results_adds_one_history_entry(page, make_user, make_document):
    make_user("lan", unit="TCCB")
    make_document(title="Liên thông dữ liệu một số thủ tục tại bộ phận một cửa", issued_on=date(2025, 1, 2))
    exact = make_document(title="Hướng dẫn cơ chế một cửa liên thông cấp huyện", issued_on=date(2019, 5, 6),
                          status="Còn hiệu lực")
    browser_login(page, "lan")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Văn bản").click()
    page.wait_for_url("**/documents/")
    before = page.evaluate("history.length")

    box = page.get_by_role("combobox", name="Tìm kiếm văn bản, tin tức, báo cáo")
    box.press_sequentially("một cửa liên thông", delay=40)
    page.wait_for_url(query_is("một cửa liên thông"))
    results = page.locator(".result-list > li")
    expect(results).to_have_count(2)
    # The record holding the phrase comes first, the whole phrase in one highlight.
    first = results.first
    expect(first.locator(".result__title")).to_have_text("Hướng dẫn cơ chế một cửa liên thông cấp huyện")
    expect(first.locator(".result__title mark")).to_have_count(1)
    expect(first.locator(".result__title mark")).to_have_text("một cửa liên thông")
    assert f"/documents/{exact}" in first.locator(".result__title a").get_attribute("href")
    expect(first.locator(".result__meta")).to_contain_text("Ban hành 06/05/2019")
    expect(first.locator(".badge")).to_have_text("Còn hiệu lực")
    scattered = [m.lower() for m in results.nth(1).locator(".result__title mark").all_inner_texts()]
    assert scattered and "một cửa liên thông" not in scattered  # the same words, apart
    # The menu now marks the search page (the navigation came with the htmx answer).
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    expect(nav.get_by_role("link", name="Tìm kiếm")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Văn bản")).not_to_have_attribute("aria-current", "page")

    page.evaluate(SETTLED_BY_ENTER)
    box.press("Enter")
    page.wait_for_function("() => window.__enterSettled > 0")
    page.wait_for_timeout(700)  # longer than the typing delay: no late request adds an entry
    assert page.evaluate("history.length") == before + 1
    assert query_is("một cửa liên thông")(page.url)
    expect(results).to_have_count(2)

    page.go_back()
    page.wait_for_url("**/documents/")
    expect(page.get_by_role("heading", name="Thư viện văn bản")).to_be_visible()  # the whole page is back
    expect(nav.get_by_role("link", name="Văn bản")).to_have_attribute("aria-current", "page")
    expect(page.locator(".result-list")).to_have_count(0)
    page.watch.assert_clean()
