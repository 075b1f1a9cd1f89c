"""The library list in Chromium: a filter updates the list in place, the URL follows, back restores."""
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.helpers import browser_login

pytestmark = pytest.mark.e2e



def _result_titles(page):
    return page.locator("#document-results tbody td:nth-child(2) > a").all_inner_texts()


def test_filter_by_type_pushes_url_and_back_restores(page, make_user, make_document):
    make_user("lan", unit="TCCB")
    make_document(number="61/2018/NĐ-CP", title="Về thực hiện cơ chế một cửa", issued_on=date(2018, 4, 23))
    make_document(number="2337/KH-TTCP", doc_type="Kế hoạch", title="Kế hoạch CCHC năm 2022",
                  issuer="Thanh tra Chính phủ", issued_on=date(2022, 1, 5))
    make_document(number="1298/TB-TTCP", doc_type="Thông báo", title="Thông báo kết luận về phần mềm",
                  issuer="Thanh tra Chính phủ", issued_on=date(2019, 8, 2))
    browser_login(page, "lan")
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


def test_editor_prefills_from_word_file_and_colleague_reads_it(page, browser, live_server, make_user):
    from tests.helpers import sample

    make_user("bientap", roles=["editor"], unit="VP")
    make_user("congchuc", unit="TCCB")
    browser_login(page, "bientap")
    page.goto("/documents/new")
    page.get_by_label("Tệp Word (.docx) để đọc thông tin").set_input_files(sample("bao-cao-cchc-quy-1-2024.docx"))
    page.get_by_role("button", name="Đọc tệp").click()
    expect(page.get_by_role("status")).to_contain_text("Đã đọc tệp bao-cao-cchc-quy-1-2024.docx")
    assert page.get_by_label("Số ký hiệu").input_value() == "15/BC-VPC"
    assert page.get_by_label("Loại văn bản").input_value() == "Báo cáo"
    assert page.get_by_label("Ngày ban hành").input_value() == "10/04/2024"
    assert "quý I năm 2024" in page.get_by_label("Trích yếu").input_value()
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Báo cáo 15/BC-VPC")
    page.watch.assert_clean()

    colleague = browser.new_context(base_url=live_server).new_page()
    browser_login(colleague, "congchuc")
    colleague.goto("/documents/")
    colleague.get_by_role("link", name="Kết quả thực hiện công tác cải cách hành chính quý I năm 2024").click()
    expect(colleague.get_by_role("heading", name="Toàn văn")).to_be_visible()
    expect(colleague.locator(".fulltext")).to_contain_text("Công tác chỉ đạo, điều hành cải cách hành chính")
    assert colleague.get_by_role("link", name="bao-cao-cchc-quy-1-2024.docx").is_visible()
    colleague.context.close()
