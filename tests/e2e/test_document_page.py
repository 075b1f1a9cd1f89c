"""The document page in Chromium: tabs swap in place with their own addresses, 'Xem thêm' pages
the citing documents in place, Back returns to the previous tab, and without JavaScript every
tab and the whole list of citing documents are plain links that work."""
import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.helpers import browser_login
from tests.routes.test_document_page import _cite, _relate

pytestmark = pytest.mark.e2e


@pytest.fixture
def cited(app, make_user, make_document):
    """A decree replaced by a newer one and cited by 12 documents; returns its id."""
    make_user("lan", unit="TCCB")
    target = make_document(number="61/2018/NĐ-CP", title="Về thực hiện cơ chế một cửa, một cửa liên thông",
                           status="Còn hiệu lực", issued_on=date(2018, 4, 23),
                           body="\n".join(f"Điều {i}. Quy định về bộ phận một cửa." for i in range(1, 31)))
    newer = make_document(number="15/2024/NĐ-CP", title="Về cơ chế một cửa", status="Còn hiệu lực",
                          issued_on=date(2024, 5, 20), effective_on=date(2024, 7, 1))
    _relate(app, newer, "replaces", target)
    _cite(app, "61/2018/NĐ-CP", 12)
    return target


def _citing_items(page):
    return page.locator("#nhom-duoc-dan-chieu li:not(.diagram__more) > a")


def test_tabs_and_more_citations_in_place_back_restores(page, cited):
    browser_login(page, "lan")
    page.goto(f"/documents/{cited}")
    expect(page.locator(".validity .badge")).to_have_text("Hết hiệu lực toàn bộ")
    expect(page.locator(".validity")).to_contain_text("Bị thay thế bởi 15/2024/NĐ-CP từ 01/07/2024")
    expect(page.get_by_role("heading", name="Toàn văn")).to_be_visible()
    page.evaluate("window.__marker = 'no-reload'")

    tabs = page.get_by_role("navigation", name="Các phần của văn bản")
    tabs.get_by_role("link", name="Lược đồ").click()
    page.wait_for_url(f"**/documents/{cited}/luoc-do")
    expect(tabs.get_by_role("link", name="Lược đồ")).to_have_attribute("aria-current", "page")
    expect(page).to_have_title(re.compile(r"^Lược đồ – Nghị định 61/2018/NĐ-CP"))
    expect(page.locator("#nhom-duoc-dan-chieu h3")).to_have_text("Được dẫn chiếu bởi (12)")
    expect(_citing_items(page)).to_have_count(5)

    page.get_by_role("link", name="Xem thêm (còn 7 văn bản)").click()
    expect(_citing_items(page)).to_have_count(12)
    expect(page.get_by_role("link", name=re.compile("^Xem thêm"))).to_have_count(0)
    assert len(set(_citing_items(page).all_inner_texts())) == 12
    assert page.url.endswith(f"/documents/{cited}/luoc-do")
    assert page.evaluate("window.__marker") == "no-reload"

    tabs.get_by_role("link", name="Tải về").click()
    page.wait_for_url(f"**/documents/{cited}/tai-ve")
    expect(page.get_by_text("Văn bản chưa có tệp để tải về.")).to_be_visible()
    page.go_back()
    page.wait_for_url(f"**/documents/{cited}/luoc-do")
    expect(page.get_by_role("heading", name="Lược đồ", exact=True)).to_be_visible()
    page.go_back()
    page.wait_for_url(f"**/documents/{cited}")
    expect(page.get_by_role("heading", name="Thuộc tính", exact=True)).to_be_visible()
    expect(tabs.get_by_role("link", name="Thuộc tính")).to_have_attribute("aria-current", "page")
    page.watch.assert_clean()


def test_without_javascript_tabs_and_the_citing_list_are_pages(browser, live_server, cited):
    context = browser.new_context(base_url=live_server, locale="vi-VN", java_script_enabled=False)
    page = context.new_page()
    try:
        browser_login(page, "lan")
        page.goto(f"/documents/{cited}")
        tabs = page.get_by_role("navigation", name="Các phần của văn bản")
        tabs.get_by_role("link", name="Toàn văn").click()
        page.wait_for_url(f"**/documents/{cited}/toan-van")
        expect(page.get_by_text("Điều 30. Quy định về bộ phận một cửa.")).to_be_visible()
        tabs.get_by_role("link", name="Lược đồ").click()
        page.wait_for_url(f"**/documents/{cited}/luoc-do")
        expect(_citing_items(page)).to_have_count(5)
        page.get_by_role("link", name="Xem thêm (còn 7 văn bản)").click()
        page.wait_for_url(f"**/documents/{cited}/luoc-do/duoc-dan-chieu")
        expect(page.get_by_role("heading", level=1)).to_contain_text("(12 văn bản)")
        expect(page.locator("ol.diagram__list > li")).to_have_count(12)
        page.get_by_role("link", name="« Lược đồ Nghị định 61/2018/NĐ-CP").click()
        page.wait_for_url(f"**/documents/{cited}/luoc-do")
    finally:
        context.close()
