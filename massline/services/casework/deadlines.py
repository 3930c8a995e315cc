"""Supervised deadlines: the periodic sweep that reminds, escalates and closes, and its lists.

:func:`sweep` is run by the worker's periodic pass and by ``massline casework
sweep``. For every open case with a deadline it takes the steps of the ladder
the casework policy (``services.policy``) says are due, each at most once per
case and deadline (a ``DeadlineStep`` row):

* ``remind`` — ``remind_before_hours`` before the deadline: an internal
  "reminded" event for the handler (the inbox marks the case 已提醒);
* ``head`` — ``escalate_to_head_after_hours`` past the deadline: "escalated"
  to the office head (the head's inbox puts it first, flagged 督办);
* ``centre`` — ``escalate_to_centre_after_hours`` past it: "escalated" to the
  dispatch centre, whose dispatchers see it in :func:`escalated_queue`.

An extension or a reopen moves the deadline: the ladder starts again from the
new one, and the case's ``escalation_level`` follows its current deadline.
The sweep then closes replied cases nobody rated within ``close_after_days``
(``closing.close_expired``). Running it twice changes nothing the second time.
With ``limit`` each of its steps takes at most that many cases, so that after an
import of old cases (thousands overdue at once) :func:`sweep_in_chunks` runs it as
several short write transactions, each letting a waiting request in.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Exists, and_, exists, func, select
from sqlalchemy.orm import Session, selectinload

from massline.models import DeadlineStep, Message, User
from massline.services.access import can_see_dispatch_queue, require
from massline.services.casework import closing
from massline.services.casework.paging import Page
from massline.services.events import add_event
from massline.services.policy import CaseworkPolicy, casework_policy

#: the open states in which a deadline runs (a received message has no office yet)
RUNNING = ("assigned", "accepted", "reopened")
#: the escalation levels in Chinese, as the events and pages say them
LEVEL_LABELS = {"head": "单位负责人", "centre": "派单中心"}


@dataclass
class SweepReport:
    """What one sweep did: cases reminded, escalated to the office head and to the centre, closed
    (``more``: a step reached its ``limit``, so more may be due)."""

    reminded: int = 0
    escalated_head: int = 0
    escalated_centre: int = 0
    closed: int = 0
    more: bool = False

    def add(self, other: SweepReport) -> None:
        """Count ``other``'s cases in this report too (``more`` becomes ``other``'s)."""
        self.reminded += other.reminded
        self.escalated_head += other.escalated_head
        self.escalated_centre += other.escalated_centre
        self.closed += other.closed
        self.more = other.more

    def __str__(self) -> str:
        return (
            f"{self.reminded} reminded, {self.escalated_head} escalated to the office head, "
            f"{self.escalated_centre} escalated to the dispatch centre, {self.closed} closed without rating"
        )


def _step_taken(step: str) -> Exists:
    """SQL: the case already took ``step`` for its current deadline."""
    return exists().where(
        DeadlineStep.message_id == Message.id, DeadlineStep.step == step, DeadlineStep.due_at == Message.due_at
    )


def _due_for(session: Session, step: str, condition: ColumnElement[bool], limit: int | None) -> Sequence[Message]:
    stmt = select(Message).where(
        Message.status.in_(RUNNING), Message.due_at.is_not(None), condition, ~_step_taken(step)
    )
    return session.scalars(stmt.order_by(Message.id).limit(limit).options(selectinload(Message.assignee))).all()


def _take(session: Session, message: Message, step: str, now: datetime) -> None:
    assert message.due_at is not None
    session.add(DeadlineStep(message_id=message.id, step=step, due_at=message.due_at, created_at=now))


def _remind(session: Session, now: datetime, policy: CaseworkPolicy, limit: int | None) -> int:
    if policy.remind_before_hours <= 0:
        return 0
    soon = now + timedelta(hours=policy.remind_before_hours)
    messages = _due_for(session, "remind", and_(Message.due_at > now, Message.due_at <= soon), limit)
    for message in messages:
        _take(session, message, "remind", now)
        handler = message.assignee.display_name if message.assignee else "本单位"
        assert message.due_at is not None
        hours = max(1, round((message.due_at - now).total_seconds() / 3600))
        add_event(session, message, "reminded", now, public=False, handler=handler,
                  note=f"距办理期限不足 {hours} 小时，请{handler}抓紧办理")  # fmt: skip
    return len(messages)


def _escalate(session: Session, now: datetime, level: str, after_hours: int, limit: int | None) -> int:
    messages = _due_for(session, level, Message.due_at <= now - timedelta(hours=after_hours), limit)
    for message in messages:
        _take(session, message, level, now)
        message.escalated = True
        if message.escalation_level != "centre":
            message.escalation_level = level
        add_event(session, message, "escalated", now, level=level,
                  note=f"逾期未办结，升级至{LEVEL_LABELS[level]}督办")  # fmt: skip
    return len(messages)


def _follow_deadlines(session: Session) -> None:
    """Escalation levels follow the current deadline: a moved deadline starts the ladder again."""
    at_level = exists().where(
        DeadlineStep.message_id == Message.id,
        DeadlineStep.step == Message.escalation_level,
        DeadlineStep.due_at == Message.due_at,
    )
    moved = select(Message).where(Message.escalation_level.is_not(None), ~at_level)  # the deadline moved since
    for message in session.scalars(moved):
        steps = set(
            session.scalars(
                select(DeadlineStep.step).where(
                    DeadlineStep.message_id == message.id, DeadlineStep.due_at == message.due_at
                )
            )
        )
        message.escalation_level = "centre" if "centre" in steps else "head" if "head" in steps else None


def sweep(session: Session, now: datetime, limit: int | None = None) -> SweepReport:
    """Take every step of the deadline ladder that is due and close the expired replied cases
    (see the module docstring); idempotent. Runs in the caller's transaction. With ``limit`` each
    step takes at most that many cases, the oldest first, and the report says ``more`` when one
    reached it (run it again to take the rest)."""
    policy = casework_policy(session)
    report = SweepReport()
    _follow_deadlines(session)
    report.reminded = _remind(session, now, policy, limit)
    report.escalated_head = _escalate(session, now, "head", policy.escalate_to_head_after_hours, limit)
    report.escalated_centre = _escalate(session, now, "centre", policy.escalate_to_centre_after_hours, limit)
    report.closed = closing.close_expired(session, now, policy, limit)
    counts = (report.reminded, report.escalated_head, report.escalated_centre, report.closed)
    report.more = limit is not None and max(counts) >= limit
    return report


def sweep_in_chunks(
    transaction: Callable[[], AbstractContextManager[Session]], now: datetime, chunk: int = 200
) -> SweepReport:
    """The whole :func:`sweep` as write transactions of at most ``chunk`` cases per step each, each
    opened by ``transaction()`` (e.g. ``lambda: platform.write(background=True)``), until nothing
    more is due: thousands of overdue cases never hold the database's writer for long."""
    total = SweepReport()
    while True:
        with transaction() as session:
            report = sweep(session, now, chunk)
        total.add(report)
        if not report.more:
            return total


def escalated_queue(session: Session, user: User, page: int = 1, page_size: int = 50) -> Page[Message]:
    """The open cases escalated to the dispatch centre for their current deadline, longest overdue
    first (督办), for those who may see the dispatch queue (else Forbidden)."""
    require(can_see_dispatch_queue(user))
    where = (Message.status.in_(RUNNING), _step_taken("centre"))
    total = int(session.scalar(select(func.count()).select_from(Message).where(*where)) or 0)
    rows = session.scalars(
        select(Message).where(*where)
        .order_by(Message.due_at, Message.id).limit(page_size).offset((max(page, 1) - 1) * page_size)
        .options(selectinload(Message.office), selectinload(Message.assignee))
    ).all()
    return Page(list(rows), total, max(page, 1), page_size)


def reminded_ids(session: Session, message_ids: Sequence[int]) -> set[int]:
    """Those of ``message_ids`` whose handler was reminded of their current deadline (shown 已提醒)."""
    if not message_ids:
        return set()
    return set(
        session.scalars(
            select(Message.id).where(Message.id.in_(message_ids), Message.status.in_(RUNNING), _step_taken("remind"))
        )
    )
