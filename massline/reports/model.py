"""The monthly report's model: plain dataclasses the service fills from the database and every
renderer reads (rates as fractions 0–1, None where there is nothing to measure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Volumes:
    """What came in and what was done in the period."""

    messages: int
    replied: int
    closed: int
    by_kind: dict[str, int] = field(default_factory=dict)
    by_domain: dict[str, int] = field(default_factory=dict)
    #: (领域, 类型) -> messages
    by_domain_kind: dict[tuple[str, str], int] = field(default_factory=dict)


@dataclass
class OfficeRates:
    """One office's three rates, 综合得分, rank with its interval and funnel position (the ranking's row)."""

    office: str
    followups: int
    response: float | None
    resolution: float | None
    satisfaction: float | None
    score: float | None
    on_time_reply: float | None
    reopen: float | None
    expected_resolution: float | None
    standardised_resolution: float | None
    lower: float | None
    upper: float | None
    position: str
    rank: int | None
    rank_low: int | None
    rank_high: int | None


@dataclass
class FlagRow:
    """An office flagged by an anti-gaming check."""

    office: str
    check: str
    count: int
    rate: float
    overall: float
    cases: list[str]
    reason: str


@dataclass
class HotIssue:
    """An issue many messages of the period joined, and what was done about it."""

    title: str
    place: str
    status: str
    owner: str
    messages: int
    total_messages: int
    replies: int
    actions: list[str] = field(default_factory=list)


@dataclass
class CadenceRow:
    """An office's reply cadence at the end of the period (officials silent too long named)."""

    office: str
    days_since_reply: int | None
    replies: int
    median_hours: float | None
    silent: bool
    read_but_silent: int
    silent_officials: list[str] = field(default_factory=list)


@dataclass
class ExemplaryReply:
    """A well-rated reply: the official is named only with their consent (else the office only)."""

    tracking_code: str
    title: str
    office: str
    official: str | None
    score: float
    source: str  # "review" (the reply review's 总分, 0–1) or "citizen" (the citizen's rating, 1–5)
    published_at: datetime | None
    excerpt: str


@dataclass
class MonthlyReport:
    """Everything the monthly report shows for one period."""

    period: str
    start: datetime
    end: datetime
    generated_at: datetime
    deployment: str
    funnel_target: float | None
    min_followups: int
    weights: tuple[float, float, float]
    volumes: Volumes
    offices: list[OfficeRates] = field(default_factory=list)
    flags: list[FlagRow] = field(default_factory=list)
    hot_issues: list[HotIssue] = field(default_factory=list)
    cadence: list[CadenceRow] = field(default_factory=list)
    silent_after_days: int = 14
    exemplary_review: list[ExemplaryReply] = field(default_factory=list)
    exemplary_citizen: list[ExemplaryReply] = field(default_factory=list)

    @property
    def ranked(self) -> list[OfficeRates]:
        """The offices with a rank, best first."""
        return sorted((o for o in self.offices if o.rank is not None), key=lambda o: (o.rank, o.office))
