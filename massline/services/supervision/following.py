"""The reporter's side: follow a report by receipt code and secret, read the notices, converse anonymously."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import SupervisionReport
from massline.services import attachments
from massline.services.errors import NotFound, ValidationFailed
from massline.services.supervision import sealing
from massline.services.supervision.entries import REPORTER_KINDS, EntryView, add_entry, open_entries
from massline.services.supervision.files import checked_files, list_files, seal_files
from massline.services.supervision.filing import receipt_digest

TEXT_MAX = 2000
WRONG = "举报回执码或密码不正确"


class FollowInput(BaseModel):
    """The receipt code and secret (and, for a message, its text)."""

    receipt_code: str = ""
    secret: str = ""
    text: str = ""


@dataclass(frozen=True)
class ReporterView:
    """What the reporter sees: status, deadlines, the notices and the conversation."""

    status: str
    status_label: str
    created_at: datetime
    accept_due: datetime
    outcome_due: datetime
    entries: list[EntryView]
    #: the names of the report's files (sent with it or added later)
    files: list[str]


def _open(session: Session, data: FollowInput) -> tuple[SupervisionReport, bytes]:
    if not data.receipt_code.strip() or not data.secret.strip():
        raise ValidationFailed({"receipt_code": "请输入举报回执码和密码"})
    report = session.scalar(
        select(SupervisionReport).where(SupervisionReport.receipt_hash == receipt_digest(data.receipt_code))
    )
    if report is None:
        raise NotFound(WRONG)
    secret = "-".join(p for p in data.secret.strip().upper().replace(" ", "-").split("-") if p)
    _, private = sealing.secret_key_pair(secret, report.reporter_salt)
    try:
        return report, sealing.open_sealed(private, report.reporter_sealed_key)
    except sealing.SealError:
        raise NotFound(WRONG) from None


def _view(report: SupervisionReport, key: bytes) -> ReporterView:
    return ReporterView(
        status=report.status, status_label=report.status_label, created_at=report.created_at,
        accept_due=report.accept_due, outcome_due=report.outcome_due,
        entries=open_entries(report, key, REPORTER_KINDS), files=[f.name for f in list_files(report, key)],
    )


def follow_report(session: Session, data: FollowInput) -> ReporterView:
    """The report the receipt code and secret open; NotFound (one message for both) otherwise."""
    report, key = _open(session, data)
    return _view(report, key)


def check_reporter_message(session: Session, data: FollowInput, now: datetime) -> ReporterView:
    """Add the reporter's message to the conversation (sealed under the report key)."""
    report, key = _open(session, data)
    text = data.text.strip()
    if not text:
        raise ValidationFailed({"text": "请输入留言内容"})
    if len(text) > TEXT_MAX:
        raise ValidationFailed({"text": f"留言内容不能超过 {TEXT_MAX} 个字"})
    if report.status == "concluded":
        raise ValidationFailed({"text": "举报已办结，不能再留言"})
    add_entry(session, report, key, "from_reporter", None, text, now)
    return _view(report, key)


def check_reporter_files(
    session: Session, data: FollowInput, uploads: list[tuple[str, bytes]], limits: attachments.Limits, now: datetime
) -> ReporterView:
    """Add files to the report (checked and cleaned like the first ones, sealed under the report key); the
    limits count the files the report already has."""
    report, key = _open(session, data)
    if report.status == "concluded":
        raise ValidationFailed({"attachments": "举报已办结，不能再补充材料"})
    if not uploads:
        raise ValidationFailed({"attachments": "请选择要补充的证据材料"})
    held = len(report.files)
    if held + len(uploads) > limits.max_files:
        raise ValidationFailed({"attachments": f"每件举报最多 {limits.max_files} 个附件，已有 {held} 个"})
    seal_files(session, report, key, checked_files(uploads, limits), now)
    add_entry(session, report, None, "file_from_reporter", None, "", now)
    return _view(report, key)
