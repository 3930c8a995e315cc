"""Attachment actions: a submission with its files, and a reviewer's decision (shown / hidden).

Both run in the caller's transaction and write the case event there.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from massline.models import ATTACHMENT_STATE_LABELS, Attachment, Message, User
from massline.services import intake
from massline.services.access import access_message_for_action
from massline.services.attachments.storage import StagedFiles
from massline.services.crypto import FieldCipher
from massline.services.errors import NotFound, ValidationFailed
from massline.services.events import add_event

#: a reviewer's decision -> the review state it sets
REVIEW_DECISIONS = {"show": "shown", "hide": "hidden"}
REASON_MAX = 200


def check_submit_with_files(
    session: Session, cipher: FieldCipher, data: intake.MessageInput, staged: StagedFiles, now: datetime,
    *, key: str | None = None,
) -> intake.Submitted:  # fmt: skip
    """Store a new message (``intake.check_submit``) with the staged files, in the caller's transaction.

    A replayed submission (same idempotency key) keeps the files of the first
    one; this request's staged files are then not recorded (and get removed).
    """
    result = intake.check_submit(session, cipher, data, now, key=key)
    if not result.replayed and staged.items:
        do_attach(session, result.message, staged, now)
    return result


def do_attach(session: Session, message: Message, staged: StagedFiles, now: datetime) -> list[Attachment]:
    """Add rows for the staged files to ``message`` (review state pending) and an internal event."""
    rows = [
        Attachment(
            message_id=message.id, stored_name=name, original_name=f.original_name, media_type=f.media_type,
            size=len(f.content), sha256=f.sha256, width=f.width, height=f.height, review_state="pending",
            created_at=now,
        )
        for f, name in staged.items
    ]  # fmt: skip
    session.add_all(rows)
    add_event(session, message, "attachments_added", now, public=False, count=len(rows),
              note="、".join(r.original_name for r in rows))  # fmt: skip
    staged.recorded = True
    return rows


def _attachment_of(session: Session, message: Message, attachment_id: int) -> Attachment:
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or attachment.message_id != message.id:
        raise NotFound()
    return attachment


def check_review(
    session: Session, user: User, message_id: int, attachment_id: int, decision: str, reason: str, now: datetime
) -> Attachment:
    """A reviewer (``access.can_act(..., "review_attachments", ...)``) shows an attachment to the public
    or hides it with a reason the citizen sees; recorded as an internal case event."""
    message = access_message_for_action(session, user, message_id, "review_attachments")
    attachment = _attachment_of(session, message, attachment_id)
    reason = reason.strip()
    if decision not in REVIEW_DECISIONS:
        raise ValidationFailed({"decision": "审核结果须为“公开”或“不公开”"})
    if decision == "hide" and not reason:
        raise ValidationFailed({"reason": "请填写不公开的理由（提交人可以看到）"})
    if len(reason) > REASON_MAX:
        raise ValidationFailed({"reason": f"理由不能超过 {REASON_MAX} 个字"})
    attachment.review_state = REVIEW_DECISIONS[decision]
    attachment.review_reason = reason if decision == "hide" else None
    attachment.reviewed_by_id, attachment.reviewed_at = user.id, now
    label = ATTACHMENT_STATE_LABELS[attachment.review_state]
    note = f"{attachment.original_name}：{label}" + (f"（{reason}）" if attachment.review_reason else "")
    add_event(session, message, "attachment_reviewed", now, actor=user, public=False, note=note,
              attachment_id=attachment.id, review_state=attachment.review_state)  # fmt: skip
    return attachment
