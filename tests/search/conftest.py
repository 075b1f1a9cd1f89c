"""Fixtures for search tests: the demo news articles (app/demo/news) among generated noise,
indexed for real."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "bench", "corpus.py")


def demo_articles() -> list[tuple[str, str, str]]:
    """(name, title, text) of the demo news articles: summary and body as readers see them, without markup."""
    from app.demo.articles import read_articles
    from app.news_text import plain_text, render_markdown

    return [(item.name, item.title, item.summary + "\n" + plain_text(render_markdown(item.body)))
            for item in read_articles()]


@pytest.fixture(scope="session")
def noise_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("noise") / "noise.jsonl"
    subprocess.run([sys.executable, CORPUS, "--docs", "150", "--seed", "11", "--restricted", "0",
                    "--out", str(path)], check=True)
    return path


@pytest.fixture
def library(app, make_unit, noise_file):
    """The demo news articles as reform documents (ids returned by title), plus 150 noise documents."""
    from app.services.library import documents as lib
    from app.services.library import importer

    make_unit("VPC")
    with app.app_context():
        with open(noise_file, encoding="utf-8") as lines:
            report = importer.import_jsonl(lines)
        assert report.failed == 0
        ids = {}
        for i, (_name, title, body) in enumerate(demo_articles()):
            doc = lib.create_document(lib.DocumentData(
                category="reform", doc_type="Báo cáo", number=f"{900 + i}/BC-DEMO", title=title, body=body,
                issuer="Ban biên tập"), None)
            ids[title] = doc.id
    return ids


def top_ids(app, username, query, n=5, **filters):
    from app import search
    from app.extensions import db
    from app.models import User

    with app.test_request_context():
        user = db.session.scalar(db.select(User).where(User.username == username))
        page = search.search(user, search.SearchRequest(q=query, filters=search.Filters(**filters)))
        return [h.id for h in page.hits[:n]], page
