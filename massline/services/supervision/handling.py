"""The handler's side: list, open (with a reason, audited), answer, notify, step aside.

Every function takes the handler's private key unlocked in their session
(``keys.session_private_key``); the report key is opened from the recipient's
sealed copy. Reading a report and revealing the reporter's identity each write
an audit row with the reason given, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from massline.models import Office, SupervisionRecipient, SupervisionReport, User, utcnow
from massline.services import audit
from massline.services.access import access_supervision_report, is_accused_side
from massline.services.errors import Conflict, ValidationFailed
from massline.services.supervision import sealing
from massline.services.supervision.entries import EntryView, add_entry, open_entries
from massline.services.supervision.files import FileView, list_files, open_file, reseal_files
from massline.services.supervision.keys import public_keys
from massline.services.supervision.notices import SmsOut, send_notice
from massline.services.supervision.sharing import share_key

REASON_MIN, TEXT_MAX = 2, 2000
#: action -> (status it requires, status after, entry kind)
ACTIONS = {
    "accept": (("received",), "accepted", "accepted"),
    "conclude": (("accepted",), "concluded", "concluded"),
    "reply": (("received", "accepted"), None, "to_reporter"),
    "step_aside": (("received", "accepted"), None, "stepped_aside"),
}
ACTION_LABELS = {
    "accept": "发送受理告知", "conclude": "发送办理结果告知", "reply": "回复举报人", "step_aside": "申请回避",
}


@dataclass(frozen=True)
class ReportRow:
    """One line of the handler's list (nothing sealed)."""

    id: int
    accused_office: str
    status_label: str
    created_at: datetime
    accept_due: datetime
    outcome_due: datetime
    about_head: bool
    escalated: bool


@dataclass(frozen=True)
class HandlerView:
    """An opened report: content, the identity only when revealed, the whole history."""

    report: SupervisionReport
    accused_office: str
    accused_person: str
    body: str
    anonymous: bool
    reporter_name: str | None
    reporter_phone: str | None
    entries: list[EntryView]
    actions: list[str]
    files: list[FileView]


def reports_for(session: Session, user: User) -> list[ReportRow]:
    """The reports sealed to ``user`` that they may read now, newest first."""
    rows = session.execute(
        select(SupervisionReport, SupervisionRecipient.role)
        .join(SupervisionRecipient, SupervisionRecipient.report_id == SupervisionReport.id)
        .where(SupervisionRecipient.user_id == user.id, SupervisionRecipient.stepped_aside_at.is_(None),
               func.length(SupervisionRecipient.sealed_key) > 0)
        .order_by(SupervisionReport.id.desc())
    ).all()
    out = []
    for report, role in rows:
        if role == "escalation" and report.escalated_at is None:
            continue
        if is_accused_side(session, user, report):
            continue
        out.append(ReportRow(report.id, report.accused_office.name, report.status_label, report.created_at,
                             report.accept_due, report.outcome_due, report.about_head,
                             report.escalated_at is not None))
    return out


def _report_key(
    session: Session, user: User, report_id: int, private: bytes, now: datetime | None = None
) -> tuple[SupervisionReport, bytes]:
    """The report and its key opened with ``user``'s private key; the key is shared on the way with
    handlers who got a key pair since (``sharing.share_key``)."""
    report, sealed = access_supervision_report(session, user, report_id)
    key = sealing.open_sealed(private, sealed)
    share_key(session, report, key, user, now or utcnow())
    return report, key


def _reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) < REASON_MIN:
        raise ValidationFailed({"reason": "请写明查阅理由"})
    return reason[:200]


def check_open_report(
    session: Session, user: User, report_id: int, private: bytes, reason: str, *, reveal: bool = False,
    now: datetime | None = None,
) -> HandlerView:
    """Open report ``report_id`` for ``user`` and audit the read (and the identity's reveal) with ``reason``."""
    report, key = _report_key(session, user, report_id, private, now)
    why = _reason(reason)
    content = sealing.unlock_json(key, report.sealed_content)
    audit.record(session, user, "supervision_report_read", "supervision_report", report.id, reason=why)
    anonymous = not (content["reporter_name"] or content["reporter_phone"])
    if reveal and not anonymous:
        audit.record(session, user, "supervision_identity_revealed", "supervision_report", report.id, reason=why)
    office = session.get(Office, report.accused_office_id)
    return HandlerView(
        report=report, accused_office=office.name if office else "", accused_person=content["accused_person"],
        body=content["body"], anonymous=anonymous,
        reporter_name=content["reporter_name"] if reveal else None,
        reporter_phone=content["reporter_phone"] if reveal else None,
        entries=open_entries(report, key), actions=allowed_actions(report), files=list_files(report, key),
    )


def check_open_file(
    session: Session, user: User, report_id: int, file_id: int, private: bytes, reason: str
) -> FileView:
    """A file of report ``report_id`` with its content, for ``user``; the opening audited with ``reason``."""
    report, key = _report_key(session, user, report_id, private)
    return open_file(session, user, report, key, file_id, _reason(reason))


def allowed_actions(report: SupervisionReport) -> list[str]:
    """The actions the report's status allows."""
    return [name for name, (needs, _, _) in ACTIONS.items() if report.status in needs]


def check_act(
    session: Session, user: User, report_id: int, private: bytes, action: str, text: str, now: datetime,
    sms: SmsOut | None = None,
) -> SupervisionReport:
    """Run ``action`` (accept, conclude, reply, step_aside) on the report with ``text`` (the notice, the
    message, the reason for stepping aside); the acceptance and the outcome also go by SMS through ``sms``
    to a phone the reporter gave (``notices.send_notice``)."""
    report, key = _report_key(session, user, report_id, private, now)
    if action not in ACTIONS:
        raise ValidationFailed({"action": "未知操作"})
    needs, after, kind = ACTIONS[action]
    if report.status not in needs:
        raise Conflict("举报当前状态不允许此操作")
    text = text.strip()
    if not text:
        raise ValidationFailed({"text": "请填写内容" if action != "step_aside" else "请写明回避理由"})
    if len(text) > TEXT_MAX:
        raise ValidationFailed({"text": f"内容不能超过 {TEXT_MAX} 个字"})
    if action == "step_aside":
        key = _reseal_without(session, report, user, key, now)
    add_entry(session, report, key, kind, user, text, now)
    if after is not None:
        report.status = after
        if after == "accepted":
            report.accepted_at = now
        if after == "concluded":
            report.concluded_at = now
    audit.record(session, user, f"supervision_{action}", "supervision_report", report.id)
    send_notice(session, report, key, user, action, sms, now)
    return report


def _reseal_without(session: Session, report: SupervisionReport, user: User, old: bytes, now: datetime) -> bytes:
    """Step ``user`` aside: a new report key, everything re-encrypted, sealed to the remaining recipients only."""
    others = [r for r in report.recipients if r.user_id != user.id and r.stepped_aside_at is None]
    keys = public_keys(session, [r.user_id for r in others])
    if not any(r.role == "handler" and r.user_id in keys for r in others):
        raise Conflict("没有其他承办人可以接手，不能回避；请报告上一级纪检监察机关")
    new = sealing.new_key()
    report.sealed_content = sealing.lock(new, sealing.unlock(old, report.sealed_content))
    for entry in report.entries:
        if entry.sealed_text:
            entry.sealed_text = sealing.lock(new, sealing.unlock(old, entry.sealed_text))
    reseal_files(report, old, new)
    report.reporter_sealed_key = sealing.seal_to(report.reporter_public, new)
    for recipient in report.recipients:
        if recipient.user_id == user.id:
            recipient.stepped_aside_at, recipient.sealed_key = now, b""
        elif recipient.stepped_aside_at is None:
            public = keys.get(recipient.user_id)
            recipient.sealed_key = sealing.seal_to(public, new) if public else b""
    return new
