"""A report's history entries: sealed text under the report key, kind and time in the clear."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from massline.models import SupervisionEntry, SupervisionReport, User
from massline.services.supervision import sealing

ENTRY_LABELS = {
    "received": "举报已收到",
    "accepted": "受理告知",
    "concluded": "办理结果告知",
    "to_reporter": "纪检监察机关留言",
    "from_reporter": "举报人留言",
    "stepped_aside": "承办人回避",
    "escalated": "逾期未办，已提交上一级纪检监察机关",
    "sms_sent": "已短信告知举报人",
    "sms_failed": "短信告知发送失败（举报人仍可凭回执码查看告知）",
    "file_from_reporter": "举报人补充了证据材料",
    "key_shared": "举报密钥已加密共享给新承办人",
}
#: the entries a reporter sees (never who stepped aside, never an internal note)
REPORTER_KINDS = ("received", "accepted", "concluded", "to_reporter", "from_reporter", "escalated",
                  "file_from_reporter")


@dataclass(frozen=True)
class EntryView:
    """One entry as shown: kind label, text (opened), time, and whether the reporter wrote it."""

    kind: str
    label: str
    text: str
    created_at: datetime
    from_reporter: bool


def add_entry(
    session: Session, report: SupervisionReport, key: bytes | None, kind: str, user: User | None, text: str,
    now: datetime,
) -> SupervisionEntry:
    """Add an entry to ``report``; ``text`` is sealed under the report ``key`` (None: no text)."""
    sealed = sealing.lock(key, text.encode("utf-8")) if key is not None and text else None
    entry = SupervisionEntry(report_id=report.id, kind=kind, user_id=user.id if user else None,
                             sealed_text=sealed, created_at=now)
    session.add(entry)
    report.entries.append(entry)
    return entry


def open_entries(report: SupervisionReport, key: bytes, kinds: tuple[str, ...] | None = None) -> list[EntryView]:
    """The report's entries with their text opened under ``key`` (only ``kinds`` when given)."""
    out = []
    for entry in report.entries:
        if kinds is not None and entry.kind not in kinds:
            continue
        text = sealing.unlock(key, entry.sealed_text).decode("utf-8") if entry.sealed_text else ""
        out.append(EntryView(entry.kind, ENTRY_LABELS.get(entry.kind, entry.kind), text, entry.created_at,
                             entry.kind in ("from_reporter", "file_from_reporter")))
    return out
