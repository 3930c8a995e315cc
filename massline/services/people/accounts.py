"""Staff accounts: login (throttled per address and username), adding users, resetting passwords."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import ROLES, Office, Region, User, utcnow
from massline.services import audit
from massline.services.errors import NotFound, ValidationFailed
from massline.services.people.passwords import DEFAULT_PASSWORDS, Passwords, password_problem
from massline.services.ratelimit import RateLimiter
from massline.services.sessions import revoke_user_sessions

USERNAME_RE = re.compile(r"^[a-z0-9._-]{3,64}$")
LOGIN_FAILED = "用户名或密码错误"
THROTTLED = "登录失败次数过多，请稍后再试"


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
    if role not in ROLES:
        errors["role"] = "角色须为：" + ", ".join(ROLES)
    office = region = None
    if office_code:
        office = session.scalar(select(Office).where(Office.code == office_code))
        if office is None:
            errors["office"] = f"单位 {office_code} 不存在"
    elif role in ("official", "dispatcher", "office_head"):
        errors["office"] = "该角色必须属于一个单位"
    if region_code:
        region = session.scalar(select(Region).where(Region.code == region_code))
        if region is None:
            errors["region"] = f"辖区 {region_code} 不存在"
    elif role == "leader":
        errors["region"] = "领导角色必须指定辖区"
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
) -> str:
    """Set a new password (generated when not given); every browser session of the user is revoked and
    old API tokens stop working."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(f"用户 {username} 不存在")
    if password is not None and (problem := password_problem(password)):
        raise ValidationFailed({"password": problem})
    pw = password or generate_password()
    user.password_hash = passwords.hash(pw)
    user.token_version += 1  # API tokens and page sessions name the version: both stop working
    revoke_user_sessions(session, user.id, utcnow())
    audit.record(session, actor, "password_reset", "user", user.id)
    return pw


def user_for_token(session: Session, user_id: int, token_version: int) -> User:
    """The active user a session/API token names, if the token is still current."""
    user = session.get(User, user_id)
    if user is None or not user.is_active or user.token_version != token_version:
        raise NotFound("登录已失效，请重新登录")
    return user
