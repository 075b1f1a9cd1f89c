"""The library list in Chromium: a filter updates the list in place, the URL follows, back restores."""
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.e2e


def _login(page, username):
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/")


def _result_titles(page):
    return page.locator("#document-results tbody td:nth-child(2) > a").all_inner_texts()


def test_filter_by_type_pushes_url_and_back_restores(page, make_user, make_document):
    make_user("lan", unit="TCCB")
    make_document(number="61/2018/NĐ-CP", title="Về thực hiện cơ chế một cửa", issued_on=date(2018, 4, 23))
    make_document(number="2337/KH-TTCP", doc_type="Kế hoạch", title="Kế hoạch CCHC năm 2022",
                  issuer="Thanh tra Chính phủ", issued_on=date(2022, 1, 5))
    make_document(number="1298/TB-TTCP", doc_type="Thông báo", title="Thông báo kết luận về phần mềm",
                  issuer="Thanh tra Chính phủ", issued_on=date(2019, 8, 2))
    _login(page, "lan")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Văn bản").click()
    page.wait_for_url("**/documents/")
    assert len(_result_titles(page)) == 3
    page.evaluate("window.__marker = 'no-reload'")

    page.get_by_label("Loại văn bản").select_option("Kế hoạch")
    page.wait_for_url("**/documents/?*type=K*")
    expect(page.locator("#document-results tbody tr")).to_have_count(1)
    assert _result_titles(page) == ["Kế hoạch CCHC năm 2022"]
    assert page.evaluate("window.__marker") == "no-reload"
    shared_url = page.url

    page.go_back()
    page.wait_for_url("**/documents/")
    expect(page.locator("#document-results tbody tr")).to_have_count(3)
    assert len(_result_titles(page)) == 3

    # The filtered URL works on its own (shareable), as a full page.
    page.goto(shared_url)
    assert _result_titles(page) == ["Kế hoạch CCHC năm 2022"]
    assert page.get_by_label("Loại văn bản").input_value() == "Kế hoạch"
    page.watch.assert_clean()
