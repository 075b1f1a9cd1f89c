"""News in Chromium: an editor writes with a live preview and submits, a reviewer publishes,
a reader finds the article from the header search box and opens it."""
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.helpers import browser_login

pytestmark = pytest.mark.e2e



def log_out(page):
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/login**")


def test_write_preview_submit_publish_find(page, make_user, tmp_path):
    make_user("tacgia", roles=("editor", "reader"), unit="VP", full_name="Phương Hiếu")
    make_user("duyet", roles=("editor", "publisher", "reader"), unit="VP")
    make_user("doc", roles=("reader",), unit="TCCB")
    cover = tmp_path / "bia.png"
    Image.new("RGB", (1200, 800), (10, 90, 160)).save(cover, "PNG")

    browser_login(page, "tacgia")
    page.get_by_role("link", name="Tin tức").first.click()
    page.get_by_role("link", name="Quản lý tin").click()
    page.get_by_role("link", name="Viết tin mới").click()
    page.get_by_label("Tiêu đề").fill("Sơ kết sáu tháng chuyển đổi số tại bộ phận một cửa")
    page.get_by_label("Tóm tắt (sa-pô)").fill("Tỷ lệ hồ sơ trực tuyến tăng mạnh.")
    page.evaluate("window.__marker = 'same-page'")
    body = page.get_by_label("Nội dung bài viết")
    body.press_sequentially("## Kết quả\n\nĐã **tiếp nhận** 1.305 hồ sơ <script>alert(1)</script>", delay=5)
    preview = page.locator("#article-preview")
    expect(preview.locator("h2")).to_have_text("Kết quả")
    expect(preview.locator("strong")).to_have_text("tiếp nhận")
    expect(preview).to_contain_text("<script>alert(1)</script>")  # shown as text, not run
    assert page.evaluate("window.__marker") == "same-page"  # the preview came without a reload
    page.get_by_label("Ảnh đại diện (JPEG, PNG, WebP; tối đa 5 MB)").set_input_files(str(cover))
    page.get_by_label("Chú thích ảnh").fill("Bộ phận một cửa")
    page.get_by_role("button", name="Lưu bản nháp").click()
    expect(page.get_by_role("status").filter(has_text="Bản nháp")).to_be_visible()
    page.get_by_role("button", name="Gửi duyệt").click()
    expect(page.locator("#flash")).to_contain_text("Đã gửi bài chờ duyệt")
    article_url = re.sub(r"\?.*$", "", page.url)
    log_out(page)

    browser_login(page, "duyet")
    page.goto("/news/manage")
    page.get_by_role("link", name="Sơ kết sáu tháng chuyển đổi số tại bộ phận một cửa").click()
    page.get_by_role("button", name="Xuất bản").click()
    expect(page.locator("#flash")).to_contain_text("Đã xuất bản bài viết")
    log_out(page)

    browser_login(page, "doc")
    expect(page.locator(".home-news")).to_contain_text("Sơ kết sáu tháng chuyển đổi số")
    box = page.get_by_role("combobox", name="Tìm kiếm văn bản, tin tức, báo cáo")
    box.press_sequentially("chuyen doi so mot cua", delay=30)
    result = page.locator(".result-list > li").first
    expect(result).to_contain_text("Tin tức")
    expect(result.locator("mark").first).to_be_visible()
    result.locator("a").first.click()
    page.wait_for_url(re.compile(r"/news/\d+"))
    assert page.url.split("?")[0].startswith(article_url.split("/sơ")[0])
    expect(page.get_by_role("heading", level=1)).to_have_text("Sơ kết sáu tháng chuyển đổi số tại bộ phận một cửa")
    expect(page.locator(".article__cover img")).to_be_visible()
    assert page.locator(".article__cover img").evaluate("img => img.naturalWidth") == 1200
    expect(page.locator(".article__body strong")).to_have_text("tiếp nhận")
    # The reviewer saw it once after publishing, this reader once; the author's looks are not counted.
    expect(page.locator("article > p.muted").nth(1)).to_contain_text("2 lượt xem")
    page.watch.assert_clean()


def test_a_preview_past_the_size_limit_says_so_in_vietnamese(page, make_user):
    make_user("tacgia", roles=("editor", "reader"), unit="VP")
    browser_login(page, "tacgia")
    page.goto("/news/new")
    page.get_by_label("Nội dung bài viết").fill("Bản thảo ngắn")
    expect(page.locator("#article-preview")).to_contain_text("Bản thảo ngắn")
    # Pasting a huge text (here ~3.5 MB) is refused by the server before reading it; the page says why.
    page.evaluate("""() => {
        const area = document.querySelector('textarea[name=body]');
        area.value = 'chữ '.repeat(900000);
        area.dispatchEvent(new Event('input', {bubbles: true}));
    }""")
    expect(page.locator("#flash")).to_contain_text("Nội dung gửi lên vượt quá giới hạn cho phép (2 MB)",
                                                   timeout=15_000)
    expect(page.locator("#article-preview")).to_contain_text("Bản thảo ngắn")  # the last good preview stays
