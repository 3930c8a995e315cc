"""SMS notices to a reporter who gave a phone: the acceptance and the outcome, at the moment they are given.

The phone is sealed in the report's content like everything the reporter wrote, so only
a handler's unlocked key opens it. The handler's action that accepts or concludes the
report opens it in memory and hands it to the SMS gateway there and then: no outbox row,
no log line and no audit row ever holds the number or the text. The text names only the
receipt code and the step — never the accused, never the content. What is recorded is
that a notice went out (an entry ``sms_sent`` in the report's history and an audit row
``supervision_sms_sent``), or that the gateway failed (``sms_failed``, with the error's
type only: a gateway's message may quote the number); the reporter still sees every
notice on ``/report/follow``. The ``file`` SMS driver (the development stand-in, which writes
each SMS to ``outbox/sms.jsonl`` in the instance folder) is given the number masked
(``138****5678``), so the instance folder never holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from massline.models import SupervisionReport, User
from massline.services import audit
from massline.services.supervision import sealing
from massline.services.supervision.entries import add_entry

if TYPE_CHECKING:
    from massline.services.notify import SmsGateway

#: action -> the step the SMS names
STEPS = {"accept": "已受理", "conclude": "已办结，办理结果已告知"}


@dataclass(frozen=True)
class SmsOut:
    """Where the reporter's SMS notices go: the platform's SMS gateway, the site's name and address."""

    gateway: SmsGateway
    site: str
    base_url: str


def notice_text(out: SmsOut, receipt_code: str, action: str) -> str:
    """The SMS of ``action``: the site, the receipt code, the step and where to read the notice."""
    code = f"（回执码 {receipt_code}）" if receipt_code else ""
    return (f"【{out.site}】您的举报{code}{STEPS[action]}。请凭回执码和密码到 {out.base_url}/report/follow "
            "查看告知内容。")


def _is_file_stand_in(gateway: object) -> bool:
    from massline.services.notify import FileSms

    return isinstance(gateway, FileSms)


def _masked(phone: str) -> str:
    """``13812345678`` → ``138****5678``: what the development stand-in (the ``file`` SMS driver, which writes
    to the instance folder) is given instead of the number."""
    return phone[:3] + "*" * max(len(phone) - 7, 1) + phone[-4:] if len(phone) > 7 else "*" * len(phone)


def send_notice(
    session: Session, report: SupervisionReport, key: bytes, user: User, action: str, out: SmsOut | None,
    now: datetime,
) -> bool | None:
    """Send ``action``'s SMS notice to the reporter's phone, if they gave one; True when sent, False when the
    gateway failed, None when there was nothing to send (no phone, no gateway, not a notice)."""
    if out is None or action not in STEPS:
        return None
    content = sealing.unlock_json(key, report.sealed_content)
    phone = content.get("reporter_phone") or ""
    if not phone:
        return None
    text = notice_text(out, content.get("receipt_code") or "", action)
    try:
        out.gateway.send(_masked(phone) if _is_file_stand_in(out.gateway) else phone, text)
    except Exception as exc:  # any gateway failure: recorded without its message, which may quote the number
        add_entry(session, report, None, "sms_failed", user, "", now)
        audit.record(session, user, "supervision_sms_failed", "supervision_report", report.id, step=action,
                     error=type(exc).__name__)
        return False
    add_entry(session, report, None, "sms_sent", user, "", now)
    audit.record(session, user, "supervision_sms_sent", "supervision_report", report.id, step=action)
    return True
