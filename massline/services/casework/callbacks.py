"""回访: the dispatch centre calls citizens whose replied case is not rated, and records their answers.

A replied case nobody rated enters the queue (:func:`callback_queue`)
``callback_after_days`` after its reply. A dispatcher calls the citizen and
records (the case action ``callback``, :func:`record_callback`):

* nobody answered (``reached`` false): a try is counted; after
  ``callback_max_tries`` such tries the case closes without the citizen's answer;
* the citizen's two answers, stored apart in a ``Callback`` row — resolved?
  (已解决/部分解决/未解决) and satisfied? (满意/基本满意/不满意) — and, when asked,
  whether the office contacted them (``contacted``, the 响应率). The case closes
  (办结), unless the citizen says it is not solved and wants it handled again
  (``redo``): then it is reopened to the office that replied, like a citizen's
  own reopen (``feedback.check_reopen``).

Resolution and satisfaction stay two figures (:func:`followup_figures`, shown by
the dashboard's statistics): ratings give satisfaction only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar, Literal

from pydantic import Field
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, selectinload

from massline.analysis.text import clean_text
from massline.models import Callback, Message, Rating, User
from massline.services.access import can_see_dispatch_queue, require
from massline.services.casework import closing
from massline.services.casework.actions import action_fits
from massline.services.casework.cases import case_action
from massline.services.casework.feedback import check_reopen
from massline.services.casework.paging import Page
from massline.services.casework.schemas import CaseRequest, CaseResult
from massline.services.errors import Conflict, ValidationFailed
from massline.services.events import add_event
from massline.services.policy import casework_policy


class CallbackRequest(CaseRequest):
    """回访: what the citizen answered on the phone (or that nobody answered)."""

    action: ClassVar[str] = "callback"
    reached: bool = Field(title="是否联系上群众", description="false: nobody answered (a try, counted)")
    resolved: Literal["已解决", "部分解决", "未解决"] | None = Field(default=None, title="问题是否解决")
    satisfied: Literal["满意", "基本满意", "不满意"] | None = Field(default=None, title="群众是否满意")
    contacted: bool | None = Field(default=None, title="承办单位是否联系过群众",
                                   description="the citizen's answer (响应率 of accountability)")  # fmt: skip
    redo: bool = Field(default=False, title="群众要求重新办理",
                       description="with resolved 未解决: the case is reopened instead of closed")  # fmt: skip
    note: str = Field(default="", max_length=1000, title="回访记录")


class CallbackResult(CaseResult):
    """The case after the 回访: closed, reopened, or still replied (a try nobody answered)."""

    callback_id: int
    tries: int


def _tries(session: Session, message: Message) -> int:
    reply = message.published_reply
    return int(
        session.scalar(
            select(func.count()).where(
                Callback.message_id == message.id,
                Callback.reached.is_(False),
                Callback.reply_id == (reply.id if reply else None),
            )
        )
        or 0
    )


def _check(req: CallbackRequest) -> str:
    note = clean_text(req.note).strip()
    if not req.reached:
        return note
    errors = {}
    if req.resolved is None:
        errors["resolved"] = "请选择群众反映的问题是否解决"
    if req.satisfied is None:
        errors["satisfied"] = "请选择群众是否满意"
    if req.redo and req.resolved != "未解决":
        errors["redo"] = "只有群众反映“未解决”时才能要求重新办理"
    if req.redo and len(note) < 4:
        errors["note"] = "请在回访记录中写明群众要求重新办理的原因（至少 4 个字）"
    if errors:
        raise ValidationFailed(errors)
    return note


def _contact(req: CallbackRequest) -> dict[str, Any]:
    """The event's ``contacted`` answer, when the citizen was asked."""
    return {} if req.contacted is None else {"contacted": req.contacted}


def record_callback(session: Session, user: User | None, message: Message, req: CallbackRequest,
                    now: datetime) -> Callback:  # fmt: skip
    """Record one 回访 of the replied ``message`` (see the module docstring); all or nothing."""
    if not action_fits("callback", message):
        raise Conflict(f"当前状态为「{message.status_label}」，只有已答复未评价的留言可以回访")
    note = _check(req)
    tries = _tries(session, message) + (0 if req.reached else 1)
    reply = message.published_reply
    row = Callback(message=message, reply_id=reply.id if reply else None, reached=req.reached,
                   resolved=req.resolved if req.reached else None, satisfied=req.satisfied if req.reached else None,
                   contacted=req.contacted if req.reached else None,
                   note=note, by_id=user.id if user else None, created_at=now)  # fmt: skip
    session.add(row)
    if not req.reached:
        add_event(session, message, "callback_unreachable", now, actor=user, public=False, note=note or None,
                  tries=tries)  # fmt: skip
        limit = casework_policy(session).callback_max_tries
        if tries >= limit:
            closing.close_case(session, message, now, f"回访 {tries} 次未能联系上群众，办结", actor=user)
        return row
    add_event(session, message, "callback", now, actor=user, public=False, note=note or None,
              resolved=req.resolved, satisfied=req.satisfied, **_contact(req))  # fmt: skip
    if req.redo:
        check_reopen(session, message, f"回访时群众反映问题未解决，要求重新办理：{note}", now)
    else:
        closing.close_case(session, message, now, f"回访办结（{req.resolved}，{req.satisfied}）", actor=user)
    return row


@case_action(CallbackRequest, CallbackResult, label="记录回访", done="回访已记录。")
def callback(session: Session, user: User, message: Message, req: CallbackRequest, now: datetime) -> CallbackResult:
    """记录回访: the dispatch centre records the citizen's answers by phone (resolved? satisfied?)."""
    row = record_callback(session, user, message, req, now)
    session.flush()
    return CallbackResult(**CaseResult.fields_of(message), callback_id=row.id, tries=_tries(session, message))


def _unrated() -> ColumnElement[bool]:
    """SQL: the case's reply has no rating (a rating closes a replied case; older data may differ)."""
    return ~select(Rating.id).where(Rating.message_id == Message.id).exists()


def callback_queue(session: Session, user: User, now: datetime, page: int = 1,
                   page_size: int = 50) -> Page[Message]:  # fmt: skip
    """The replied, unrated cases whose reply is ``callback_after_days`` old, oldest reply first
    (回访), for those who may see the dispatch queue (else Forbidden)."""
    require(can_see_dispatch_queue(user))
    cutoff = now - timedelta(days=casework_policy(session).callback_after_days)
    where = (Message.status == "replied", Message.replied_at <= cutoff, _unrated())
    total = int(session.scalar(select(func.count()).select_from(Message).where(*where)) or 0)
    page = max(page, 1)
    rows = session.scalars(
        select(Message).where(*where).order_by(Message.replied_at, Message.id)
        .limit(page_size).offset((page - 1) * page_size)
        .options(selectinload(Message.office), selectinload(Message.replies))
    ).all()
    return Page(list(rows), total, page, page_size)


def callback_tries(session: Session, message_ids: list[int]) -> dict[int, int]:
    """How many unanswered 回访 calls each of ``message_ids`` has had (any reply)."""
    if not message_ids:
        return {}
    rows = session.execute(
        select(Callback.message_id, func.count())
        .where(Callback.message_id.in_(message_ids), Callback.reached.is_(False))
        .group_by(Callback.message_id)
    )
    return {int(mid): int(n) for mid, n in rows}


@dataclass
class FollowupFigures:
    """Resolution and satisfaction, kept apart: from 回访 answers and from citizens' ratings."""

    callbacks: int = 0  # 回访 in which the citizen answered
    resolved: int = 0  # … and said 已解决
    partly_resolved: int = 0  # … 部分解决
    callback_satisfied: int = 0  # … 满意 or 基本满意
    ratings: int = 0
    rating_satisfied: int = 0  # ratings of 4 or 5 stars

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return 100.0 * part / whole if whole else None

    @property
    def resolution_rate(self) -> float | None:
        """已解决 share (percent) of the answered 回访; None without any."""
        return self._rate(self.resolved, self.callbacks)

    @property
    def callback_satisfaction_rate(self) -> float | None:
        """满意 or 基本满意 share (percent) of the answered 回访."""
        return self._rate(self.callback_satisfied, self.callbacks)

    @property
    def rating_satisfaction_rate(self) -> float | None:
        """Share (percent) of citizens' ratings with 4 or 5 stars."""
        return self._rate(self.rating_satisfied, self.ratings)


def followup_figures(session: Session, conds: list[ColumnElement[bool]]) -> FollowupFigures:
    """The follow-up figures of the messages matching ``conds`` (their latest answer each)."""
    figures = FollowupFigures()
    rows = session.execute(
        select(Callback.message_id, Callback.resolved, Callback.satisfied)
        .join(Message, Message.id == Callback.message_id)
        .where(*conds, Callback.reached.is_(True))
        .order_by(Callback.id)
    )
    latest = {mid: (resolved, satisfied) for mid, resolved, satisfied in rows}
    figures.callbacks = len(latest)
    figures.resolved = sum(1 for r, _ in latest.values() if r == "已解决")
    figures.partly_resolved = sum(1 for r, _ in latest.values() if r == "部分解决")
    figures.callback_satisfied = sum(1 for _, s in latest.values() if s in ("满意", "基本满意"))
    scores = session.execute(
        select(Rating.message_id, Rating.score).join(Message, Message.id == Rating.message_id).where(*conds)
        .order_by(Rating.id)
    )
    rated = {mid: score for mid, score in scores}
    figures.ratings = len(rated)
    figures.rating_satisfied = sum(1 for score in rated.values() if score >= 4)
    return figures
