"""Active search in Chromium: typing updates results in place, the URL is shareable,
back restores the previous results, a facet narrows them."""
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.helpers import TEST_PASSWORD

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
    page.watch.assert_clean()
