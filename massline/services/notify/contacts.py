"""Citizens' contacts: validated, normalised, stored encrypted with a keyed blind index.

A message's e-mail address and phone number are rows of ``MessageContact``: the address
encrypted (``crypto.FieldCipher``), ``lookup`` the cipher's blind index of the channel and
the normalised address (an HMAC with a key derived from the platform's encryption key, so
equal contacts are found without decrypting and nobody without the key can test a guess).
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.orm import Session

from massline.analysis.text import fold
from massline.models import MessageContact
from massline.services.crypto import FieldCipher
from massline.services.errors import NotFound

EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+$", re.ASCII)
MOBILE_RE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9})$", re.ASCII)
EMAIL_MAX = 254


def normal_email(typed: str) -> str:
    """An e-mail address as stored and looked up: full-width folded, trimmed, lower case ("" when blank)."""
    return fold(typed).strip().lower()


def email_problem(address: str) -> str | None:
    """Why ``address`` (normalised) is not an e-mail address, in Chinese; None when it is one or empty."""
    if address and (len(address) > EMAIL_MAX or not EMAIL_RE.match(address)):
        return "电子邮箱格式不正确（例如 name@example.com）"
    return None


def normal_phone(phone: str) -> str:
    """A phone number as looked up: spaces and dashes dropped, a mobile number without +86."""
    bare = re.sub(r"[\s-]", "", fold(phone))
    mobile = MOBILE_RE.match(bare)
    return mobile.group(1) if mobile else bare


def channel_of(typed: str) -> tuple[str, str]:
    """The channel (``email`` or ``sms``) and normalised address of a contact a citizen typed."""
    if "@" in typed:
        return "email", normal_email(typed)
    return "sms", normal_phone(typed)


def lookup_of(cipher: FieldCipher, channel: str, address: str) -> str:
    """The blind index of a normalised contact."""
    return cipher.blind_index(f"{channel}:{address}")


def contact_rows(cipher: FieldCipher, *, phone: str, email: str, notify: bool, at: datetime) -> list[dict[str, Any]]:
    """The ``message_contacts`` rows of a new message (``message_id`` filled in when stored).

    A landline is kept for lookup but never notified (SMS reaches mobile numbers only).
    """
    rows = []
    if email:
        rows.append(_row(cipher, "email", normal_email(email), notify, at))
    if phone:
        address = normal_phone(phone)
        rows.append(_row(cipher, "sms", address, notify and bool(MOBILE_RE.match(address)), at))
    return rows


def _row(cipher: FieldCipher, channel: str, address: str, notify: bool, at: datetime) -> dict[str, Any]:
    return {
        "message_id": None, "channel": channel, "address_encrypted": cipher.encrypt(address),
        "lookup": lookup_of(cipher, channel, address), "notify": notify, "created_at": at,
    }  # fmt: skip


_INSERT = insert(cast(Table, MessageContact.__table__))


def write_contacts(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Insert new messages' contact rows (``contact_rows`` with ``message_id``) in the caller's transaction."""
    if rows:
        session.execute(_INSERT, list(rows))


def contacts_of(session: Session, message_id: int) -> list[MessageContact]:
    """The contacts given with a message."""
    return list(session.scalars(select(MessageContact).where(MessageContact.message_id == message_id)))


def unsubscribe_token(cipher: FieldCipher, message_id: int) -> str:
    """The token of a message's unsubscribe link (``/notify/off/<token>``): its id and a keyed check."""
    return f"{message_id}-{_check(cipher, message_id)}"


def _check(cipher: FieldCipher, message_id: int) -> str:
    return cipher.blind_index(f"unsubscribe:{message_id}")[:24]


def message_of_token(cipher: FieldCipher, token: str) -> int:
    """The message an unsubscribe token names; NotFound when it was not issued by this platform."""
    head, _, check = token.partition("-")
    if not head.isdigit() or len(head) > 12:
        raise NotFound("退订链接无效")
    if not hmac.compare_digest(check.encode(), _check(cipher, int(head)).encode()):
        raise NotFound("退订链接无效")
    return int(head)


def do_unsubscribe(session: Session, message_id: int) -> int:
    """Stop the notifications of a message (every channel); returns how many contacts were still notified."""
    result = session.execute(
        update(MessageContact)
        .where(MessageContact.message_id == message_id, MessageContact.notify.is_(True))
        .values(notify=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def code_digest(cipher: FieldCipher, lookup: str, code: str) -> str:
    """Stored form of a one-time login code: keyed by the platform and bound to its contact."""
    return cipher.blind_index(f"code:{lookup}:{code}")
