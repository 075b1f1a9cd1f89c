"""Phones: every page fits a 390 px wide screen (nothing scrolls sideways), document numbers are
never cut in two, and the search results come before the filters."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.site_pages import DEMO_PASSWORD, NOT_PAGES, ROLES, get_endpoints, pages
from tests.helpers import browser_login

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}

# The page is wider than the screen, or a document number is drawn on two lines.
MEASURE = """() => {
  const broken = [...document.querySelectorAll('.doc-number, .result__number')]
    .filter(el => el.getClientRects().length > 1)
    .map(el => el.textContent.trim());
  return {width: document.documentElement.scrollWidth, screen: window.innerWidth, broken};
}"""


@pytest.fixture
def demo(app):
    """The demo's data (units, users of every role, documents, news, the plan and its reports)."""
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return app


def test_every_get_route_is_a_listed_page_or_said_why_not(demo):
    site = pages(demo)
    assert set(site).isdisjoint(NOT_PAGES)
    assert set(site) | set(NOT_PAGES) == get_endpoints(demo)


def test_no_page_scrolls_sideways_at_390_px(browser, live_server, demo):
    site = pages(demo)
    too_wide, broken_numbers, opened = [], [], set()

    def measure(page, who, path):
        shown = page.evaluate(MEASURE)
        if shown["width"] > shown["screen"]:
            too_wide.append(f"{who} {path}: {shown['width']} px")
        if shown["broken"]:
            broken_numbers.append(f"{who} {path}: {shown['broken']}")

    context = browser.new_context(base_url=live_server, viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    page.goto("/login")
    measure(page, "(chưa đăng nhập)", "/login")
    context.close()

    for username in ROLES:
        context = browser.new_context(base_url=live_server, viewport=PHONE, locale="vi-VN")
        page = context.new_page()
        page.set_default_timeout(15_000)
        browser_login(page, username, DEMO_PASSWORD)
        for endpoint, paths in site.items():
            for path in paths:
                response = page.goto(path)
                if response.status in (403, 404):  # not this role's page
                    continue
                assert response.status == 200, f"{username} {path}: {response.status}"
                opened.add(endpoint)
                measure(page, username, path)
        context.close()

    assert too_wide == []
    assert broken_numbers == []
    assert opened == set(site), f"never opened: {set(site) - opened}"


def test_search_results_come_before_the_filters_on_a_phone(browser, live_server, demo):
    context = browser.new_context(base_url=live_server, viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    browser_login(page, "congchuc", DEMO_PASSWORD)
    page.goto("/search?q=c%E1%BA%A3i+c%C3%A1ch+h%C3%A0nh+ch%C3%ADnh")
    first_result = page.locator(".result-list > li").first
    expect(first_result).to_be_visible()
    filters = page.get_by_role("group", name="Lọc kết quả")
    expect(filters).to_be_hidden()
    assert first_result.bounding_box()["y"] < PHONE["height"]  # on the first screen
    page.get_by_text("Bộ lọc", exact=True).click()
    expect(filters).to_be_visible()
    filters.get_by_role("link").first.click()
    expect(page.locator(".facets__toggle")).to_contain_text("1 đang chọn")
    expect(page.get_by_role("group", name="Lọc kết quả")).to_be_hidden()  # the results show first again
    context.close()

    wide = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = wide.new_page()
    browser_login(page, "congchuc", DEMO_PASSWORD)
    page.goto("/search?q=c%E1%BA%A3i+c%C3%A1ch+h%C3%A0nh+ch%C3%ADnh")
    expect(page.get_by_role("group", name="Lọc kết quả")).to_be_visible()  # beside the results, no button
    expect(page.locator(".facets__toggle")).to_be_hidden()
    wide.close()
