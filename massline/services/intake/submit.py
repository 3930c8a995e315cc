"""Intake: a citizen's submission becomes a routed message with a tracking code."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy.orm import Session

from massline.models import KINDS, STATUS_LABELS, Message
from massline.services.access import secret_digest
from massline.services.crypto import FieldCipher
from massline.services.dbapi import DbapiInsert
from massline.services.errors import ValidationFailed
from massline.services.routing import routing_table, suggest_category

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 letters, no 0/O or 1/I
assert len(CODE_ALPHABET) == 32
CITIZEN_KINDS = ("投诉", "求助", "咨询", "建言", "表扬")
PHONE_RE = re.compile(r"^(?:\+?86[- ]?)?1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$")
TITLE_MAX, BODY_MIN, BODY_MAX = 60, 10, 5000


@dataclass
class MessageInput:
    """What a citizen (or an importer) submits. Strings as typed; checked by check_submit."""

    title: str
    body: str
    kind: str
    region: str = ""
    category: str = ""
    addressee_office: str = ""
    addressee_leader: int | None = None
    author_name: str = ""
    contact_phone: str = ""
    is_public: bool = True
    source: str = "web"
    external_id: str | None = None


@dataclass
class Submitted:
    """A new message and the secret that is shown to the citizen once."""

    id: int
    tracking_code: str
    secret: str
    status: str
    office: str | None
    _session: Session | None = field(default=None, repr=False)

    @property
    def status_label(self) -> str:
        """The status in Chinese."""
        return STATUS_LABELS[self.status]

    @cached_property
    def message(self) -> Message:
        """The stored message (loaded on first use, inside the same transaction)."""
        if self._session is None:
            raise RuntimeError("the message is only loaded inside the transaction that stored it")
        message = self._session.get(Message, self.id)
        assert message is not None
        return message


@dataclass
class PreparedSubmission:
    """A validated, routed submission: the rows to insert and what the citizen is told.

    Built by ``prepare_submit`` (no writes) and stored by ``do_store_submissions``.
    """

    message: dict[str, Any]
    events: list[dict[str, Any]]
    secret: str
    office: str | None


def _random_code(length: int) -> str:
    # one urandom read per code; 256 is a multiple of the 32 letters, so every letter is equally likely
    return "".join(CODE_ALPHABET[b & 31] for b in secrets.token_bytes(length))


def new_tracking_code() -> str:
    """A random, unambiguous tracking code such as ``ML7K3Q9XW2``."""
    return "ML" + _random_code(8)


def new_secret() -> str:
    """A random secret for following a case without an account."""
    return _random_code(10)


def validate_input(session: Session, data: MessageInput, *, allowed_kinds: tuple[str, ...] = KINDS) -> dict[str, Any]:
    """Check every field; raise ValidationFailed with all problems at once.

    Returns the resolved ids (``region_id``, ``category_id``, ``office_id``,
    ``leader_id``; None when not given) and the normalised ``phone``.
    """
    table = routing_table(session)
    errors: dict[str, str] = {}
    title, body = data.title.strip(), data.body.strip()
    if not title:
        errors["title"] = "请填写标题"
    elif len(title) > TITLE_MAX:
        errors["title"] = f"标题不能超过 {TITLE_MAX} 个字（现有 {len(title)} 个）"
    if len(body) < BODY_MIN:
        errors["body"] = f"请把问题写清楚，内容至少 {BODY_MIN} 个字"
    elif len(body) > BODY_MAX:
        errors["body"] = f"内容不能超过 {BODY_MAX} 个字（现有 {len(body)} 个）"
    if data.kind not in allowed_kinds:
        errors["kind"] = "请选择留言类型：" + "、".join(allowed_kinds)
    region_id = table.region_by_code.get(data.region) if data.region else None
    if data.region and region_id is None:
        errors["region"] = "所选区域不存在，请重新选择"
    category_id = table.category_by_path.get(data.category) if data.category else None
    if data.category and category_id is None:
        errors["category"] = "所选领域不存在，请重新选择"
    office_id = table.office_by_code.get(data.addressee_office) if data.addressee_office else None
    if data.addressee_office and office_id is None:
        errors["addressee"] = "所选单位不存在，请重新选择"
    leader_id = data.addressee_leader
    if leader_id is not None:
        if leader_id not in table.leader_office:
            errors["addressee"] = "所选领导不存在，请重新选择"
        elif office_id is None:
            office_id = table.leader_office[leader_id]
    phone = re.sub(r"[\s-]", "", data.contact_phone)
    if phone and not PHONE_RE.match(phone):
        errors["contact_phone"] = "联系电话格式不正确（手机号 11 位，或区号-座机号）"
    if len(data.author_name.strip()) > 50:
        errors["author_name"] = "称呼不能超过 50 个字"
    if errors:
        raise ValidationFailed(errors)
    return {
        "region_id": region_id,
        "category_id": category_id,
        "office_id": office_id,
        "leader_id": leader_id,
        "phone": phone,
    }


def prepare_submit(
    session: Session,
    cipher: FieldCipher,
    data: MessageInput,
    now: datetime,
    *,
    allowed_kinds: tuple[str, ...] = KINDS,
) -> PreparedSubmission:
    """Validate and route a submission and build its rows; writes nothing.

    Raises ValidationFailed (with every problem) before anything is built.
    Resolves everything from the cached routing table, so this is cheap.
    """
    refs = validate_input(session, data, allowed_kinds=allowed_kinds)
    table = routing_table(session)
    title, body = data.title.strip(), data.body.strip()
    category_id = refs["category_id"]
    if category_id is None:
        suggested = suggest_category(session, title + "\n" + body)
        category_id = suggested.id if suggested is not None else None
    office_id = refs["office_id"]
    if office_id is None and refs["region_id"] is not None and category_id is not None:
        office_id = table.route(refs["region_id"], category_id)
    due = now + timedelta(days=table.days(category_id, data.kind)) if office_id is not None else None
    secret = new_secret()
    row = {
        "tracking_code": new_tracking_code(),
        "secret_hash": secret_digest(secret),
        "title": title,
        "body": body,
        "kind": data.kind,
        "region_id": refs["region_id"],
        "category_id": category_id,
        "addressee_office_id": refs["office_id"],
        "addressee_leader_id": refs["leader_id"],
        "office_id": office_id,
        "status": "assigned" if office_id is not None else "received",
        "is_public": data.is_public,
        "author_name": data.author_name.strip() or "匿名网友",
        "contact_encrypted": cipher.encrypt(refs["phone"]) if refs["phone"] else None,
        "source": data.source,
        "external_id": data.external_id,
        "support_count": 0,
        "reopen_count": 0,
        "escalated": False,
        "created_at": now,
        "updated_at": now,
        "due_at": due,
        "search_pending": True,  # indexed by the worker (services/search_backlog), found by substring meanwhile
    }
    events = [_event_row("submitted", None, "received", None, None, now)]
    office = table.office_names[office_id] if office_id is not None else None
    if office_id is not None:
        events.append(_event_row("routed", "received", "assigned", office_id, office, now))
    return PreparedSubmission(row, events, secret, office)


def do_store_submissions(session: Session, prepared: Sequence[PreparedSubmission]) -> list[Submitted]:
    """Insert prepared submissions (messages and their events) in the caller's transaction.

    The messages are marked ``search_pending``: the worker adds them to the
    search index (``services/search_backlog``).

    Several submissions are written with one multi-row INSERT per table; the
    results come back in the order given.
    """
    if not prepared:
        return []
    ids = _insert_messages(session, [p.message for p in prepared])
    pairs = list(zip(prepared, ids, strict=True))
    _insert_events(session, [{**event, "message_id": mid} for p, mid in pairs for event in p.events])
    return [
        Submitted(
            id=mid,
            tracking_code=p.message["tracking_code"],
            secret=p.secret,
            status=p.message["status"],
            office=p.office,
            _session=session,
        )
        for p, mid in pairs
    ]


def check_submit(
    session: Session,
    cipher: FieldCipher,
    data: MessageInput,
    now: datetime,
    *,
    allowed_kinds: tuple[str, ...] = KINDS,
) -> Submitted:
    """Validate, store and route a new message in the caller's transaction (indexed for search by the worker).

    This is the platform's hottest write: ``prepare_submit`` resolves
    everything from the cached routing table and ``do_store_submissions``
    writes two INSERTs (the message, its events) on the DBAPI
    cursor (``services.dbapi``) instead of the ORM unit of work.
    ``SubmissionWriter`` runs the same two steps for many concurrent
    submissions in one transaction.
    """
    prepared = prepare_submit(session, cipher, data, now, allowed_kinds=allowed_kinds)
    return do_store_submissions(session, [prepared])[0]


def _event_row(
    type_: str,
    from_status: str | None,
    to_status: str,
    office_id: int | None,
    note: str | None,
    now: datetime,
) -> dict[str, Any]:
    return {
        "type": type_,
        "from_status": from_status,
        "to_status": to_status,
        "actor_id": None,
        "office_id": office_id,
        "note": note,
        "is_public": True,
        "data": {},
        "created_at": now,
    }


# The INSERTs of a submission, compiled once per dialect and run on the
# DBAPI cursor (``services.dbapi``): SQLAlchemy's per-call and per-row Python
# cost was larger than SQLite's own work. Message ids come back in row order.
_TABLES = Message.metadata.tables
_INSERT_MESSAGE = DbapiInsert(_TABLES["messages"], returning="id")
_INSERT_EVENT = DbapiInsert(_TABLES["message_events"])


def _insert_messages(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    return [int(i) for i in _INSERT_MESSAGE.execute(session, rows)]


def _insert_events(session: Session, rows: list[dict[str, Any]]) -> None:
    _INSERT_EVENT.execute(session, rows)

