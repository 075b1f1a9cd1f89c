"""Fixtures for search tests: the seed articles among generated noise, indexed for real."""
import glob
import os
import subprocess
import sys

import pytest

from tests.helpers import SAMPLES_DIR, SEEDS_DIR

CORPUS = os.path.join(SAMPLES_DIR, "..", "bench", "corpus.py")


def seed_articles() -> list[tuple[str, str]]:
    """(title, body) of the five real articles in shared/seeds."""
    articles = []
    for path in sorted(glob.glob(os.path.join(SEEDS_DIR, "*.txt"))):
        with open(path, encoding="utf-8") as fh:
            lines = [line.strip() for line in fh.read().splitlines() if line.strip()]
        articles.append((lines[0], "\n".join(lines[1:])))
    return articles


@pytest.fixture(scope="session")
def noise_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("noise") / "noise.jsonl"
    subprocess.run([sys.executable, CORPUS, "--docs", "150", "--seed", "11", "--restricted", "0",
                    "--out", str(path)], check=True)
    return path


@pytest.fixture
def library(app, make_unit, noise_file):
    """Seed articles as reform documents (ids returned by title), plus 150 noise documents."""
    from app.services import documents as lib
    from app.services import importer

    make_unit("VPC")
    with app.app_context():
        with open(noise_file, encoding="utf-8") as lines:
            report = importer.import_jsonl(lines)
        assert report.failed == 0
        ids = {}
        for i, (title, body) in enumerate(seed_articles()):
            doc = lib.create_document(lib.DocumentData(
                category="reform", doc_type="Báo cáo", number=f"{900 + i}/BC-SEED", title=title, body=body,
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
