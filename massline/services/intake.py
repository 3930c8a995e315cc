"""Intake: a citizen's submission becomes a routed message with a tracking code."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.analysis.pii import redact
from massline.analysis.search_terms import index_terms
from massline.models import KINDS, Category, Leader, Message, MessageSearch, Office, Region
from massline.services.access import secret_digest
from massline.services.crypto import FieldCipher
from massline.services.errors import ValidationFailed
from massline.services.events import add_event
from massline.services.routing import compute_due, route_office, suggest_category

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
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
    """A new message and the secret that was shown to the citizen once."""

    message: Message
    secret: str


def new_tracking_code() -> str:
    """A random, unambiguous tracking code such as ``ML7K3Q9XW2``."""
    return "ML" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def new_secret() -> str:
    """A random secret for following a case without an account."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


def search_text(title: str, body: str) -> str:
    """The terms indexed for a message (PII redacted before indexing)."""
    return " ".join(index_terms(redact(title) + " " + redact(body)))


def validate_input(
    session: Session, data: MessageInput, *, allowed_kinds: tuple[str, ...] = KINDS
) -> dict[str, object]:
    """Check every field; return resolved references or raise ValidationFailed with all problems."""
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
    region = None
    if data.region:
        region = session.scalar(select(Region).where(Region.code == data.region))
        if region is None:
            errors["region"] = "所选区域不存在，请重新选择"
    category = None
    if data.category:
        category = session.scalar(select(Category).where(Category.path == data.category))
        if category is None:
            errors["category"] = "所选领域不存在，请重新选择"
    office = None
    if data.addressee_office:
        office = session.scalar(select(Office).where(Office.code == data.addressee_office))
        if office is None:
            errors["addressee"] = "所选单位不存在，请重新选择"
    leader = None
    if data.addressee_leader is not None:
        leader = session.get(Leader, data.addressee_leader)
        if leader is None:
            errors["addressee"] = "所选领导不存在，请重新选择"
        elif office is None:
            office = leader.office
    phone = re.sub(r"[\s-]", "", data.contact_phone)
    if phone and not PHONE_RE.match(phone):
        errors["contact_phone"] = "联系电话格式不正确（手机号 11 位，或区号-座机号）"
    if len(data.author_name.strip()) > 50:
        errors["author_name"] = "称呼不能超过 50 个字"
    if errors:
        raise ValidationFailed(errors)
    return {"region": region, "category": category, "office": office, "leader": leader, "phone": phone}


def check_submit(
    session: Session,
    cipher: FieldCipher,
    data: MessageInput,
    now: datetime,
    *,
    allowed_kinds: tuple[str, ...] = KINDS,
) -> Submitted:
    """Validate, store, index and route a new message, all in the caller's transaction."""
    refs = validate_input(session, data, allowed_kinds=allowed_kinds)
    title, body = data.title.strip(), data.body.strip()
    category = refs["category"] or suggest_category(session, title + "\n" + body)
    secret = new_secret()
    message = Message(
        tracking_code=new_tracking_code(),
        secret_hash=secret_digest(secret),
        title=title,
        body=body,
        kind=data.kind,
        region=refs["region"],
        category=category,
        addressee_office=refs["office"],
        addressee_leader=refs["leader"],
        author_name=data.author_name.strip() or "匿名网友",
        contact_encrypted=cipher.encrypt(str(refs["phone"])) if refs["phone"] else None,
        is_public=data.is_public,
        source=data.source,
        external_id=data.external_id,
        status="received",
        support_count=0,
        reopen_count=0,
        escalated=False,
        created_at=now,
        updated_at=now,
    )
    session.add(message)
    add_event(session, message, "submitted", now, to_status="received")
    session.flush()
    session.add(MessageSearch(message_id=message.id, terms=search_text(title, body)))
    route_new_message(session, message, now)
    return Submitted(message=message, secret=secret)


def route_new_message(session: Session, message: Message, now: datetime) -> None:
    """Send a received message to its office, or leave it in the dispatch queue."""
    office = route_office(session, message)
    if office is None:
        return
    message.office = office
    message.office_id = office.id
    message.due_at = compute_due(session, message, now)
    add_event(session, message, "routed", now, to_status="assigned", note=office.name, office_code=office.code)
