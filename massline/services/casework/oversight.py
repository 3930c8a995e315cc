"""催办 and 督办: leaders, supervisors and the dispatch centre press the handling office.

催办 (urge) is a note to the handling office, internal. 督办 (supervise) marks the case
supervised (``Message.escalated``: the inbox puts it first) with an instruction (批示)
and optionally a new deadline; the case history shows "督办" publicly, the
instruction's text only when the one who gave it marks it public. Who may do it is
``services.access`` (``OVERSIGHT_ACTIONS``); the case page shows the instructions on top.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import OPEN_STATUSES, Message, MessageEvent, User
from massline.services.casework.actions import need_state, written
from massline.services.errors import ValidationFailed
from massline.services.events import add_event

#: days a 督办 may set as the new deadline, counted from now
SUPERVISE_DAYS = (1, 60)
#: the oversight events and the word the inbox and case page show for them
OVERSIGHT_EVENTS = {"supervised": "督办", "urged": "催办"}


def do_urge(session: Session, user: User, message: Message, note: str, now: datetime) -> Message:
    """催办: a note to the handling office (internal)."""
    need_state(message, "urge")
    add_event(session, message, "urged", now, actor=user, note=written(note, "note", "催办意见"), public=False)
    return message


def do_supervise(
    session: Session, user: User, message: Message, instruction: str, public_instruction: bool,
    days: int | None, now: datetime,
) -> Message:  # fmt: skip
    """督办: mark the case supervised with an instruction (批示) and optionally a new deadline in ``days``.

    Public as "督办"; the instruction's text is public only with ``public_instruction``.
    """
    need_state(message, "supervise")
    text = written(instruction, "instruction", "批示内容")
    low, high = SUPERVISE_DAYS
    if days is not None and not low <= days <= high:
        raise ValidationFailed({"days": f"新办理期限须在 {low} 到 {high} 天之间"})
    message.escalated = True
    data: dict[str, Any] = {"instruction": text, "instruction_public": public_instruction}
    if days is not None:
        message.due_at = now + timedelta(days=days)
        data["due_at"] = message.due_at.isoformat()
        data["days"] = days
    add_event(session, message, "supervised", now, actor=user, note=text if public_instruction else None, **data)
    return message


@dataclass
class Instruction:
    """A 督办 (with its 批示) or 催办 shown on top of the case page."""

    kind: str
    text: str
    by: str
    role: str
    at: datetime
    public: bool
    #: the new deadline a 督办 set
    due_at: datetime | None = None


def _when(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


def instructions(message: Message) -> list[Instruction]:
    """The case's 督办 and 催办, newest first, while it is open (督办 before 催办)."""
    if message.status not in OPEN_STATUSES:
        return []
    found = [
        Instruction(OVERSIGHT_EVENTS[e.type], str(e.data.get("instruction") or e.note or ""),
                    e.actor.display_name if e.actor else "", e.actor.role_label if e.actor else "",
                    e.created_at, e.is_public and bool(e.note), _when(e.data.get("due_at")))
        for e in message.events if e.type in OVERSIGHT_EVENTS
    ]  # fmt: skip
    found.sort(key=lambda i: (i.kind != "督办", -i.at.timestamp()))
    return found


def oversight_marks(session: Session, message_ids: Sequence[int]) -> dict[int, str]:
    """For the inbox: "督办" or "催办" by message id, for those of ``message_ids`` that have one (督办 wins)."""
    if not message_ids:
        return {}
    rows = session.execute(
        select(MessageEvent.message_id, MessageEvent.type).where(
            MessageEvent.message_id.in_(list(message_ids)), MessageEvent.type.in_(list(OVERSIGHT_EVENTS))
        )
    ).all()
    marks: dict[int, str] = {}
    for message_id, type_ in rows:
        if marks.get(message_id) != "督办":
            marks[message_id] = OVERSIGHT_EVENTS[type_]
    return marks
