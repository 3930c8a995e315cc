"""What pages and the API show of issues in lists: hot lists, pages of issues (an issue's own page: ``detail``).

Read-only. Every function that returns a heat returns its components
(``HeatView``). Public views go through ``access.public_issue_condition``
(issues with a public message) and show the issue's public description and
figures (``public``: read from its public members only, redacted), never the
stored ones, which count private messages too; staff views go through
``access.issue_scope`` and show the stored description and figures.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from massline.analysis.text import redact
from massline.models import Category, Issue, Message, Region, User
from massline.services.access import issue_scope, public_issue_condition
from massline.services.casework import MAX_PAGE, Page
from massline.services.errors import NotFound, ValidationFailed
from massline.services.subtree import in_category, in_region

MAX_LIST = 200
MAX_MEMBERS = 200
_LOAD = (selectinload(Issue.region), selectinload(Issue.category), selectinload(Issue.owner_office))


@dataclass
class HeatView:
    """A heat score with its components (name, label, raw, value, weight, contribution)."""

    score: float
    components: list[dict[str, Any]]
    computed_at: datetime | None


@dataclass
class IssueSummaryView:
    """One issue in a list (public lists: description and figures of the public members only)."""

    id: int
    title: str
    place: str
    problem: str
    summary: str
    keywords: list[str]
    region: str | None
    category: str | None
    status: str
    status_label: str
    recurring: bool
    recurrence_count: int
    owner_office: str | None
    first_message_at: datetime | None
    last_message_at: datetime | None
    message_count: int
    people_count: int
    support_count: int
    opposition_count: int
    sentiment: float | None
    heat: HeatView
    created_at: datetime


def heat_view(issue: Issue) -> HeatView:
    """The stored heat of ``issue`` and its components."""
    return HeatView(issue.heat, list(issue.heat_components or []), issue.heat_at)


def summary_view(issue: Issue) -> IssueSummaryView:
    """A list row of ``issue`` as officials see it: the stored description and figures (all members)."""
    return IssueSummaryView(
        id=issue.id,
        title=issue.title,
        place=issue.place,
        problem=issue.problem,
        summary=issue.summary,
        keywords=list(issue.keywords or []),
        region=issue.region.name if issue.region else None,
        category=issue.category.path if issue.category else None,
        status=issue.status,
        status_label=issue.status_label,
        recurring=issue.recurring,
        recurrence_count=issue.recurrence_count,
        owner_office=issue.owner_office.name if issue.owner_office else None,
        first_message_at=issue.first_message_at,
        last_message_at=issue.last_message_at,
        message_count=issue.message_count,
        people_count=issue.people_count,
        support_count=issue.support_count,
        opposition_count=issue.opposition_count,
        sentiment=issue.sentiment,
        heat=heat_view(issue),
        created_at=issue.created_at,
    )


def public_views(session: Session, issues: list[Issue]) -> list[IssueSummaryView]:
    """List rows of public ``issues`` as the public sees them: description and figures of the public
    members only (``public``), texts redacted; region, category, status and owner as stored."""
    from massline.services.issues.public import public_description, public_figures  # numpy: only public lists

    figures = public_figures(session, issues)
    out = []
    for issue in issues:
        d, f = public_description(session, issue), figures[issue.id]
        out.append(replace(
            summary_view(issue), title=redact(d.title), place=redact(d.place), problem=redact(d.problem),
            summary=redact(d.summary), keywords=list(d.keywords), first_message_at=f.first, last_message_at=f.last,
            message_count=f.messages, people_count=f.people, support_count=f.support, opposition_count=f.opposition,
            sentiment=f.sentiment, heat=HeatView(f.heat, list(f.heat_components), f.heat_at),
        ))  # fmt: skip
    return out


def _filtered(
    session: Session, stmt: Any, status: str, region_id: int | None, category_id: int | None, since: datetime | None
) -> Any:
    """``stmt`` narrowed by status, region and category (each with everything under it), and creation time."""
    if status == "active":
        stmt = stmt.where(Issue.status.in_(("open", "owned", "in_progress")))
    elif status:
        stmt = stmt.where(Issue.status == status)
    for cond in (in_region(session, Issue.region_id, region_id), in_category(session, Issue.category_id, category_id)):
        if cond is not None:
            stmt = stmt.where(cond)
    if since is not None:
        stmt = stmt.where(Issue.created_at >= since)
    return stmt


def filter_ids(session: Session, region_code: str = "", category_path: str = "") -> tuple[int | None, int | None]:
    """Region and category ids of a region code and a category path ("" → None; unknown → NotFound)."""
    region_id = category_id = None
    if region_code:
        region_id = session.scalar(select(Region.id).where(Region.code == region_code.strip()))
        if region_id is None:
            raise NotFound("未知的区域")
    if category_path:
        category_id = session.scalar(select(Category.id).where(Category.path == category_path.strip()))
        if category_id is None:
            raise NotFound("未知的领域")
    return region_id, category_id


def hot_issues(
    session: Session,
    *,
    top: int = 20,
    status: str = "",
    region_id: int | None = None,
    category_id: int | None = None,
    min_messages: int = 1,
) -> list[IssueSummaryView]:
    """The public hot list: the ``top`` public issues by heat, hottest first by their public heat
    (public views, ``min_messages`` public messages or more); a region or category filter includes
    the regions and categories under it."""
    stmt = select(Issue).where(public_issue_condition(), Issue.message_count >= min_messages)
    stmt = _filtered(session, stmt, status, region_id, category_id, None)
    stmt = stmt.order_by(Issue.heat.desc(), Issue.message_count.desc(), Issue.id).limit(min(top, MAX_LIST))
    rows = public_views(session, list(session.scalars(stmt.options(*_LOAD))))
    return sorted((v for v in rows if v.message_count >= max(1, min_messages)), key=lambda v: -v.heat.score)


def staff_issues(
    session: Session,
    user: User,
    *,
    page: int = 1,
    page_size: int = 50,
    status: str = "",
    region_id: int | None = None,
    category_id: int | None = None,
    since: datetime | None = None,
    order: str = "heat",
    min_messages: int = 1,
) -> Page[IssueSummaryView]:
    """One page of the issues ``user`` may read, with the total count.

    ``status``: a status, "active" or all but merged; ``region_id`` / ``category_id``
    include the regions and categories under them; ``since``: created since (e.g. "new
    issues this week"); ``order``: "heat" (default), "new" or "recent"; ``page`` from 1
    to ``casework.MAX_PAGE`` (else ValidationFailed), ``page_size`` at most ``MAX_LIST``.
    """
    if not 1 <= page <= MAX_PAGE:
        raise ValidationFailed({"page": f"页码须在 1 到 {MAX_PAGE} 之间"})
    size = max(1, min(page_size, MAX_LIST))
    stmt = select(Issue).where(issue_scope(session, user), Issue.message_count >= min_messages)
    if not status:
        stmt = stmt.where(Issue.status != "merged")
    stmt = _filtered(session, stmt, status, region_id, category_id, since)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    by = {
        "new": (Issue.created_at.desc(), Issue.id.desc()),
        "recent": (Issue.last_message_at.desc(), Issue.id.desc()),
    }.get(order, (Issue.heat.desc(), Issue.message_count.desc(), Issue.id))
    rows = session.scalars(stmt.order_by(*by).limit(size).offset((page - 1) * size).options(*_LOAD))
    return Page([summary_view(i) for i in rows], total, page, size)


def all_issues(session: Session, *, top: int = 20, status: str = "active") -> list[IssueSummaryView]:
    """Every issue by heat, unscoped: for the command line (the deployment's operator)."""
    stmt = _filtered(session, select(Issue).where(Issue.message_count > 0), status, None, None, None)
    return [summary_view(i) for i in session.scalars(stmt.order_by(Issue.heat.desc(), Issue.id).limit(top))]


def message_issue(session: Session, message: Message) -> IssueSummaryView | None:
    """The public summary of the issue a message belongs to (for the message page), if public."""
    if message.issue_id is None:
        return None
    issue = session.scalar(select(Issue).where(Issue.id == message.issue_id, public_issue_condition()))
    return public_views(session, [issue])[0] if issue is not None else None
