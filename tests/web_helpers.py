"""Helpers for page tests: a live uvicorn server in a thread and a form-aware client."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from massline.platform import Platform
from massline.web.app import create_app
from tests.server import serving

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
FORM_TOKEN_RE = re.compile(r'name="form_token" value="([^"]+)"')


@contextmanager
def serve(platform: Platform) -> Iterator[str]:
    """Run the whole app for ``platform`` on a free loopback port; yields the base URL."""
    with serving(create_app(platform)) as url:
        yield url


class Browser(httpx.Client):
    """An HTTP client that keeps cookies and fills in the page's CSRF token."""

    def __init__(self, base_url: str) -> None:
        super().__init__(base_url=base_url, follow_redirects=False, timeout=20)

    def token(self, path: str = "/track") -> str:
        """The CSRF token of this browser session (read from a form page)."""
        match = CSRF_RE.search(self.get(path).text)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def hidden(self, path: str) -> dict[str, str]:
        """The hidden fields of the form page ``path``: its CSRF token and, if any, its one-time form token."""
        page = self.get(path).text
        match = CSRF_RE.search(page)
        assert match, f"no CSRF token on {path}"
        fields = {"csrf_token": match.group(1)}
        if once := FORM_TOKEN_RE.search(page):
            fields["form_token"] = once.group(1)
        return fields

    def post_form(self, path: str, data: dict[str, Any], *, form_page: str = "/track") -> httpx.Response:
        """POST ``data`` with the hidden fields of ``form_page`` (the session's CSRF token, a form token)."""
        return self.post(path, data={**self.hidden(form_page), **data})

    def follow(self, response: httpx.Response) -> httpx.Response:
        """GET the redirect target of ``response`` (asserting a 303)."""
        assert response.status_code == 303, (response.status_code, response.text[:500])
        return self.get(response.headers["location"])


def login(browser: Browser, username: str, password: str) -> httpx.Response:
    """Log ``username`` in; returns the redirect answer."""
    response = browser.post_form("/staff/login", {"username": username, "password": password}, form_page="/staff/login")
    assert response.status_code == 303, response.text[:500]
    return response


def submit(browser: Browser, **fields: str) -> tuple[str, str, httpx.Response]:
    """Submit a message through the form (POST, then the confirmation page it redirects to);
    returns (tracking code, secret, confirmation page)."""
    data = {"title": "测试标题", "body": "这是一条用于测试的留言内容，内容足够长。", "kind": "咨询", "is_public": "1", **fields}
    response = browser.follow(browser.post_form("/submit", data, form_page="/submit"))
    assert response.status_code == 200, response.text[:2000]
    code = re.search(r'id="tracking-code">([A-Z0-9]+)<', response.text)
    secret = re.search(r'id="tracking-secret">([A-Z0-9]+)<', response.text)
    assert code and secret
    return code.group(1), secret.group(1), response


def freeze_mid_window(platform: Platform, monkeypatch: pytest.MonkeyPatch, window: float) -> datetime:
    """Stop ``platform``'s clock in the middle of a rate-limit window of ``window`` seconds: the limiters'
    sliding window weighs the previous window's count, so a test that crossed a window boundary would
    count a little under its limit."""
    middle = (platform.now().timestamp() // window) * window + window / 2
    frozen = datetime.fromtimestamp(middle, tz=UTC)
    monkeypatch.setattr(platform, "now", lambda: frozen)
    return frozen
