"""Idempotency keys: a repeated submission stores one message, never two.

A client names a submission with a key (the API's ``Idempotency-Key`` header,
the portal form's one-time token). The key is written in the transaction that
stores the message (``submission_keys``, primary key = SHA-256 of channel and
key), so a retry finds it even when the process died between commit and
answer, and two concurrent requests with one key cannot both commit: the
second one's INSERT conflicts (or waits for the first, on PostgreSQL) and it
is answered with the first one's message.

The secret is shown once and stored hashed; to answer a replay with it, it is
also kept encrypted (``FieldCipher``) beside the key for ``REPLAY_WINDOW``,
then cleared (by the next keyed submission, at most once a minute per
process): a later replay is answered without it. The key is bound to the
request's content: the same key with another message is refused (``Conflict``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from massline.models import Message, SubmissionKey
from massline.services.crypto import FieldCipher
from massline.services.errors import Conflict

REPLAY_WINDOW = timedelta(hours=24)
KEY_MAX = 200
REUSED = "该幂等键（Idempotency-Key）已用于另一条留言"


@dataclass(frozen=True)
class Replay:
    """What a repeated request is answered with: the message stored first and, within the
    replay window, its secret."""

    message: Message
    secret: str | None


def key_digest(channel: str, key: str) -> str:
    """The stored form of a key: keys of different channels never collide."""
    return hashlib.sha256(f"{channel}\0{key}".encode()).hexdigest()


def request_digest(fields: object) -> str:
    """A fingerprint of what was submitted (a flat dataclass), to refuse a key reused for other content."""
    text = json.dumps(vars(fields), ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


_KEYS: Table = SubmissionKey.__table__  # type: ignore[assignment]
_FIND = select(_KEYS.c.request_hash, _KEYS.c.message_id, _KEYS.c.secret_encrypted, _KEYS.c.created_at).where(
    _KEYS.c.key_hash == bindparam("key_hash")
)
_RECORD = insert(_KEYS)
_FORGET_EVERY = timedelta(minutes=1)
_forgotten_at: datetime | None = None  # when this process last cleared old secrets (by the callers' clock)


def find(session: Session, cipher: FieldCipher, key_hash: str, request_hash: str, now: datetime) -> Replay | None:
    """The earlier submission under this key, or None; raises Conflict for other content."""
    row = session.execute(_FIND, {"key_hash": key_hash}).first()
    if row is None:
        return None
    stored_hash, message_id, secret_encrypted, created_at = row
    if stored_hash != request_hash:
        raise Conflict(REUSED)
    message = session.get(Message, message_id)
    assert message is not None  # the key goes with its message (ON DELETE CASCADE)
    kept = secret_encrypted is not None and created_at > now - REPLAY_WINDOW
    return Replay(message, cipher.decrypt(secret_encrypted) if kept else None)


def record(
    session: Session, cipher: FieldCipher, key_hash: str, request_hash: str, message_id: int, secret: str, now: datetime
) -> None:
    """Write the key of a just-stored message (a concurrent twin's key conflicts here:
    IntegrityError) and, once a minute, clear the secrets kept past the replay window."""
    global _forgotten_at
    session.execute(
        _RECORD,
        {
            "key_hash": key_hash,
            "request_hash": request_hash,
            "message_id": message_id,
            "secret_encrypted": cipher.encrypt(secret),
            "created_at": now,
        },
    )
    if _forgotten_at is None or not _forgotten_at <= now < _forgotten_at + _FORGET_EVERY:
        forget_secrets(session, now)
        _forgotten_at = now


def forget_secrets(session: Session, now: datetime) -> int:
    """Clear the kept secrets older than the replay window; returns how many."""
    result = session.execute(
        update(_KEYS)
        .where(_KEYS.c.secret_encrypted.is_not(None), _KEYS.c.created_at <= now - REPLAY_WINDOW)
        .values(secret_encrypted=None)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
