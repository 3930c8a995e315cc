"""Staff change their own password; the admin lists, creates, deactivates, reactivates and resets accounts.
Every change is audited; only the admin reaches the admin pages."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from massline.models import AuditLog, User
from massline.platform import Platform
from tests.conftest import PASSWORD
from tests.web_helpers import Browser, freeze_mid_window, login, serve

NEW = "Fresh-password-789"
SHOWN = re.compile(r'id="shown-password">([^<]+)<')


@pytest.fixture
def url(deployed: Platform) -> Iterator[str]:
    with serve(deployed) as base:
        yield base


def _audit(platform: Platform, action: str) -> list[AuditLog]:
    """The audit rows of ``action`` that a person caused (the test set-up's resets have no actor)."""
    with platform.read() as s:
        return list(s.scalars(
            select(AuditLog).where(AuditLog.action == action, AuditLog.actor_id.is_not(None)).order_by(AuditLog.id)
        ))


def _user(platform: Platform, username: str) -> User:
    with platform.read() as s:
        user = s.scalar(select(User).where(User.username == username))
        assert user is not None
        s.expunge(user)
        return user


def _change(browser: Browser, current: str, new: str, repeat: str | None = None):
    data = {"current": current, "new": new, "repeat": new if repeat is None else repeat}
    return browser.post_form("/staff/password", data, form_page="/staff/password")


# ---- one's own password --------------------------------------------------------------------


def test_wrong_current_password_is_refused(url: str, deployed: Platform) -> None:
    with Browser(url) as staff:
        login(staff, "jsj.a", PASSWORD)
        r = _change(staff, "Not-my-password-1", NEW)
        assert r.status_code == 422 and "当前密码不正确" in r.text
    assert _audit(deployed, "password_changed") == []


@pytest.mark.parametrize(
    ("new", "repeat", "message"),
    [
        (NEW, "Other-password-789", "两次输入的新密码不一致"),
        ("short1", "short1", "密码至少 10 位"),
        ("onlyletterspassword", "onlyletterspassword", "密码须同时包含字母和数字"),
        (PASSWORD, PASSWORD, "新密码不能与当前密码相同"),
    ],
)
def test_a_bad_new_password_is_refused_with_its_reason(url: str, new: str, repeat: str, message: str) -> None:
    with Browser(url) as staff:
        login(staff, "jsj.a", PASSWORD)
        r = _change(staff, PASSWORD, new, repeat)
        assert r.status_code == 422 and message in r.text
        login(Browser(url), "jsj.a", PASSWORD)  # the password did not change


def test_changing_ones_password_keeps_this_session_and_ends_the_others(url: str, deployed: Platform) -> None:
    with Browser(url) as here, Browser(url) as there, Browser(url) as colleague:
        login(here, "jsj.a", PASSWORD)
        login(there, "jsj.a", PASSWORD)
        login(colleague, "jsj.b", PASSWORD)
        r = _change(here, PASSWORD, NEW)
        assert r.status_code == 303 and r.headers["location"] == "/staff"
        assert "密码已修改" in here.follow(r).text
        assert here.get("/staff").status_code == 200  # this browser stays logged in
        assert there.get("/staff").status_code == 303  # the other session of the user ended
        assert colleague.get("/staff").status_code == 200  # another user's did not
    with Browser(url) as old:
        r = old.post_form("/staff/login", {"username": "jsj.a", "password": PASSWORD}, form_page="/staff/login")
        assert r.status_code == 401
    with Browser(url) as new:
        login(new, "jsj.a", NEW)
    # the API accepts the new password only
    with Browser(url) as api:
        assert api.post("/api/v1/auth/token", json={"username": "jsj.a", "password": PASSWORD}).status_code == 401
        assert api.post("/api/v1/auth/token", json={"username": "jsj.a", "password": NEW}).status_code == 200
    [row] = _audit(deployed, "password_changed")
    jsj = _user(deployed, "jsj.a")
    assert (row.actor_id, row.object_id, row.detail["other_sessions_ended"]) == (jsj.id, jsj.id, 1)


def test_wrong_current_passwords_are_throttled_like_logins(
    url: str, deployed: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze_mid_window(deployed, monkeypatch, deployed.settings.lockout_minutes * 60)
    with Browser(url) as staff:
        login(staff, "jsj.a", PASSWORD)
        statuses = [_change(staff, f"Wrong-password-{i}", NEW).status_code
                    for i in range(deployed.settings.lockout_threshold + 1)]
        assert statuses[0] == 422 and statuses[-1] == 429
        r = _change(staff, PASSWORD, NEW)  # even the right one, while throttled
        assert r.status_code == 429 and "登录失败次数过多" in r.text


# ---- the admin's pages -----------------------------------------------------------------------


@pytest.mark.parametrize("username", ["jsj.a", "jsj.head", "disp", "mayor", "sup"])
def test_only_the_admin_reaches_the_admin_pages(url: str, deployed: Platform, username: str) -> None:
    target = _user(deployed, "jsj.b")
    with Browser(url) as staff:
        login(staff, username, PASSWORD)
        assert "账号管理" not in staff.get("/staff").text
        for path in ("/staff/admin/users", f"/staff/admin/users/{target.id}", "/staff/admin/offices"):
            r = staff.get(path)
            assert r.status_code == 403 and "您无权执行此操作" in r.text, path
        for path, data in (
            ("/staff/admin/users", {"username": "new.one", "display_name": "新人", "role": "official",
                                    "office": "cs-jsj"}),
            (f"/staff/admin/users/{target.id}/active", {"active": "0"}),
            (f"/staff/admin/users/{target.id}/password", {}),
            (f"/staff/admin/users/{target.id}", {"display_name": "x", "role": "admin"}),
        ):
            r = staff.post_form(path, data, form_page="/staff")
            assert r.status_code == 403, path
    assert _user(deployed, "jsj.b").is_active
    with deployed.read() as s:
        assert s.scalar(select(User).where(User.username == "new.one")) is None
    assert _audit(deployed, "password_reset") == []


def test_the_admin_creates_an_account_whose_password_is_shown_once(url: str, deployed: Platform) -> None:
    with Browser(url) as admin:
        login(admin, "admin", PASSWORD)
        listing = admin.get("/staff/admin/users")
        assert listing.status_code == 200 and "jsj.head" in listing.text and "住建科长" in listing.text
        bad = admin.post_form("/staff/admin/users", {"username": "jsj.a", "display_name": "重名", "role": "official",
                                                     "office": "cs-jsj"}, form_page="/staff/admin/users")
        assert bad.status_code == 422 and "用户名已存在" in bad.text
        r = admin.post_form("/staff/admin/users", {"username": "jsj.c", "display_name": "住建经办丙",
                                                   "role": "official", "office": "cs-jsj"},
                            form_page="/staff/admin/users")
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
        match = SHOWN.search(r.text)
        assert match
        assert SHOWN.search(admin.get("/staff/admin/users").text) is None  # shown once
    with Browser(url) as newcomer:
        login(newcomer, "jsj.c", match.group(1))
        assert newcomer.get("/staff").status_code == 200
    admin_id = _user(deployed, "admin").id
    [row] = _audit(deployed, "user_added")[-1:]
    assert (row.actor_id, row.detail) == (admin_id, {"username": "jsj.c", "role": "official"})


def test_the_admin_deactivates_and_reactivates_an_account(url: str, deployed: Platform) -> None:
    target = _user(deployed, "jsj.b")
    with Browser(url) as admin, Browser(url) as staff:
        login(admin, "admin", PASSWORD)
        login(staff, "jsj.b", PASSWORD)
        r = admin.post_form(f"/staff/admin/users/{target.id}/active", {"active": "0"}, form_page="/staff/admin/users")
        assert "已停用" in admin.follow(r).text
        assert staff.get("/staff").status_code == 303  # the session ended at once
        refused = staff.post_form("/staff/login", {"username": "jsj.b", "password": PASSWORD},
                                  form_page="/staff/login")
        assert refused.status_code == 401
        r = admin.post_form(f"/staff/admin/users/{target.id}/active", {"active": "1"}, form_page="/staff/admin/users")
        assert "已启用" in admin.follow(r).text
        login(staff, "jsj.b", PASSWORD)
        # the admin cannot lock themselves out
        me = _user(deployed, "admin")
        r = admin.post_form(f"/staff/admin/users/{me.id}/active", {"active": "0"}, form_page="/staff/admin/users")
        assert "不能停用自己的账号" in admin.follow(r).text
        assert admin.get("/staff/admin/users").status_code == 200
    admin_id = _user(deployed, "admin").id
    rows = _audit(deployed, "user_deactivated") + _audit(deployed, "user_reactivated")
    assert [(a.action, a.actor_id, a.object_id, a.detail["username"]) for a in rows] == [
        ("user_deactivated", admin_id, target.id, "jsj.b"),
        ("user_reactivated", admin_id, target.id, "jsj.b"),
    ]


def test_the_admin_resets_a_password(url: str, deployed: Platform) -> None:
    target = _user(deployed, "jsj.b")
    with Browser(url) as admin, Browser(url) as staff:
        login(admin, "admin", PASSWORD)
        login(staff, "jsj.b", PASSWORD)
        r = admin.post_form(f"/staff/admin/users/{target.id}/password", {}, form_page="/staff/admin/users")
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store" and "密码已重置" in r.text
        match = SHOWN.search(r.text)
        assert match
        assert staff.get("/staff").status_code == 303
        login(staff, "jsj.b", match.group(1))
        missing = admin.post_form("/staff/admin/users/987654/password", {}, form_page="/staff/admin/users")
        assert missing.status_code == 404
    [row] = _audit(deployed, "password_reset")
    assert (row.actor_id, row.object_id, row.detail) == (_user(deployed, "admin").id, target.id, {"username": "jsj.b"})


def test_the_offices_page_marks_offices_nobody_can_handle(url: str, deployed: Platform) -> None:
    with Browser(url) as admin:
        login(admin, "admin", PASSWORD)
        page = admin.get("/staff/admin/offices")
        assert page.status_code == 200
    rows = re.findall(r'<tr( class="unstaffed")?>\s*<td><span class="code">([^<]+)</span>', page.text)
    marked = {code for cls, code in rows if cls}
    staffed = {code for cls, code in rows if not cls}
    assert "cs-jsj" in staffed and "cs-rsj" in staffed
    assert "cs-jsj" not in marked and marked  # mini.yaml leaves some offices without staff


def test_the_admin_changes_an_accounts_role_and_office(url: str, deployed: Platform) -> None:
    target = _user(deployed, "jsj.b")
    with Browser(url) as admin, Browser(url) as staff:
        login(admin, "admin", PASSWORD)
        login(staff, "jsj.b", PASSWORD)
        form = admin.get(f"/staff/admin/users/{target.id}")
        assert form.status_code == 200 and "住建经办乙" in form.text
        edit = f"/staff/admin/users/{target.id}"
        for data, message in (
            ({"display_name": "x", "role": "leader"}, "领导角色必须指定辖区"),
            ({"display_name": "x", "role": "dispatcher", "office": "cs-jsj"}, "派单员须属于派单中心"),
            ({"display_name": "x", "role": "official"}, "该角色必须属于一个单位"),
            ({"display_name": "x", "role": "boss", "office": "cs-jsj"}, "角色须为：群众"),
            ({"display_name": "x", "role": "citizen"}, "工作人员账号不能改为群众角色"),
        ):
            bad = admin.post_form(edit, data, form_page="/staff/admin/users")
            assert bad.status_code == 422 and message in bad.text, message
        assert _user(deployed, "jsj.b").role == "official"
        r = admin.post_form(edit, {"display_name": "人社科长", "role": "office_head", "office": "cs-rsj"},
                            form_page="/staff/admin/users")
        assert "账号 jsj.b 已修改" in admin.follow(r).text
        # at the account's next request: now the head of the other office, its session kept
        assert "人社科长" in staff.get("/staff").text
        me = _user(deployed, "admin")
        own = admin.post_form(f"/staff/admin/users/{me.id}", {"display_name": "管理员", "role": "official",
                                                              "office": "cs-jsj"}, form_page="/staff/admin/users")
        assert own.status_code == 422 and "不能更改自己的角色" in own.text
    changed = _user(deployed, "jsj.b")
    assert (changed.role, changed.display_name) == ("office_head", "人社科长")
    [row] = _audit(deployed, "user_updated")
    assert row.detail == {"username": "jsj.b", "display_name": ["住建经办乙", "人社科长"],
                          "role": ["official", "office_head"], "office": ["cs-jsj", "cs-rsj"]}


def test_an_admin_resetting_their_own_password_stays_logged_in_here(url: str, deployed: Platform) -> None:
    me = _user(deployed, "admin")
    with Browser(url) as here, Browser(url) as there:
        login(here, "admin", PASSWORD)
        login(there, "admin", PASSWORD)
        r = here.post_form(f"/staff/admin/users/{me.id}/password", {}, form_page="/staff/admin/users")
        assert r.status_code == 200 and "此浏览器保持登录" in r.text
        match = SHOWN.search(r.text)
        assert match
        assert here.get("/staff/admin/users").status_code == 200  # not silently logged out
        assert there.get("/staff").status_code == 303  # the other session ended
    with Browser(url) as again:
        login(again, "admin", match.group(1))
    [row] = _audit(deployed, "password_reset")
    assert (row.actor_id, row.object_id) == (me.id, me.id)
