"""Helpers the tests share: log in through the real form, read CSRF tokens from pages."""
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


def page_token(client, path="/") -> str:
    """Return the CSRF token from a page the logged-in client can see."""
    return csrf_from(client.get(path).get_data(as_text=True))
