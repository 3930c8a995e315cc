"""Staff accounts: login (throttled per address and username), adding users, resetting passwords,
one's own password change, deactivating and reactivating."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import ROLE_LABELS, ROLES, Office, Region, User, utcnow
from massline.services import audit
from massline.services.errors import NotFound, ValidationFailed
from massline.services.people.passwords import DEFAULT_PASSWORDS, Passwords, password_problem
from massline.services.ratelimit import RateLimiter
from massline.services.sessions import revoke_other_sessions, revoke_user_sessions

USERNAME_RE = re.compile(r"^[a-z0-9._-]{3,64}$")
LOGIN_FAILED = "用户名或密码错误"
THROTTLED = "登录失败次数过多，请稍后再试"
WRONG_CURRENT = "当前密码不正确"
MISMATCH = "两次输入的新密码不一致"
SAME_AS_OLD = "新密码不能与当前密码相同"


@dataclass
class LoginResult:
    """The outcome of a login attempt: the user, or a message for the person (``throttled``: answer 429)."""

    user: User | None
    error: str = ""
    throttled: bool = False


def check_login(
    session: Session,
    username: str,
    password: str,
    now: datetime,
    *,
    address: str = "",
    failures: RateLimiter | None = None,
    passwords: Passwords = DEFAULT_PASSWORDS,
) -> LoginResult:
    """Check credentials; failures count per (client address, username) in ``failures``.

    No account is ever locked: once an address has used up its failures for a
    username, that pair is throttled (another address, the owner's, still logs
    in). An unknown username, a disabled account, a wrong password and a
    throttled pair cost the same (one argon2 check) and say nothing about
    whether the account exists. Failures are returned, not raised, so the
    caller's transaction commits the count.
    """
    name = username.strip().lower()
    pair = f"{address}\0{name}"
    if failures is not None and failures.exceeded(session, pair, now):
        passwords.verify_nobody(password)  # the same cost as a real check
        return LoginResult(None, THROTTLED, throttled=True)
    user = session.scalar(select(User).where(User.username == name))
    if user is None or not user.is_active:
        passwords.verify_nobody(password)
        ok = False
    else:
        ok = passwords.verify(user.password_hash, password)
    if user is None or not ok:
        if failures is not None:
            failures.add(session, pair, now)
        return LoginResult(None, LOGIN_FAILED)
    if failures is not None:
        failures.forget(session, pair)
    audit.record(session, user, "login", "user", user.id)
    return LoginResult(user)


def generate_password() -> str:
    """A random password that satisfies the password rules."""
    while True:
        candidate = secrets.token_urlsafe(12)
        if password_problem(candidate) is None:
            return candidate


def _placement(
    session: Session, role: str, office_code: str | None, region_code: str | None, errors: dict[str, str]
) -> tuple[Office | None, Region | None]:
    """The office and region an account of ``role`` is placed in; problems are added to ``errors``."""
    if role not in ROLES:
        errors["role"] = "角色须为：" + "、".join(ROLE_LABELS[r] for r in ROLES)
    office = region = None
    if office_code:
        office = session.scalar(select(Office).where(Office.code == office_code))
        if office is None:
            errors["office"] = f"单位 {office_code} 不存在"
        elif role == "dispatcher" and not office.is_dispatch:
            errors["office"] = "派单员须属于派单中心"
    elif role in ("official", "dispatcher", "office_head"):
        errors["office"] = "该角色必须属于一个单位"
    if region_code:
        region = session.scalar(select(Region).where(Region.code == region_code))
        if region is None:
            errors["region"] = f"辖区 {region_code} 不存在"
    elif role == "leader":
        errors["region"] = "领导角色必须指定辖区"
    return office, region


def check_add_user(
    session: Session,
    username: str,
    display_name: str,
    role: str,
    *,
    office_code: str | None = None,
    region_code: str | None = None,
    password: str | None = None,
    actor: User | None = None,
    passwords: Passwords = DEFAULT_PASSWORDS,
) -> tuple[User, str]:
    """Create an account; returns it and its password (generated when not given)."""
    errors: dict[str, str] = {}
    name = username.strip().lower()
    if not USERNAME_RE.match(name):
        errors["username"] = "用户名须为 3–64 位小写字母、数字、点、下划线或短横线"
    elif session.scalar(select(User.id).where(User.username == name)) is not None:
        errors["username"] = "用户名已存在"
    office, region = _placement(session, role, office_code, region_code, errors)
    if password is not None and (problem := password_problem(password)):
        errors["password"] = problem
    if errors:
        raise ValidationFailed(errors)
    pw = password or generate_password()
    user = User(
        username=name,
        display_name=display_name.strip() or name,
        role=role,
        office=office,
        region=region,
        password_hash=passwords.hash(pw),
    )
    session.add(user)
    session.flush()
    audit.record(session, actor, "user_added", "user", user.id, username=name, role=role)
    return user, pw


def check_reset_password(
    session: Session,
    username: str,
    password: str | None = None,
    actor: User | None = None,
    passwords: Passwords = DEFAULT_PASSWORDS,
    *,
    keep_token: str = "",
) -> str:
    """Set a new password (generated when not given); every browser session of the user is revoked and
    old API tokens stop working. When the admin resets their own password, ``keep_token`` (their
    browser's session) stays logged in, as after changing one's own password."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(f"用户 {username} 不存在")
    if password is not None and (problem := password_problem(password)):
        raise ValidationFailed({"password": problem})
    pw = password or generate_password()
    user.password_hash = passwords.hash(pw)
    user.token_version += 1  # API tokens and page sessions name the version: both stop working
    if keep_token and actor is not None and actor.id == user.id:
        session.flush()
        revoke_other_sessions(session, user, keep_token, utcnow())
    else:
        revoke_user_sessions(session, user.id, utcnow())
    audit.record(session, actor, "password_reset", "user", user.id, username=user.username)
    return pw


def check_update_account(
    session: Session,
    actor: User,
    account: User,
    *,
    display_name: str,
    role: str,
    office_code: str | None,
    region_code: str | None,
) -> dict[str, list[str | None]]:
    """Change an account's name, role, office and region (the rules of ``check_add_user``; audited
    ``user_updated`` with the values before and after, returned). It takes effect at the account's next
    request; an admin cannot take the admin role from themselves."""
    errors: dict[str, str] = {}
    office, region = _placement(session, role, office_code, region_code, errors)
    if role == "citizen":
        errors["role"] = "工作人员账号不能改为群众角色"
    elif account.id == actor.id and role != account.role:
        errors["role"] = "不能更改自己的角色"
    name = display_name.strip() or account.username
    if len(name) > 100:
        errors["display_name"] = "姓名不能超过 100 个字"
    if errors:
        raise ValidationFailed(errors)

    def snapshot() -> dict[str, str | None]:
        return {"display_name": account.display_name, "role": account.role,
                "office": account.office.code if account.office else None,
                "region": account.region.code if account.region else None}

    before = snapshot()
    account.display_name, account.role, account.office, account.region = name, role, office, region
    after = snapshot()
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changed:
        session.flush()
        audit.record(session, actor, "user_updated", "user", account.id, username=account.username, **changed)
    return changed


@dataclass
class PasswordChange:
    """The outcome of changing one's own password: done, or the errors by field (``throttled``: answer 429)."""

    errors: dict[str, str]
    throttled: bool = False

    @property
    def done(self) -> bool:
        return not self.errors


def check_change_own_password(
    session: Session,
    user: User,
    current: str,
    new: str,
    repeat: str,
    now: datetime,
    *,
    keep_token: str,
    address: str = "",
    failures: RateLimiter | None = None,
    passwords: Passwords = DEFAULT_PASSWORDS,
) -> PasswordChange:
    """Change ``user``'s own password after checking the current one.

    A wrong current password counts as a failed login of the same address and
    username (``failures``, the login's limiter), so the form cannot be used to
    guess it faster than the login page. On success the user's API tokens stop
    working and every browser session but ``keep_token``'s (this browser's) is
    revoked. Errors are returned, not raised, so the caller's transaction
    commits the failure count.
    """
    pair = f"{address}\0{user.username}"
    if failures is not None and failures.exceeded(session, pair, now):
        passwords.verify_nobody(current)
        return PasswordChange({"current": THROTTLED}, throttled=True)
    if not passwords.verify(user.password_hash, current):
        if failures is not None:
            failures.add(session, pair, now)
        return PasswordChange({"current": WRONG_CURRENT})
    errors: dict[str, str] = {}
    if problem := password_problem(new):
        errors["new"] = problem
    elif new != repeat:
        errors["repeat"] = MISMATCH
    elif new == current:
        errors["new"] = SAME_AS_OLD
    if errors:
        return PasswordChange(errors)
    if failures is not None:
        failures.forget(session, pair)
    user.password_hash = passwords.hash(new)
    user.token_version += 1
    session.flush()
    ended = revoke_other_sessions(session, user, keep_token, now)
    audit.record(session, user, "password_changed", "user", user.id, other_sessions_ended=ended)
    return PasswordChange({})


def check_set_active(session: Session, actor: User, account: User, active: bool, now: datetime) -> None:
    """Deactivate (its sessions and API tokens end at once) or reactivate ``account``; an admin cannot
    deactivate their own account (the platform would be left without anyone to undo it)."""
    if not active and account.id == actor.id:
        raise ValidationFailed({"active": "不能停用自己的账号"})
    if account.is_active == active:
        return
    account.is_active = active
    if not active:
        account.token_version += 1
        revoke_user_sessions(session, account.id, now)
    action = "user_reactivated" if active else "user_deactivated"
    audit.record(session, actor, action, "user", account.id, username=account.username)


def user_for_token(session: Session, user_id: int, token_version: int) -> User:
    """The active user a session/API token names, if the token is still current."""
    user = session.get(User, user_id)
    if user is None or not user.is_active or user.token_version != token_version:
        raise NotFound("登录已失效，请重新登录")
    return user
