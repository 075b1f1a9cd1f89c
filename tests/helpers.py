"""Helpers the tests share: log in through the real form, read CSRF tokens from pages."""
import os as _os
import re

TEST_PASSWORD = "mat-khau-thu-nghiem"

CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')


def csrf_from(html: str) -> str:
    """Return the CSRF token a page carries (form field or the htmx header on <body>)."""
    match = CSRF_FIELD.search(html) or CSRF_HEADER.search(html)
    assert match, "page carries no CSRF token"
    return match.group(1)


def login(client, username, password=TEST_PASSWORD, remember=False):
    """Log in through the real form (with its CSRF token); return the POST response."""
    token = csrf_from(client.get("/login").get_data(as_text=True))
    data = {"username": username, "password": password, "csrf_token": token}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data)


def logged_in(app, username, password=TEST_PASSWORD):
    """Return a new test client of ``app`` logged in as ``username`` (failing if the login fails)."""
    client = app.test_client()
    assert login(client, username, password).status_code == 302, f"login as {username} failed"
    return client


def page_token(client, path="/") -> str:
    """Return the CSRF token from a page the logged-in client can see."""
    return csrf_from(client.get(path).get_data(as_text=True))


_word_samples: list[str] = []  # this session's folder, set by the word_samples fixture (tests/conftest.py)


def use_word_samples(folder) -> None:
    """Make ``sample()`` build into and read from ``folder`` (called once per test session)."""
    _word_samples[:] = [str(folder)]


def sample(name: str) -> str:
    """Return the path of the Word test file ``name``, built by tests/word_fixtures.py into this
    session's folder the first time it is asked for. Fails (AssertionError) outside a test session
    and (KeyError) for a name the builder does not know."""
    from tests import word_fixtures

    assert _word_samples, "sample() needs the word_samples session fixture (tests/conftest.py)"
    return word_fixtures.build(name, _word_samples[0])


def files_under(folder: str) -> list[str]:
    """Return every regular file under ``folder`` (to prove nothing was left behind)."""
    found = []
    for root, _dirs, names in _os.walk(folder):
        found += [_os.path.join(root, n) for n in names]
    return sorted(found)


def browser_login(page, username, password=TEST_PASSWORD):
    """Log in through the login page in Chromium and wait for the home page."""
    page.goto("/login")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/")
