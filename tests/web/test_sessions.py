"""Server-side browser sessions: a cookie copied before logout, 退出查询 or a password reset stops working."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from massline.models import User, WebSession
from massline.platform import Platform
from massline.services.people import check_reset_password
from tests.conftest import PASSWORD
from tests.web_helpers import Browser, login, serve, submit


@pytest.fixture
def url(deployed: Platform) -> Iterator[str]:
    with serve(deployed) as base:
        yield base


def _copy(browser: Browser, url: str) -> Browser:
    """Another browser holding a copy of ``browser``'s session cookie (a stolen cookie)."""
    thief = Browser(url)
    thief.cookies.set("massline_session", browser.cookies["massline_session"])
    return thief


def test_a_staff_cookie_copied_before_logout_stops_working(url: str, deployed: Platform) -> None:
    with Browser(url) as staff:
        login(staff, "jsj.a", PASSWORD)
        with _copy(staff, url) as thief:
            assert thief.get("/staff").status_code == 200  # the copy works while the session lives
            staff.follow(staff.post_form("/staff/logout", {}, form_page="/staff"))
            assert staff.get("/staff").status_code == 303
            r = thief.get("/staff")
            assert r.status_code == 303 and r.headers["location"].startswith("/staff/login")
    with deployed.read() as s:
        assert s.scalar(select(WebSession.revoked_at).where(WebSession.user_id.is_not(None))) is not None
        assert s.scalar(select(WebSession.token_hash)) is not None  # only a hash of the cookie's token


def test_a_citizen_cookie_copied_before_leaving_the_case_stops_working(url: str) -> None:
    with Browser(url) as citizen:
        code, secret, _ = submit(citizen, title="小区路灯不亮", is_public="0")
        citizen.post_form("/track", {"tracking_code": code, "secret": secret})
        with _copy(citizen, url) as thief:
            assert "小区路灯不亮" in thief.get("/track/case").text
            assert "已退出查询" in citizen.follow(citizen.post_form("/track/forget", {})).text
            assert citizen.get("/track/case").status_code == 303
            assert thief.get("/track/case").status_code == 303
            refused = thief.post_form("/track/reopen", {"reason": "问题没有解决，请重新办理"})
            assert refused.headers["location"] == "/track"


def test_a_password_reset_ends_every_session_of_the_user(url: str, deployed: Platform) -> None:
    with Browser(url) as office, Browser(url) as home, Browser(url) as other:
        login(office, "jsj.a", PASSWORD)
        login(home, "jsj.a", PASSWORD)
        login(other, "rsj.a", PASSWORD)
        with deployed.write() as s:
            check_reset_password(s, "jsj.a", "New-password-456", passwords=deployed.passwords)
        assert office.get("/staff").status_code == 303
        assert home.get("/staff").status_code == 303
        assert other.get("/staff").status_code == 200  # another user's session is untouched
        login(office, "jsj.a", "New-password-456")
        assert office.get("/staff").status_code == 200


def test_sessions_end_when_idle_and_at_their_absolute_expiry(
    url: str, deployed: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = deployed.now()
    clock = {"now": start}
    monkeypatch.setattr(deployed, "now", lambda: clock["now"])
    idle = timedelta(seconds=deployed.settings.session_idle_seconds)
    with Browser(url) as staff:
        login(staff, "jsj.a", PASSWORD)
        for _ in range(10):  # used regularly: stays alive past the idle time ...
            clock["now"] += idle / 2
            assert staff.get("/staff").status_code == 200
        clock["now"] = start + timedelta(seconds=deployed.settings.session_max_age_seconds)
        assert staff.get("/staff").status_code == 303  # ... until its absolute expiry
        login(staff, "jsj.a", PASSWORD)
        clock["now"] += idle + timedelta(seconds=1)
        assert staff.get("/staff").status_code == 303  # unused for the idle time: ended


def test_an_api_token_and_a_page_session_follow_the_same_token_version(url: str, deployed: Platform) -> None:
    with Browser(url) as staff:
        login(staff, "jsj.a", PASSWORD)
        token = staff.post("/api/v1/auth/token", json={"username": "jsj.a", "password": PASSWORD}).json()
        with deployed.write() as s:
            user = s.scalar(select(User).where(User.username == "jsj.a"))
            assert user is not None
            user.token_version += 1  # whatever bumps the version ends both
        assert staff.get("/staff").status_code == 303
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        assert staff.get("/api/v1/me", headers=headers).status_code == 401
