"""One pass over a case's events: who was accountable for what, and when.

:func:`case_facts` turns the time-ordered events of one case into a :class:`CaseFacts`:
its follow-ups with their accountable office (the office of the last 答复 before the
回访, else the office holding the case then), its assignments (派单, 转办, 重办) with
their acceptance and reply times and deadlines, and the steps the checks look at.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import groupby
from operator import attrgetter

from massline.analysis.accountability.history import Event

_AT = attrgetter("at")
SATISFACTION_SCORE = {"满意": 1.0, "基本满意": 0.9, "不满意": 0.0}
SERIOUS_KINDS = frozenset({"投诉", "求助", "举报"})
LIGHT_KINDS = frozenset({"咨询", "建言"})


@dataclass(slots=True)
class Followup:
    """One 回访, charged to ``office``."""

    office: str
    at: datetime
    valid: bool
    contacted: bool
    solved: bool
    satisfaction: str


@dataclass(slots=True)
class Assignment:
    """The case held by ``office`` from ``at`` (a 派单, 转办 or 重办) until ``ended`` (or still)."""

    office: str
    at: datetime
    days: int | None
    accepted: datetime | None = None
    extension_days: int = 0
    replied: datetime | None = None
    ended: datetime | None = None
    how: str = "派单"

    @property
    def due(self) -> datetime | None:
        """The reply deadline: start + 期限 + approved 延期 days (None without a 期限)."""
        if self.days is None:
            return None
        return self.at + timedelta(days=self.days + self.extension_days)


@dataclass(slots=True)
class Step:
    """A step a check looks at: ``office`` did ``what`` at ``at`` (``note``: e.g. 投诉→咨询)."""

    office: str
    at: datetime
    what: str
    note: str = ""


@dataclass(slots=True)
class CaseFacts:
    """What one case's history says (see the module docstring)."""

    case: str
    kind: str = ""
    domain: str = ""
    submitted: datetime | None = None
    followups: list[Followup] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    replies: list[tuple[str, datetime]] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    transfers: int = 0

    @property
    def cell(self) -> tuple[str, str]:
        """The case-mix cell (领域, 类型 as submitted: a later 改类 does not change the expectation)."""
        return (self.domain, self.kind)


class _Walk:
    """The state of one case while its events are read in time order."""

    def __init__(self, case: str) -> None:
        self.facts = CaseFacts(case)
        self.current: Assignment | None = None
        self.last_reply_office: str | None = None
        self.replied_since_reopen = False
        self.last_reply_at: datetime | None = None
        self.followup_since_reply = False
        self.kind = ""
        self.days: int | None = None

    def holder(self, event: Event) -> str:
        return event.office or (self.current.office if self.current else "")

    def assign(self, event: Event, how: str) -> None:
        if self.current is not None and self.current.ended is None:
            self.current.ended = event.at
        days = event.detail.get("期限")
        if days is not None:
            self.days = int(days)
        self.current = Assignment(event.office, event.at, self.days, how=how)
        self.facts.assignments.append(self.current)

    def step(self, event: Event) -> None:  # noqa: C901 - one branch per event name
        name, facts = event.name, self.facts
        if name == "提交":
            facts.kind = self.kind = event.detail.get("类型", "")
            facts.domain = event.detail.get("领域", "")
            facts.submitted = event.at
        elif name == "派单":
            self.assign(event, "派单")
        elif name == "转办":
            facts.transfers += 1
            if self.current is not None:
                facts.steps.append(Step(self.current.office, event.at, "转办", event.office))
            self.assign(event, "转办")
        elif name == "重办":
            office = event.office or self.last_reply_office or ""
            facts.steps.append(Step(office, event.at, "重办"))
            self.assign(Event(event.case, event.at, name, office, event.detail), "重办")
            self.replied_since_reopen = False
        elif name == "签收":
            if self.current is not None and self.current.accepted is None:
                self.current.accepted = event.at
        elif name == "延期":
            days = int(event.detail.get("天数", "0"))
            if self.current is not None:
                self.current.extension_days += days
            facts.steps.append(Step(self.holder(event), event.at, "延期", str(days)))
        elif name == "答复":
            office = self.holder(event)
            self.last_reply_office, self.last_reply_at = office, event.at
            self.replied_since_reopen, self.followup_since_reply = True, False
            facts.replies.append((office, event.at))
            if self.current is not None and self.current.replied is None:
                self.current.replied = event.at
        elif name == "办结":
            self.close(event)
        elif name == "回访":
            self.followup(event)
        elif name == "改类":
            new = event.detail.get("类型", "")
            facts.steps.append(Step(self.holder(event), event.at, "改类", f"{self.kind}→{new}"))
            self.kind = new

    def close(self, event: Event) -> None:
        office = self.holder(event)
        what = "办结" if self.replied_since_reopen else "未答先结"
        self.facts.steps.append(Step(office, event.at, what, self._quick(event.at)))
        if self.current is not None and self.current.ended is None:
            self.current.ended = event.at

    def _quick(self, at: datetime) -> str:
        """Days between the 答复 and this 办结 when no 回访 came in between ("" otherwise)."""
        if self.last_reply_at is None or self.followup_since_reply:
            return ""
        return f"{(at - self.last_reply_at).total_seconds() / 86400:.4f}"

    def followup(self, event: Event) -> None:
        d = event.detail
        office = self.last_reply_office or self.holder(event)
        self.facts.followups.append(
            Followup(
                office,
                event.at,
                d.get("有效") == "是",
                d.get("联系") == "是",
                d.get("解决") == "是",
                d.get("满意", "不满意"),
            )  # fmt: skip
        )
        self.followup_since_reply = True


def case_facts(case: str, events: Iterable[Event]) -> CaseFacts:
    """The facts of one case from its events (sorted by time here; equal times keep file order)."""
    walk = _Walk(case)
    for event in sorted(events, key=_AT):
        walk.step(event)
    return walk.facts


def all_case_facts(events: Iterable[Event]) -> Iterator[CaseFacts]:
    """The facts of every case in ``events`` (grouped by 案件编号; rows of a case need not be adjacent)."""
    by_case: dict[str, list[Event]] = {}
    for event in events:
        by_case.setdefault(event.case, []).append(event)
    for case, rows in by_case.items():
        yield case_facts(case, rows)


def adjacent_case_facts(events: Iterable[Event]) -> Iterator[CaseFacts]:
    """Like :func:`all_case_facts` for events whose cases are already contiguous (less memory)."""
    for case, rows in groupby(events, key=attrgetter("case")):
        yield case_facts(case, rows)
