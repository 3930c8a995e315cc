"""The monthly report's figures (issue 15): one function gathers, for a period of the deployment
(``accountability.period_start_day``: the 19th to the 18th, or calendar months), the volumes, the
ranking with its funnel and intervals, the anti-gaming flags, the hot issues and what was done about
them, the reply cadence and the exemplary replies, as the plain dataclasses of ``massline.reports``.

Nothing is computed twice: the rates and ranks are the ranking page's (``views.period_ranking``,
the SQL counts and ``analysis.accountability``), the cadence is ``research.office_cadence``'s, the
reply scores are the stored reviews (``ReplyReview``) and the citizens' ratings."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, true
from sqlalchemy.orm import Session

from massline.analysis.accountability import period_of
from massline.models import Category, Issue, IssueEvent, Message, MessageEvent, Office, Rating, Reply, ReplyReview, User
from massline.reports.model import (
    CadenceRow,
    ExemplaryReply,
    FlagRow,
    HotIssue,
    MonthlyReport,
    OfficeRates,
    Volumes,
)
from massline.services import audit
from massline.services.access import accountability_flag_office, can_download_monthly_report, message_scope, require
from massline.services.accountability.figures import platform_params
from massline.services.accountability.views import OfficeRow, period_bounds, period_ranking
from massline.services.deployment import site_setting
from massline.services.errors import ValidationFailed
from massline.services.intake import deployment_timezone
from massline.services.policy import research_policy
from massline.services.research import office_cadence

HOT_ISSUES, EXEMPLARY, EXCERPT = 10, 5, 120
PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def _window(query: Any, column: Any, start: datetime, end: datetime) -> Any:
    return query.where(column >= start, column < end)


def _volumes(session: Session, start: datetime, end: datetime) -> Volumes:
    domains = {cid: path.split("/")[0] for cid, path in session.execute(select(Category.id, Category.path))}
    cells: Counter[tuple[str, str]] = Counter()
    stmt = select(Message.kind, Message.category_id, func.count()).group_by(Message.kind, Message.category_id)
    for kind, cid, n in session.execute(_window(stmt, Message.created_at, start, end)):
        cells[(domains.get(cid, "未分类"), kind)] += n
    replied = (
        session.scalar(
            _window(
                select(func.count(func.distinct(Reply.message_id))).where(Reply.status == "published"),
                Reply.published_at,
                start,
                end,
            )
        )
        or 0
    )
    closed = (
        session.scalar(
            _window(
                select(func.count(func.distinct(MessageEvent.message_id))).where(MessageEvent.type == "closed"),
                MessageEvent.created_at,
                start,
                end,
            )
        )
        or 0
    )
    by_kind: Counter[str] = Counter()
    by_domain: Counter[str] = Counter()
    for (domain, kind), n in cells.items():
        by_kind[kind] += n
        by_domain[domain] += n
    return Volumes(
        sum(cells.values()),
        int(replied),
        int(closed),
        dict(by_kind.most_common()),
        dict(by_domain.most_common()),
        dict(sorted(cells.items())),
    )


def _office_rates(row: OfficeRow) -> OfficeRates:
    return OfficeRates(
        row.office,
        row.followups,
        row.response,
        row.resolution,
        row.satisfaction,
        row.score,
        row.on_time_reply,
        row.reopen,
        row.expected_resolution,
        row.standardised_resolution,
        row.lower,
        row.upper,
        row.position,
        row.rank,
        row.rank_low,
        row.rank_high,
    )


def _hot_issues(session: Session, start: datetime, end: datetime, scope: Any) -> list[HotIssue]:
    """The issues most of the period's messages (in ``scope``) joined, and what was done in the period."""
    from massline.services.issues import ISSUE_EVENT_LABELS  # loads the issues step (numpy) only here

    counts = list(
        session.execute(
            _window(
                select(Message.issue_id, func.count()).where(Message.issue_id.is_not(None), scope),
                Message.created_at,
                start,
                end,
            )
            .group_by(Message.issue_id)
            .order_by(func.count().desc(), Message.issue_id)
            .limit(HOT_ISSUES)
        )
    )
    out = []
    for issue_id, n in counts:
        issue = session.get(Issue, issue_id)
        if issue is None:
            continue
        events = session.scalars(
            _window(
                select(IssueEvent).where(IssueEvent.issue_id == issue_id), IssueEvent.created_at, start, end
            ).order_by(IssueEvent.id)
        )
        actions = [
            ISSUE_EVENT_LABELS.get(e.type, e.type) + (f"：{e.note}" if e.note else "")
            for e in events
            if e.type not in ("created", "rebuilt")
        ]
        replies = (
            session.scalar(
                _window(
                    select(func.count())
                    .select_from(Reply)
                    .join(Message, Message.id == Reply.message_id)
                    .where(Message.issue_id == issue_id, Reply.status == "published"),
                    Reply.published_at,
                    start,
                    end,
                )
            )
            or 0
        )
        owner = issue.owner_office.name if issue.owner_office else ""
        out.append(
            HotIssue(
                issue.title or issue.problem,
                issue.place,
                issue.status,
                owner,
                int(n),
                issue.message_count,
                int(replies),
                actions,
            )
        )
    return out


def _cadence(session: Session, viewer: User | None, at: datetime) -> list[CadenceRow]:
    rows = []
    for oc in office_cadence(session, viewer, at):
        f = oc.figures
        rows.append(
            CadenceRow(
                oc.office.name,
                f.days_since_reply,
                f.replies,
                f.median_hours,
                f.silent,
                sum(len(c.read_but_silent) for _, c in oc.officials),
                [u.display_name for u, c in oc.officials if c.silent],
            )
        )
    return rows


def _exemplary(
    reply: Reply, message: Message, office: str, author: User | None, score: float, source: str
) -> ExemplaryReply:
    named = author.display_name if author is not None and author.name_consent else None
    excerpt = " ".join(reply.body.split())
    excerpt = excerpt if len(excerpt) <= EXCERPT else excerpt[:EXCERPT] + "…"
    return ExemplaryReply(
        message.tracking_code, message.title, office, named, round(score, 3), source, reply.published_at, excerpt
    )


def _best_replies(
    session: Session, start: datetime, end: datetime, scope: Any
) -> tuple[list[ExemplaryReply], list[ExemplaryReply]]:
    """The best-reviewed published replies of the period and the replies citizens rated best (of the
    messages in ``scope``)."""
    base = (
        select(Reply, Message, Office.name, User)
        .join(Message, Message.id == Reply.message_id)
        .join(Office, Office.id == Reply.office_id)
        .outerjoin(User, User.id == Reply.author_id)
        .where(scope)
    )
    reviewed = session.execute(
        _window(
            base.add_columns(ReplyReview.total)
            .join(ReplyReview, ReplyReview.reply_id == Reply.id)
            .where(ReplyReview.stage == "published", Reply.status == "published"),
            ReplyReview.created_at,
            start,
            end,
        ).order_by(ReplyReview.total.desc(), Reply.id)
    )
    by_review: dict[int, ExemplaryReply] = {}
    for reply, message, office, author, total in reviewed:
        if reply.id not in by_review and len(by_review) < EXEMPLARY:
            by_review[reply.id] = _exemplary(reply, message, office, author, total, "review")
    rated = session.execute(
        _window(
            base.add_columns(func.avg(Rating.score))
            .join(Rating, Rating.reply_id == Reply.id)
            .where(Reply.status == "published"),
            Rating.created_at,
            start,
            end,
        )
        .group_by(Reply.id, Message.id, Office.name, User.id)
        .order_by(func.avg(Rating.score).desc(), Reply.id)
        .limit(EXEMPLARY)
    )
    by_citizen = [_exemplary(r, m, o, a, float(score), "citizen") for r, m, o, a, score in rated]
    return list(by_review.values()), by_citizen


def check_period(period: str) -> str:
    """``period`` if it is a month written YYYY-MM (else ValidationFailed, in Chinese)."""
    if not PERIOD.match(period or ""):
        raise ValidationFailed({"month": f"月份应写作 YYYY-MM（例如 2026-03），而不是“{period}”"})
    return period


def _visible_flags(session: Session, viewer: User | None, flags: list[FlagRow]) -> list[FlagRow]:
    office_id = None if viewer is None else accountability_flag_office(viewer)
    if office_id is None:
        return flags
    own = session.get(Office, office_id) if office_id > 0 else None
    return [f for f in flags if own is not None and f.office == own.name]


def monthly_report(
    session: Session, default_tz: str, now: datetime, period: str, viewer: User | None = None
) -> MonthlyReport:
    """Everything the monthly report shows for ``period`` (YYYY-MM, the deployment's period that starts
    in that month); times local to the deployment's time zone (``default_tz`` when it has none).
    ``viewer`` None: everything (the operator's command); else what ``viewer`` may see (their office's
    flags and cadence for an office head; hot issues and exemplary replies of the messages they read)."""
    check_period(period)
    tz = deployment_timezone(session, default_tz)
    params = platform_params(session)
    start, end = period_bounds(period, params.period_start_day, tz)
    view = period_ranking(session, tz, now, period)
    flags = [FlagRow(f.office, f.check, f.count, f.rate, f.overall, list(f.cases), f.reason) for f in view.flags]
    scope = true() if viewer is None else message_scope(session, viewer)
    review, citizen = _best_replies(session, start, end, scope)
    return MonthlyReport(
        period,
        start,
        end,
        now,
        site_setting(session, "site_name", "网上群众工作平台"),
        view.dispersion.target if view.rows else None,
        params.min_followups,
        (params.weight_response, params.weight_resolution, params.weight_satisfaction),
        _volumes(session, start, end),
        [_office_rates(r) for r in view.rows if r.followups],
        _visible_flags(session, viewer, flags),
        _hot_issues(session, start, end, scope),
        _cadence(session, viewer, min(now, end)),
        research_policy(session).silent_after_days,
        review,
        citizen,
    )


def current_period(session: Session, default_tz: str, now: datetime) -> str:
    """The period (YYYY-MM) ``now`` falls in, with the deployment's start day."""
    tz = deployment_timezone(session, default_tz)
    return period_of(now.astimezone(tz).replace(tzinfo=None), platform_params(session).period_start_day)


def report_for(session: Session, viewer: User, default_tz: str, now: datetime, period: str) -> MonthlyReport:
    """The monthly report as ``viewer`` may download it from the workbench (Forbidden unless an office
    head, a supervisor or an admin; ValidationFailed for a bad month); the download is audited."""
    require(can_download_monthly_report(viewer))
    report = monthly_report(session, default_tz, now, period, viewer)
    audit.record(session, viewer, "monthly_report", "report", None, period=period)
    return report
