"""News rules without the web layer: rendering and sanitising, slugs, starting from a .docx
(the demo articles are tested in test_demo_news.py)."""
from __future__ import annotations

import io
import re

import docx
import pytest
from PIL import Image

from app import ingest
from app.extensions import db
from app.models import Article, ArticleImage
from app.news_text import render_markdown, slugify
from app.services.news import word as news_docx
from tests.helpers import files_under, sample


@pytest.mark.parametrize("markdown", [
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    '<a href="https://x" onclick="alert(1)">x</a>',
    "![x](javascript:alert(1))",
    '![x](/news/images/a.png" onerror="alert(1))',
    "<style>body{display:none}</style>",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    '<img src=x onerror=alert(1)>',
])
def test_markdown_rendering_is_sanitised(markdown):
    html = render_markdown(markdown)
    tags = re.findall(r"<[a-zA-Z][^>]*>", html)  # real tags only; escaped text cannot run
    assert all(t.split()[0].strip("<>") in {"p", "a", "img", "figure", "figcaption"} for t in tags), tags
    for tag in tags:
        assert not re.search(r"\son\w+=", tag), tag
        assert not re.search(r"(href|src)=\"(?!https?:|/news/images/)", tag), tag
        assert "src=" not in tag or re.search(r'src="/news/images/news/\d{4}/\d\d/[0-9a-f]{32}\.jpg"', tag), tag


def test_markdown_keeps_what_news_needs():
    html = render_markdown("# Tiêu đề\n\n**đậm** *nghiêng* [Cổng DVC](https://dichvucong.gov.vn)\n\n"
                           "| Chỉ tiêu | Kết quả |\n|---|---|\n| Hồ sơ đúng hạn | 99,22% |\n\n"
                           "![Đại biểu dự hội nghị](/news/images/news/2024/01/" + "ab12" * 8 + ".jpg)")
    assert "<h2>Tiêu đề</h2>" in html  # the page title is the only h1
    assert '<a href="https://dichvucong.gov.vn" rel="noopener noreferrer">Cổng DVC</a>' in html
    assert "<td>99,22%</td>" in html
    assert "<figcaption>Đại biểu dự hội nghị</figcaption>" in html


@pytest.mark.parametrize("title, slug", [
    ("Tiếp tục làm tốt vai trò của cơ quan tham mưu", "tiep-tuc-lam-tot-vai-tro-cua-co-quan-tham-muu"),
    ("Đẩy mạnh CCHC: ĐÐđ!", "day-manh-cchc-ddd"),
    ("Thuỷ lợi hoà bình", "thuy-loi-hoa-binh"),
    ("🚀 ???", "tin-tuc"),
])
def test_slug_from_vietnamese_title(title, slug):
    assert slugify(title) == slug


def _docx_with_picture(path):
    document = docx.Document()
    document.add_heading("Hội nghị sơ kết CCHC 6 tháng đầu năm", level=1)
    document.add_paragraph("Sáng 5/7, Thanh tra Chính phủ tổ chức hội nghị sơ kết công tác cải cách hành chính.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Chỉ tiêu", "Kết quả"
    table.cell(1, 0).text, table.cell(1, 1).text = "Hồ sơ đúng hạn", "99,22%"
    picture = io.BytesIO()
    Image.new("RGB", (640, 480), (20, 120, 200)).save(picture, "PNG")
    picture.seek(0)
    document.add_picture(picture)
    document.save(path)


def test_article_started_from_docx_keeps_text_table_and_picture(app, make_user, tmp_path):
    from app.services.news import articles as news

    user_id = make_user("tacgia", roles=("editor",))
    path = tmp_path / "tin.docx"
    _docx_with_picture(path)
    with app.test_request_context():
        from app.models import User

        converted = news_docx.convert(str(path), "tin.docx", lambda name: f"/news/images/{name}")
        assert converted.title == "Hội nghị sơ kết CCHC 6 tháng đầu năm"
        assert converted.summary.startswith("Sáng 5/7, Thanh tra Chính phủ")
        assert "| Hồ sơ đúng hạn | 99,22% |" in converted.body
        assert (len(converted.images) == 1
                and re.search(r"!\[\]\(/news/images/news/\d{4}/\d\d/\w+\.jpg\)", converted.body))
        user = db.session.get(User, user_id)
        article = news.create_article(news.ArticleData(title=converted.title, summary=converted.summary,
                                                       body=converted.body), user, action="import_docx",
                                      extra_images=converted.images)
        assert article.status == "draft" and "<td>99,22%</td>" in article.body_html
        assert "<img src=\"/news/images/news/" in article.body_html
        assert db.session.scalar(db.select(db.func.count(ArticleImage.id))) == 1


@pytest.mark.parametrize("name, message", [
    ("bao-cao-cu.doc", "định dạng cũ"),
    ("hong-cat-cut.docx", "hỏng"),
])
def test_hostile_or_broken_word_files_start_nothing(app, name, message):
    upload_dir = app.config["UPLOAD_DIR"]
    with app.test_request_context():
        with pytest.raises(ingest.IngestError) as refused:
            news_docx.convert(sample(name), name, lambda n: n)
        assert message.lower() in str(refused.value).lower()
        assert db.session.scalar(db.select(db.func.count(Article.id))) == 0
    assert [f for f in files_under(upload_dir) if "/news/" in f] == []


@pytest.mark.parametrize("src", [
    "/news/images/%2e%2e/%2e%2e/admin/users",
    "/news/images/%2E%2E/secret_key",
    "/news/images/news/2024/01/%2e%2e/%2e%2e/%2e%2e/logout",
    "/news/images/..%2f..%2fadmin/users",
    "/news/images/news/2024/01/" + "a" * 32 + ".jpg?next=/admin",
    "/news/images/news/2024/01/" + "a" * 32 + ".jpg#x",
    "/news/images/news/2024/01/" + "a" * 32 + ".svg",
    "/news/images/news/2024/01/../../../admin/users.jpg",
    "/news/images/",
])
def test_body_pictures_are_only_our_own_stored_names(src):
    html = render_markdown(f"![Ảnh]({src})\n\nChữ.")
    assert "<img" not in html or 'src="' not in html, html
    own = "/news/images/news/2024/01/" + "0123456789abcdef" * 2 + ".png"
    assert f'<img src="{own}" alt="Ảnh">' in render_markdown(f"![Ảnh]({own})")
