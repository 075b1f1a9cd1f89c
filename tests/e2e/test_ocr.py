"""Chromium: an editor uploads a scanned decision; the Toàn văn tab shows "Đang nhận dạng chữ" and
then, without a reload, the recognised text under its OCR label (htmx polling that stops)."""
from __future__ import annotations

import threading

import pytest

from app.services.library import ocr_worker
from tests.helpers import browser_login
from tests.scans import image_pdf, render_page

DECISION = (
    "QUYẾT ĐỊNH\n"
    "Về việc ban hành Kế hoạch cải cách hành chính năm 2025\n"
    "Ủy ban nhân dân tỉnh giao Sở Nội vụ đôn đốc việc số hóa hồ sơ."
)


@pytest.fixture
def worker(app):
    """The OCR worker loop as a web process runs it (a thread beside the server), started on demand."""
    stop = threading.Event()
    threads = []

    def start():
        thread = threading.Thread(target=ocr_worker.work_loop, args=(app,), kwargs={"interval": 0.5, "stop": stop},
                                  daemon=True)
        thread.start()
        threads.append(thread)

    yield start
    stop.set()
    for thread in threads:
        thread.join(60)


def test_upload_scan_see_progress_then_text_without_reload(page, app, make_user, make_document, worker, tmp_path):
    make_user("bientap", roles=["editor"], unit="VP")
    doc = make_document(number="15/QĐ-UBND", doc_type="Quyết định", title="Quyết định số hóa hồ sơ")
    scan = tmp_path / "quyet-dinh-scan.pdf"
    scan.write_bytes(image_pdf([render_page(DECISION, size_in=(6.6, 2.6), margin_in=0.3, point=12)]))

    browser_login(page, "bientap")
    page.goto(f"/documents/{doc}/tai-ve")
    page.locator('input[type="file"]').set_input_files(str(scan))
    page.get_by_role("button", name="Tải lên").click()
    page.wait_for_url(f"**/documents/{doc}/tai-ve*")
    page.get_by_text("Đang nhận dạng chữ của tệp quét").wait_for()

    page.get_by_role("navigation", name="Các phần của văn bản").get_by_role("link", name="Toàn văn").click()
    page.wait_for_url(f"**/documents/{doc}/toan-van")
    page.get_by_text("Đang chờ nhận dạng chữ (0/1 trang)").wait_for()
    page.evaluate("window.__sameDocument = true")  # gone if the page were loaded again

    worker()  # the OCR thread starts; the block asks for itself every 2 s and swaps in the result
    block = page.locator(".ocr-block")
    label = block.locator(".ocr-label")
    label.wait_for(timeout=90_000)
    assert "Văn bản nhận dạng tự động (OCR) — có thể có lỗi" in label.inner_text()
    assert "số hóa hồ sơ" in block.inner_text()
    assert "Trang 1" in block.inner_text()
    assert page.evaluate("window.__sameDocument === true")
    assert block.get_attribute("hx-trigger") is None  # done: no more polling
    page.watch.assert_clean()
