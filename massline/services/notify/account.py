"""我的留言: a citizen's optional account, opened by a one-time code sent to a contact.

No password: the citizen types an e-mail address or mobile number, a code is sent there
(only when some message was left with that contact; the answer is the same either way),
and the code opens a browser session bound to the contact's blind index, which lists every
message left with it. Codes are stored as keyed hashes, expire after a few minutes, are void
after a few wrong entries and after use.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from massline.models import LoginCode, Message, MessageContact
from massline.services.access import SESSION_ENDED
from massline.services.crypto import FieldCipher
from massline.services.errors import NotFound, ValidationFailed
from massline.services.notify.contacts import MOBILE_RE, channel_of, code_digest, email_problem, lookup_of
from massline.services.notify.outbox import Links, enqueue
from massline.services.notify.texts import code_text
from massline.services.sessions import live_session

CODE_SENT = "如果该联系方式留过言，验证码已发送，请注意查收。"
WRONG_CODE = "验证码不正确或已过期，请重新获取"


@dataclass(frozen=True)
class CodePolicy:
    """How long a login code lives and how many wrong entries void it."""

    lifetime: timedelta = timedelta(minutes=10)
    attempts: int = 5


def contact_key(cipher: FieldCipher, typed: str) -> tuple[str, str, str]:
    """Channel, normalised address and blind index of a typed contact; ValidationFailed when it is neither
    an e-mail address nor a mobile number."""
    channel, address = channel_of(typed)
    if not address:
        raise ValidationFailed({"contact": "请填写留言时留下的电子邮箱或手机号"})
    if channel == "email" and email_problem(address):
        raise ValidationFailed({"contact": "电子邮箱格式不正确（例如 name@example.com）"})
    if channel == "sms" and not MOBILE_RE.match(address):
        raise ValidationFailed({"contact": "请填写电子邮箱或 11 位手机号"})
    return channel, address, lookup_of(cipher, channel, address)


def check_request_code(
    session: Session, cipher: FieldCipher, links: Links, typed: str, now: datetime, policy: CodePolicy
) -> bool:
    """Send a new login code to ``typed`` when a message was left with it; True when sent (not shown).

    Earlier codes of the contact stop working; expired codes are deleted on the way.
    """
    channel, address, lookup = contact_key(cipher, typed)
    session.execute(delete(LoginCode).where(LoginCode.expires_at < now))
    if not session.scalar(select(exists().where(MessageContact.lookup == lookup))):
        return False
    session.execute(delete(LoginCode).where(LoginCode.lookup == lookup))
    code = f"{secrets.randbelow(10**6):06d}"
    session.add(LoginCode(lookup=lookup, code_hash=code_digest(cipher, lookup, code), attempts=0,
                          created_at=now, expires_at=now + policy.lifetime))  # fmt: skip
    minutes = int(policy.lifetime.total_seconds() // 60)
    enqueue(session, cipher, channel, address, code_text(links.site, code, minutes), now, purpose="login_code")
    return True


def check_login_code(
    session: Session, cipher: FieldCipher, typed: str, code: str, now: datetime, policy: CodePolicy
) -> str | None:
    """The contact's blind index when ``code`` is its live login code (then used up); otherwise None,
    the wrong entry counted in the caller's transaction (the code is void after ``policy.attempts``):
    commit it, then tell the citizen ``WRONG_CODE``."""
    _, _, lookup = contact_key(cipher, typed)
    row = session.scalar(
        select(LoginCode).where(LoginCode.lookup == lookup, LoginCode.used_at.is_(None), LoginCode.expires_at > now)
    )
    if row is None or row.attempts >= policy.attempts:
        return None
    if not hmac.compare_digest(row.code_hash, code_digest(cipher, lookup, code.strip())):
        row.attempts += 1
        return None
    row.used_at = now
    return lookup


def messages_of_contact(session: Session, lookup: str) -> list[Message]:
    """Every message left with the contact ``lookup`` names, newest first."""
    return list(session.scalars(
        select(Message)
        .where(Message.id.in_(select(MessageContact.message_id).where(MessageContact.lookup == lookup)))
        .order_by(Message.created_at.desc(), Message.id.desc())
    ))  # fmt: skip


def access_message_of_contact(session: Session, lookup: str, message_id: int) -> Message:
    """One message of the contact ``lookup``; NotFound when it is not theirs (or does not exist)."""
    message = session.scalar(
        select(Message).where(
            Message.id == message_id,
            Message.id.in_(select(MessageContact.message_id).where(MessageContact.lookup == lookup)),
        )
    )
    if message is None:
        raise NotFound()
    return message


def contact_of_session(session: Session, token: str, now: datetime, idle: timedelta) -> str:
    """The contact (blind index) whose account a live browser session holds; otherwise NotFound."""
    row = live_session(session, token, now, idle)
    if row is None or row.contact_lookup is None:
        raise NotFound(SESSION_ENDED)
    return row.contact_lookup
