"""Chromium for the browser tests: Debian's ``chromium`` driven by Playwright (no browser download).

``chromium_serving(platform)`` serves the platform on loopback and launches Chromium;
``new_page`` opens a page (confirmation prompts accepted); ``login`` signs a staff page in.
Browser test modules set ``pytestmark = BROWSER_MARKS``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from massline.platform import Platform
from tests.conftest import PASSWORD
from tests.web_helpers import serve

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
SHOTS = Path(tempfile.gettempdir())  # screenshots for a human look
PHONE = {"width": 375, "height": 812}
DESK = {"width": 1280, "height": 900}
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"),
]


@contextmanager
def chromium_serving(platform: Platform) -> Iterator[tuple[Browser, str]]:
    """Chromium and the base URL of ``platform`` served on loopback."""
    with serve(platform) as url, sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield chromium, url
        finally:
            chromium.close()


def new_page(chromium: Browser, url: str, viewport: dict[str, int]) -> Page:
    """A page in a fresh context (its own cookies) of ``viewport`` size; data-confirm prompts accepted."""
    context = chromium.new_context(base_url=url, viewport=viewport, locale="zh-CN")  # type: ignore[arg-type]
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def login(page: Page, username: str, password: str = PASSWORD) -> None:
    """Sign ``page`` in at the staff login."""
    page.goto("/staff/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form.form button[type=submit]")
