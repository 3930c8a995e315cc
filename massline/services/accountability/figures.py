"""The accountability figures of the platform's own cases.

:func:`office_followup_counts` counts the three rates' numerators and denominators per
office by SQL aggregation over the 回访 records (the headline table of the pages);
:func:`platform_analysis` runs the pure statistics (``analysis.accountability``) over the
exported case history for the funnels, ranks, process figures and checks. The two agree
by construction of the definitions, and a test holds them to it on the demo.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session, aliased

from massline.analysis.accountability import (
    Analysis,
    CaseFacts,
    Event,
    Params,
    all_case_facts,
    analyse_facts,
    period_of,
)
from massline.models import Callback, MessageEvent, Office
from massline.services.accountability.history import history_events
from massline.services.policy import accountability_policy

REPLY_EVENTS = ("replied", "issue_replied")


@dataclass(frozen=True, slots=True)
class FollowupCounts:
    """One office's valid 回访 and their answers (the three rates' parts)."""

    followups: int
    contacted: int
    solved: int
    satisfied: int
    basically_satisfied: int

    def rates(self, params: Params) -> dict[str, float | None]:
        """响应率, 解决率, 满意率 and 综合得分 (None without follow-ups)."""
        n = self.followups
        if not n:
            return {"响应率": None, "解决率": None, "满意率": None, "综合得分": None}
        r, s, m = self.contacted / n, self.solved / n, (self.satisfied + 0.9 * self.basically_satisfied) / n
        score = params.weight_response * r + params.weight_resolution * s + params.weight_satisfaction * m
        return {"响应率": r, "解决率": s, "满意率": m, "综合得分": score}


def _accountable_office():  # type: ignore[no-untyped-def]  # a correlated scalar subquery
    """SQL: the office of the last published reply before the 回访, else the office holding the case then."""
    reply = aliased(MessageEvent)
    last_reply = (
        select(reply.office_id)
        .where(reply.message_id == Callback.message_id, reply.type.in_(REPLY_EVENTS),
               reply.created_at <= Callback.created_at)
        .order_by(reply.created_at.desc(), reply.id.desc()).limit(1).scalar_subquery()
    )  # fmt: skip
    any_event = aliased(MessageEvent)
    holder = (
        select(any_event.office_id)
        .where(any_event.message_id == Callback.message_id, any_event.created_at <= Callback.created_at)
        .order_by(any_event.created_at.desc(), any_event.id.desc()).limit(1).scalar_subquery()
    )  # fmt: skip
    return func.coalesce(last_reply, holder)


def office_followup_counts(session: Session, since: datetime | None = None,
                           until: datetime | None = None) -> dict[str, FollowupCounts]:  # fmt: skip
    """Per office name: its valid 回访 (the citizen reached) in ``[since, until)`` and their answers."""
    office = _accountable_office().label("office_id")
    conds: list[ColumnElement[bool]] = [Callback.reached.is_(True)]
    if since is not None:
        conds.append(Callback.created_at >= since)
    if until is not None:
        conds.append(Callback.created_at < until)
    inner = (
        select(
            office,
            case((Callback.contacted.is_(True), 1), else_=0).label("contacted"),
            case((Callback.resolved == "已解决", 1), else_=0).label("solved"),
            case((Callback.satisfied == "满意", 1), else_=0).label("satisfied"),
            case((Callback.satisfied == "基本满意", 1), else_=0).label("basic"),
        )
        .where(and_(*conds))
        .subquery()
    )
    rows = session.execute(
        select(Office.name, func.count(), func.sum(inner.c.contacted), func.sum(inner.c.solved),
               func.sum(inner.c.satisfied), func.sum(inner.c.basic))
        .join(Office, Office.id == inner.c.office_id)
        .group_by(Office.name)
    )  # fmt: skip
    return {name: FollowupCounts(*(int(v or 0) for v in values)) for name, *values in rows}


def platform_params(session: Session) -> Params:
    """The deployment's accountability policy as the statistics' parameters."""
    return Params.from_mapping(accountability_policy(session).model_dump())


def platform_analysis(session: Session, tz: tzinfo, now: datetime, period: str | None = None,
                      events: list[Event] | None = None) -> Analysis:  # fmt: skip
    """The figures of every office over the platform's history (``events``, when already read): all of
    it, or one ``period`` (YYYY-MM, with the deployment's start day: the 回访, assignments and replies
    in it; the checks over the cases submitted in it)."""
    params = platform_params(session)
    if events is None:
        events = history_events(session, tz)
    as_of = now.astimezone(tz).replace(tzinfo=None)
    if period is None:
        return analyse_facts(all_case_facts(events), params, as_of)

    def group(office: str, at: datetime) -> Hashable:
        return office if period_of(at, params.period_start_day) == period else ""

    def in_period(f: CaseFacts) -> bool:
        return f.submitted is not None and period_of(f.submitted, params.period_start_day) == period

    return analyse_facts(all_case_facts(events), params, as_of, group, check_case=in_period)
