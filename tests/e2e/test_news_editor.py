"""The news editor in Chromium never loses work: the draft saves itself while the editor types, a
picture goes in at the cursor without touching the rest, leaving with unsaved changes asks first,
and the editor's own save after an autosave is not taken for someone else's edit."""
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.helpers import browser_login

pytestmark = pytest.mark.e2e


def test_autosave_picture_at_the_cursor_toolbar_and_the_leaving_warning(page, make_user, tmp_path):
    make_user("tacgia", roles=("editor", "reader"), unit="VP", full_name="Phương Hiếu")
    picture = tmp_path / "hoi-nghi.png"
    Image.new("RGB", (640, 400), (20, 110, 60)).save(picture, "PNG")
    browser_login(page, "tacgia")
    page.goto("/news/new")

    page.get_by_label("Tiêu đề").fill("Sơ kết cải cách thủ tục hành chính")
    body = page.get_by_label("Nội dung bài viết")
    body.press_sequentially("Đoạn mở đầu.\n\nĐoạn kết.", delay=10)
    status = page.get_by_role("status").filter(has_text="tự động lưu")
    expect(status).to_contain_text("Đã tự động lưu bản nháp lúc", timeout=15_000)
    expect(page).to_have_url(re.compile(r"/news/\d+/edit$"))  # the draft exists: reloading finds it

    # A picture goes where the cursor is; what was typed since (the title too) stays as it is.
    page.get_by_label("Tiêu đề").fill("Sơ kết cải cách thủ tục hành chính năm 2024")
    body.evaluate("area => area.setSelectionRange('Đoạn mở đầu.'.length, 'Đoạn mở đầu.'.length)")
    page.get_by_role("toolbar", name="Định dạng nội dung").get_by_role("button", name="Ảnh").click()
    page.get_by_label("Chọn ảnh chèn vào bài").set_input_files(str(picture))
    page.get_by_label("Chú thích của ảnh trong bài").fill("Toàn cảnh hội nghị")
    page.get_by_role("button", name="Tải ảnh lên và chèn vào bài").click()
    expect(page.locator("#picture-status")).to_contain_text("Đã tải ảnh lên")
    expect(body).to_have_value(re.compile(
        r"^Đoạn mở đầu\.\n\n!\[Toàn cảnh hội nghị\]\(/news/images/[^)]+\)\n\nĐoạn kết\.$"))
    expect(page.get_by_label("Tiêu đề")).to_have_value("Sơ kết cải cách thủ tục hành chính năm 2024")
    expect(page.locator("#article-preview figure img")).to_be_visible()
    expect(page.locator("#article-preview figcaption")).to_have_text("Toàn cảnh hội nghị")

    # The toolbar: the chosen word in bold.
    body.evaluate("area => { const at = area.value.indexOf('kết.'); area.setSelectionRange(at, at + 3); }")
    page.get_by_role("button", name="Đậm").click()
    expect(body).to_have_value(re.compile(r"Đoạn \*\*kết\*\*\.$"))

    # Leaving with a change not saved yet (a cover picture is never autosaved) asks first; staying
    # keeps everything.
    page.get_by_label("Ảnh đại diện (JPEG, PNG, WebP; tối đa 5 MB)").set_input_files(str(picture))
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name="Hủy").click()
    expect(body).to_have_value(re.compile(r"Đoạn \*\*kết\*\*\.$"))
    assert dialogs == ["beforeunload"]

    # The editor's own save after the autosaves is not a concurrent edit, and asks nothing.
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.locator("#flash")).to_contain_text("Đã lưu thay đổi.")
    assert dialogs == ["beforeunload"]
    expect(page.get_by_role("heading", level=1)).to_have_text("Sơ kết cải cách thủ tục hành chính năm 2024")
    expect(page.locator(".article__body figcaption")).to_have_text("Toàn cảnh hội nghị")
    expect(page.locator(".article__body strong")).to_have_text("kết")
    expect(page.locator(".article__cover img")).to_be_visible()
    page.watch.assert_clean()
