"""Filing a report: validate, route, seal, and hand the reporter a receipt code and secret once.

Nothing the reporter wrote is stored in the clear: the body, the accused person
and the reporter's name and phone are sealed under a new report key, which is
stored only sealed to each handler of the receiving office, to each handler one
level up (readable by them only once the report is escalated) and to the
reporter's key derived from the secret. The receipt code is stored as a hash.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from massline.models import Office, SupervisionRecipient, SupervisionReport
from massline.services import attachments, audit
from massline.services.errors import Conflict, ValidationFailed
from massline.services.policy import calendar_policy, supervision_policy
from massline.services.supervision import sealing
from massline.services.supervision.deadlines import add_working_days
from massline.services.supervision.entries import add_entry
from massline.services.supervision.files import checked_files, seal_files
from massline.services.supervision.keys import public_keys
from massline.services.supervision.routing import Route, handlers_of, route_report

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
BODY_MIN, BODY_MAX, NAME_MAX = 10, 5000, 50
PHONE_RE = re.compile(r"^\+?[0-9][0-9 -]{5,18}[0-9]$")


class NoRecipient(Conflict):
    """No supervision office with an unlocked handler key can receive the report."""

    def __init__(self) -> None:
        super().__init__("该单位的纪检监察机关暂未开通网上举报受理，请稍后再试或前往纪检监察机关当面举报")


class ReportInput(BaseModel):
    """A report as the reporter typed it (checked by :func:`check_file_report`)."""

    accused_office: str = ""
    accused_person: str = ""
    body: str = ""
    reporter_name: str = ""
    reporter_phone: str = ""


@dataclass(frozen=True)
class Filed:
    """The receipt: shown once, never stored in the clear."""

    receipt_code: str
    secret: str


def receipt_digest(code: str) -> str:
    """The stored form of a receipt code (normalised: upper case, no spaces or dashes)."""
    clean = re.sub(r"[\s-]", "", code).upper()
    return hashlib.sha256(clean.encode("utf-8")).hexdigest()


def _random(n: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(n))


def _validate(session: Session, data: ReportInput) -> tuple[Office, dict[str, str]]:
    errors: dict[str, str] = {}
    code = data.accused_office.strip()
    office = session.scalar(select(Office).where(or_(Office.code == code, Office.name == code))) if code else None
    if office is None:
        errors["accused_office"] = "请选择被举报的单位" if not code else "被举报单位不存在，请从列表中选择"
    body = data.body.strip()
    if len(body) < BODY_MIN:
        errors["body"] = f"举报内容至少 {BODY_MIN} 个字，请写明时间、地点、人物和事实"
    elif len(body) > BODY_MAX:
        errors["body"] = f"举报内容不能超过 {BODY_MAX} 个字"
    if len(data.accused_person.strip()) > NAME_MAX:
        errors["accused_person"] = f"被举报人不能超过 {NAME_MAX} 个字"
    if len(data.reporter_name.strip()) > NAME_MAX:
        errors["reporter_name"] = f"举报人姓名不能超过 {NAME_MAX} 个字"
    phone = data.reporter_phone.strip()
    if phone and not PHONE_RE.match(phone):
        errors["reporter_phone"] = "举报人电话格式不正确（如 13800138000 或 010-12345678）"
    if errors or office is None:
        raise ValidationFailed(errors)
    return office, errors


def _recipients(session: Session, route: Route) -> list[tuple[int, bytes, str]]:
    out: list[tuple[int, bytes, str]] = []
    for office, role in ((route.office, "handler"), (route.escalation, "escalation")):
        if office is None:
            continue
        users = [u.id for u in handlers_of(session, office)]
        out.extend((uid, pk, role) for uid, pk in public_keys(session, users).items())
    return out


def check_file_report(
    session: Session, data: ReportInput, now: datetime, uploads: list[tuple[str, bytes]] | None = None,
    limits: attachments.Limits | None = None,
) -> Filed:
    """Validate, route and store a report sealed to its recipients, with its files (``uploads``: name and
    content, checked against ``limits`` and cleaned like a message's attachments); returns the receipt."""
    accused, _ = _validate(session, data)
    files = checked_files(uploads, limits or attachments.Limits()) if uploads else []
    route = route_report(session, accused, data.accused_person.strip())
    recipients = _recipients(session, route) if route is not None else []
    if route is None or not any(role == "handler" for _, _, role in recipients):
        raise NoRecipient()
    policy, calendar = supervision_policy(session), calendar_policy(session)
    receipt_code, secret = "JB" + _random(10), "-".join(_random(5) for _ in range(4))
    key, salt = sealing.new_key(), sealing.new_salt()
    reporter_public, _ = sealing.secret_key_pair(secret, salt)
    content = {
        "body": data.body.strip(), "accused_person": data.accused_person.strip(),
        "reporter_name": data.reporter_name.strip(), "reporter_phone": data.reporter_phone.strip(),
        "receipt_code": receipt_code,  # sealed: named in the SMS notices to the reporter's phone
    }
    report = SupervisionReport(
        receipt_hash=receipt_digest(receipt_code), accused_office_id=accused.id, office_id=route.office.id,
        escalation_office_id=route.escalation.id if route.escalation else None, about_head=route.about_head,
        status="received", sealed_content=sealing.lock_json(key, content), reporter_public=reporter_public,
        reporter_salt=salt, reporter_sealed_key=sealing.seal_to(reporter_public, key), created_at=now,
        accept_due=add_working_days(now, policy.accept_within_days, calendar),
        outcome_due=add_working_days(now, policy.outcome_within_days, calendar),
        delete_after=now + timedelta(days=policy.retention_days),
    )
    session.add(report)
    session.flush()
    for user_id, public, role in recipients:
        session.add(SupervisionRecipient(report_id=report.id, user_id=user_id, role=role,
                                         sealed_key=sealing.seal_to(public, key)))
    seal_files(session, report, key, files, now)
    add_entry(session, report, key, "received", None, "", now)
    audit.record(session, None, "supervision_report_filed", "supervision_report", report.id,
                 office=route.office.code, about_head=route.about_head)
    return Filed(receipt_code=receipt_code, secret=secret)
