"""Intake: a submission becomes a routed message with a tracking code — the one way in.

Every channel (portal form, JSON API, bulk import, demo loader) stores a
message and its case history with ``store_submissions``: one Core ``INSERT``
of the messages (executemany, ids returned) and their events through
``events.write_events``, with the rows of ``message_row`` and
``submission_events``. ``check_submit`` is the single-submission entry:
validate, route, store, in the caller's transaction — once per idempotency
key when one is given (``intake.keys``).
"""

from __future__ import annotations

import dataclasses
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from massline.analysis.text import clean_text, fold, has_visible_text
from massline.models import ANONYMOUS_AUTHOR, KINDS, STATUS_LABELS, Message
from massline.services import notify
from massline.services.access import secret_digest
from massline.services.crypto import FieldCipher
from massline.services.errors import ValidationFailed
from massline.services.events import event_row, write_events
from massline.services.intake import keys
from massline.services.intake.review import review_columns
from massline.services.routing import routing_table, suggest_category

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # 32 letters, no 0/O or 1/I
assert len(CODE_ALPHABET) == 32
#: a short explanation of the kinds whose name alone may not say what they are for (the form shows it)
KIND_NOTES = {"举报": "举报：反映公职人员违纪违法、失职渎职等行为。举报人的联系方式不会公开。"}
PHONE_RE = re.compile(r"^(?:\+?86[- ]?)?1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$", re.ASCII)
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
    contact_email: str = ""
    notify: bool = False  # tell the citizen of the case's steps through the contacts (services.notify)
    is_public: bool = True
    source: str = "web"
    external_id: str | None = None


def cleaned(data: MessageInput) -> MessageInput:
    """``data`` with every text field through ``analysis.text.clean_text`` (control, surrogate
    and invisible characters removed): what is validated, stored and shown."""
    changes: dict[str, Any] = {
        f.name: clean_text(value)
        for f in dataclasses.fields(data)
        if isinstance(value := getattr(data, f.name), str) and not (value.isascii() and value.isprintable())
    }
    return dataclasses.replace(data, **changes) if changes else data


@dataclass
class Submitted:
    """A new message and the secret that is shown to the citizen once."""

    id: int
    tracking_code: str
    secret: str | None
    status: str
    office: str | None
    #: True when an earlier request with the same idempotency key stored the message (``secret``
    #: is then the one shown first, or None after the replay window)
    replayed: bool = False
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

    Built by ``prepare_submit`` (no writes) and stored by ``store_submissions``;
    ``events`` get their ``message_id`` when stored.
    """

    message: dict[str, Any]
    events: list[dict[str, Any]]
    secret: str
    office: str | None
    contacts: list[dict[str, Any]] = field(default_factory=list)  # notify.contact_rows


@dataclass(frozen=True)
class OfficeRef:
    """An office as routing names it: id, code and name."""

    id: int
    code: str
    name: str


def _random_code(length: int) -> str:
    # one urandom read per code; 256 is a multiple of the 32 letters, so every letter is equally likely
    return "".join(CODE_ALPHABET[b & 31] for b in secrets.token_bytes(length))


def new_tracking_code() -> str:
    """A random, unambiguous tracking code such as ``ML7K3Q9XW2`` (upper case, no 0/O or 1/I).

    Citizens may type it in any case, with spaces or dashes: ``access.tracking_code_key``.
    """
    return "ML" + _random_code(8)


def new_secret() -> str:
    """A random secret for following a case without an account."""
    return _random_code(10)


def validate_input(session: Session, data: MessageInput, *, allowed_kinds: tuple[str, ...] = KINDS) -> dict[str, Any]:
    """Check every field; raise ValidationFailed with all problems at once.

    Returns the resolved ids (``region_id``, ``category_id``, ``office_id``,
    ``leader_id``; None when not given) and the normalised ``phone`` and ``email``. Texts are
    checked as they are stored: cleaned (``cleaned``).
    """
    data = cleaned(data)
    table = routing_table(session)
    errors: dict[str, str] = {}
    title, body = data.title.strip(), data.body.strip()
    if not title:
        errors["title"] = "请填写标题"
    elif not has_visible_text(title):
        errors["title"] = "标题须包含文字（空格和不可见字符不算）"
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
    phone = re.sub(r"[\s-]", "", fold(data.contact_phone))  # full-width digits as ASCII
    if phone and not PHONE_RE.match(phone):
        errors["contact_phone"] = "联系电话格式不正确（手机号 11 位，或区号-座机号）"
    email = notify.normal_email(data.contact_email)
    if problem := notify.email_problem(email):
        errors["contact_email"] = problem
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
        "email": email,
    }


def message_row(
    *,
    title: str,
    body: str,
    kind: str,
    region_id: int | None,
    category_id: int | None,
    office_id: int | None,
    is_public: bool,
    author_name: str,
    contact_encrypted: bytes | None,
    source: str,
    external_id: str | None,
    secret_hash: str,
    tracking_code: str,
    created_at: datetime,
    due_at: datetime | None,
    **extra: Any,
) -> dict[str, Any]:
    """A new message's row as every channel stores it (``extra`` overrides the defaults:
    addressee, status, support count, reply times, review: ``intake.review.review_columns``).

    The message is marked ``search_pending``: the worker adds it to the search
    index (``services/search/backlog.py``) and board search finds it by substring meanwhile.
    Title, body and name are stored cleaned (``analysis.text.clean_text``) and stripped.
    """
    row = {
        "tracking_code": tracking_code,
        "secret_hash": secret_hash,
        "title": clean_text(title).strip(),
        "body": clean_text(body).strip(),
        "kind": kind,
        "region_id": region_id,
        "category_id": category_id,
        "addressee_office_id": None,
        "addressee_leader_id": None,
        "office_id": office_id,
        "assignee_id": None,
        "status": "assigned" if office_id is not None else "received",
        "is_public": is_public,
        "author_name": clean_text(author_name).strip() or ANONYMOUS_AUTHOR,
        "contact_encrypted": contact_encrypted,
        "source": source,
        "external_id": external_id,
        "support_count": 0,
        "oppose_count": 0,
        "reopen_count": 0,
        "escalated": False,
        "reject_reason": None,
        "created_at": created_at,
        "updated_at": created_at,
        "due_at": due_at,
        "replied_at": None,
        "closed_at": None,
        "search_pending": True,
    }
    row.update(extra)
    return row


def submission_events(source: str, at: datetime, office: OfficeRef | None) -> list[dict[str, Any]]:
    """The case history of a new message, the same for every channel.

    ``submitted`` (none → received, ``data={"source": ...}``), then, when routing
    found an office, ``routed`` (received → assigned, the office as ``office_id``,
    its name as the note and its code as ``data["office_code"]``).
    """
    events = [event_row("submitted", at, from_status=None, to_status="received", source=source)]
    if office is not None:
        events.append(
            event_row(
                "routed", at, from_status="received", to_status="assigned",
                office_id=office.id, note=office.name, office_code=office.code,
            )
        )  # fmt: skip
    return events


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
    The texts are stored cleaned (``cleaned``), otherwise as typed.
    """
    data = cleaned(data)
    refs = validate_input(session, data, allowed_kinds=allowed_kinds)
    table = routing_table(session)
    category_id = refs["category_id"]
    if category_id is None:
        suggested = suggest_category(session, data.title.strip() + "\n" + data.body.strip())
        category_id = suggested.id if suggested is not None else None
    office_id = refs["office_id"]
    if office_id is None and refs["region_id"] is not None and category_id is not None:
        office_id = table.route(refs["region_id"], category_id)
    office = OfficeRef(office_id, table.office_codes[office_id], table.office_names[office_id]) if office_id else None
    secret = new_secret()
    row = message_row(
        title=data.title, body=data.body, kind=data.kind, region_id=refs["region_id"], category_id=category_id,
        office_id=office_id, is_public=data.is_public, author_name=data.author_name,
        contact_encrypted=cipher.encrypt(refs["phone"]) if refs["phone"] else None,
        source=data.source, external_id=data.external_id, secret_hash=secret_digest(secret),
        tracking_code=new_tracking_code(), created_at=now,
        due_at=now + timedelta(days=table.days(category_id, data.kind)) if office_id is not None else None,
        addressee_office_id=refs["office_id"], addressee_leader_id=refs["leader_id"],
        **review_columns(session, data.title, data.body),
    )  # fmt: skip
    events = submission_events(data.source, now, office)
    contacts = notify.contact_rows(cipher, phone=refs["phone"], email=refs["email"], notify=data.notify, at=now)
    return PreparedSubmission(row, events, secret, office.name if office is not None else None, contacts)


_MESSAGES: Table = Message.__table__  # type: ignore[assignment]
_INSERT_MESSAGES = insert(_MESSAGES).returning(_MESSAGES.c.id, _MESSAGES.c.tracking_code)


def store_submissions(session: Session, prepared: Sequence[PreparedSubmission]) -> list[int]:
    """Insert prepared submissions — messages, then their events — in the caller's transaction.

    The one writer of new messages: one ``INSERT`` executemany for the
    messages (ids read back by tracking code, so on every database), one for
    the events (``events.write_events``). Returns the message ids in order.
    """
    if not prepared:
        return []
    returned = session.execute(_INSERT_MESSAGES, [p.message for p in prepared]).all()
    id_of = {code: mid for mid, code in returned}
    ids = [id_of[p.message["tracking_code"]] for p in prepared]
    events, contacts = [], []
    for p, mid in zip(prepared, ids, strict=True):
        for event in p.events:
            event["message_id"] = mid
            events.append(event)
        for contact in p.contacts:
            contacts.append({**contact, "message_id": mid})
    write_events(session, events)
    notify.write_contacts(session, contacts)
    return ids


def check_submit(
    session: Session,
    cipher: FieldCipher,
    data: MessageInput,
    now: datetime,
    *,
    allowed_kinds: tuple[str, ...] = KINDS,
    key: str | None = None,
) -> Submitted:
    """Validate, route and store a new message in the caller's transaction.

    Raises ValidationFailed with every problem. With ``key`` (an idempotency
    key of the channel ``data.source``), the message is stored once per key:
    the key is written in the same transaction, and a repeated request is
    answered with the message stored first (``Submitted.replayed``; a key
    reused for other content raises Conflict; see ``intake.keys``).
    """
    data = cleaned(data)
    if key is None:
        return _store_one(session, cipher, data, now, allowed_kinds)
    key_hash, request_hash = keys.key_digest(data.source, key), keys.request_digest(data)
    earlier = keys.find(session, cipher, key_hash, request_hash, now)
    if earlier is None:
        try:
            with session.begin_nested():  # a concurrent twin's key conflicts: only this part is undone
                submitted = _store_one(session, cipher, data, now, allowed_kinds)
                keys.record(session, cipher, key_hash, request_hash, submitted.id, str(submitted.secret), now)
            return submitted
        except IntegrityError:
            earlier = keys.find(session, cipher, key_hash, request_hash, now)
            if earlier is None:
                raise
    m = earlier.message
    office = m.office.name if m.office is not None else None
    return Submitted(m.id, m.tracking_code, earlier.secret, m.status, office, replayed=True, _session=session)


def _store_one(
    session: Session, cipher: FieldCipher, data: MessageInput, now: datetime, allowed_kinds: tuple[str, ...]
) -> Submitted:
    prepared = prepare_submit(session, cipher, data, now, allowed_kinds=allowed_kinds)
    (mid,) = store_submissions(session, [prepared])
    m = prepared.message
    return Submitted(mid, m["tracking_code"], prepared.secret, m["status"], prepared.office, _session=session)
