"""The research ledger in the JSON API (``/api/v1/research``): a leader's ledger for a year and a
manual entry, the same services as the pages (``web/research.py``, docs/research.md)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from massline.models import ResearchEntry, User
from massline.services import research
from massline.web.deps import ApiOfficial, PlatformDep, SessionDep
from massline.web.ids import ID_MAX, checked_ids

router = APIRouter(prefix="/api/v1/research", tags=["officials"])
Year = Annotated[int | None, Query(ge=2000, le=2100, title="年度")]
UserId = Annotated[int | None, Query(ge=1, le=ID_MAX, title="编号")]


class EntryOut(BaseModel):
    """A manual research entry."""

    id: int
    kind: str
    kind_label: str
    title: str
    held_on: date
    hours: float
    online: bool
    findings: str
    outcome: str
    issue_id: int | None
    message_id: int | None


class LedgerOut(BaseModel):
    """A leader's research in one year against the quota of their level (days; online and offline
    both count toward the quota)."""

    user_id: int
    name: str
    year: int
    level: str
    quota_days: int
    hours_per_day: float
    online_days: float
    offline_days: float
    total_days: float
    remaining_days: float
    met: bool
    activity_hours: float
    activity_runs: int
    entries: list[EntryOut]


def _entry(e: ResearchEntry) -> EntryOut:
    return EntryOut(id=e.id, kind=e.kind, kind_label=e.kind_label, title=e.title, held_on=e.held_on,
                    hours=round(e.minutes / 60, 2), online=e.online, findings=e.findings, outcome=e.outcome,
                    issue_id=e.issue_id, message_id=e.message_id)  # fmt: skip


@router.get("/ledger", response_model=LedgerOut)
def ledger(
    user: ApiOfficial, session: SessionDep, platform: PlatformDep, year: Year = None, user_id: UserId = None
) -> LedgerOut:
    """A leader's research ledger for ``year`` (default: this year); ``user_id`` default: your own.
    Another's ledger: supervisors and admins only (404 otherwise)."""
    year = year if year is not None else research.current_year(session, platform.now())
    page = research.ledger_page(session, user, user_id or user.id, year)
    figures = page.ledger
    return LedgerOut(
        user_id=figures.user.id, name=figures.user.display_name, year=year, level=figures.level,
        quota_days=figures.quota_days, hours_per_day=figures.hours_per_day, online_days=figures.online_days,
        offline_days=figures.offline_days, total_days=figures.total_days, remaining_days=figures.remaining_days,
        met=figures.met, activity_hours=round(figures.activity_hours, 2), activity_runs=figures.activity_runs,
        entries=[_entry(e) for e in page.entries],
    )  # fmt: skip


EntryIn = checked_ids(research.EntryInput)


@router.post("/entries", status_code=201, response_model=EntryOut)
def add_entry(data: EntryIn, user: ApiOfficial, platform: PlatformDep) -> EntryOut:  # type: ignore[valid-type]
    """Add a manual research entry (online survey, live Q&A, field visit) to your own ledger; audited.
    422 with the field named in Chinese (unknown kind, a date in the future, an issue or case you may
    not read)."""
    with platform.write() as session:
        actor = session.get(User, user.id)
        assert actor is not None
        entry = research.check_add_entry(session, actor, data, platform.now())
        return _entry(entry)
