"""Routing: which office answers a message, and by when.

A message with an addressee goes to that office. A message whose category
nobody could tell waits in the dispatch queue. Otherwise the office whose
region most specifically contains the message's region and which answers its
category wins (a general office such as a district government answers every
category in its region). A tie or no candidate leaves the message in the
dispatch queue (派单) for a dispatcher. The category comes from the citizen,
or from the registered category suggester (the analysis classifier plugs in
here; the default uses the taxonomy's terms).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from massline.models import Category, DeadlineRule, Leader, Message, Office, Region, SiteSetting

DEFAULT_DEADLINE_DAYS = 15


def suggest_category(session: Session, text: str) -> Category | None:
    """A category for a message at intake, before the analysis has run: the first-level category
    whose sub-category names occur most in the text (by length), or None on a tie or no match.

    The trained classifier comes later, in the pipeline (``services.pipeline``), which routes
    messages still waiting for a dispatcher when it is confident.
    """
    table = routing_table(session)
    scores: dict[str, int] = {}
    for term, top in table.taxonomy_terms:
        if term in text:
            scores[top] = scores.get(top, 0) + len(term)
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return session.get(Category, table.category_by_path[ranked[0][0]])


@dataclass(frozen=True)
class OfficeEntry:
    """What routing needs to know about an office."""

    id: int
    region_id: int
    top_categories: frozenset[str]


@dataclass
class RoutingTable:
    """A snapshot of the configuration routing reads on every submission.

    Built once per configuration version (bumped by every configuration load)
    and shared, so a submission costs one version lookup instead of a dozen
    queries.
    """

    version: str
    ancestors: dict[int, list[int]]
    offices: list[OfficeEntry]
    category_top: dict[int, tuple[str, int | None]]
    rules: list[tuple[int | None, str | None, int]]
    default_days: int
    region_by_code: dict[str, int] = field(default_factory=dict)
    category_by_path: dict[str, int] = field(default_factory=dict)
    office_by_code: dict[str, int] = field(default_factory=dict)
    office_names: dict[int, str] = field(default_factory=dict)
    office_codes: dict[int, str] = field(default_factory=dict)
    leader_office: dict[int, int] = field(default_factory=dict)
    taxonomy_terms: list[tuple[str, str]] = field(default_factory=list)  # (sub-category name, first level)
    _routes: dict[tuple[int, int], int | None] = field(default_factory=dict)
    _days: dict[tuple[int | None, str], int] = field(default_factory=dict)

    def route(self, region_id: int, category_id: int) -> int | None:
        """The office id for a region and category, or None (dispatch queue)."""
        key = (region_id, category_id)
        if key not in self._routes:
            self._routes[key] = self._route(region_id, category_id)
        return self._routes[key]

    def _route(self, region_id: int, category_id: int) -> int | None:
        ancestors = self.ancestors.get(region_id, [])
        depth = {rid: i for i, rid in enumerate(ancestors)}
        top = self.category_top[category_id][0]
        candidates: list[tuple[int, int, int]] = []
        for office in self.offices:
            if office.region_id not in depth:
                continue
            if office.top_categories and top not in office.top_categories:
                continue
            candidates.append((depth[office.region_id], 1 if office.top_categories else 0, office.id))
        if not candidates:
            return None
        candidates.sort(key=lambda c: (-c[0], -c[1]))
        best = candidates[0]
        if len(candidates) > 1 and candidates[1][:2] == best[:2]:
            return None
        return best[2]

    def days(self, category_id: int | None, kind: str) -> int:
        """Days to answer: the most specific rule wins (category+kind > category > kind > default)."""
        key = (category_id, kind)
        if key not in self._days:
            # a rule's category matches the category and everything under it; the deeper one wins
            depth = {cid: i + 1 for i, cid in enumerate(self._chain(category_id))}
            best: tuple[int, int, int] | None = None  # (tier, category depth, days)
            for rule_category, rule_kind, days in self.rules:
                if rule_category is not None and rule_category not in depth:
                    continue
                if rule_kind is not None and rule_kind != kind:
                    continue
                tier = (2 if rule_category is not None else 0) + (1 if rule_kind is not None else 0)
                rank = (tier, depth.get(rule_category, 0) if rule_category is not None else 0, days)
                if best is None or rank[:2] > best[:2]:
                    best = rank
            self._days[key] = best[2] if best else self.default_days
        return self._days[key]

    def _chain(self, category_id: int | None) -> list[int]:
        """The ids of the category's path from its first level down to itself ([] for none)."""
        path = next((p for p, cid in self.category_by_path.items() if cid == category_id), None)
        if path is None:
            return []
        parts = path.split("/")
        return [self.category_by_path["/".join(parts[: i + 1])] for i in range(len(parts))]


_tables: dict[str, RoutingTable] = {}
_tables_lock = threading.Lock()


def config_version(session: Session) -> str:
    """The current configuration version ("" before any configuration load)."""
    row = session.get(SiteSetting, "config_version")
    return row.value if row else ""


_VERSION = select(SiteSetting.value).where(SiteSetting.key == "config_version")


def _current_version(session: Session) -> str:
    # a Core read on the session's connection (no ORM, no autoflush), unless this session holds unflushed
    # changes (a configuration load): then the ORM's get, which sees them
    if session.new or session.dirty or session.deleted:
        return config_version(session)
    return str(session.connection().execute(_VERSION).scalar() or "")


def routing_table(session: Session) -> RoutingTable:
    """The routing snapshot for the session's database, rebuilt when the configuration changed.

    The version is read once per session (kept in ``session.info``).
    """
    cached = session.info.get("routing_table")
    if isinstance(cached, RoutingTable):
        return cached
    key = str(session.get_bind().engine.url)
    version = _current_version(session)
    table = _tables.get(key)
    if table is None or table.version != version or not version:
        table = _build_table(session, version)
        with _tables_lock:
            _tables[key] = table
    session.info["routing_table"] = table
    return table


def _build_table(session: Session, version: str) -> RoutingTable:
    from massline.services.policy import supervision_policy  # pydantic's deployment models, when routing

    regions = session.execute(select(Region.id, Region.code, Region.path)).all()
    ancestors = {rid: [int(x) for x in path.strip("/").split("/") if x] for rid, _code, path in regions}
    categories = session.execute(select(Category.id, Category.path)).all()
    top_ids = {path: cid for cid, path in categories if "/" not in path}
    category_top = {cid: (path.split("/", 1)[0], top_ids.get(path.split("/", 1)[0])) for cid, path in categories}
    all_offices = session.scalars(select(Office).options(selectinload(Office.categories))).all()
    # supervision offices (纪检监察, the deployment's ``supervision:`` section) receive misconduct reports,
    # not messages: routing never picks them by region (a message may still be addressed to them)
    supervision = {spec.office for spec in supervision_policy(session).offices}
    offices = [
        OfficeEntry(o.id, o.region_id, frozenset(c.top_name for c in o.categories))
        for o in all_offices
        if not o.is_dispatch and o.code not in supervision
    ]
    rules = [(r.category_id, r.kind, r.days) for r in session.scalars(select(DeadlineRule))]
    raw = session.get(SiteSetting, "default_deadline_days")
    return RoutingTable(
        version,
        ancestors,
        offices,
        category_top,
        rules,
        int(raw.value) if raw else DEFAULT_DEADLINE_DAYS,
        region_by_code={code: rid for rid, code, _path in regions},
        category_by_path={path: cid for cid, path in categories},
        office_by_code={o.code: o.id for o in all_offices},
        office_names={o.id: o.name for o in all_offices},
        office_codes={o.id: o.code for o in all_offices},
        leader_office={lid: oid for lid, oid in session.execute(select(Leader.id, Leader.office_id))},
        taxonomy_terms=sorted(
            {
                (term, path.split("/", 1)[0])
                for _cid, path in categories
                for term in path.split("/")[1:]
                if len(term) >= 2 and term != "其他"
            }
        ),
    )


def route_office(session: Session, message: Message) -> Office | None:
    """The office that should answer ``message``, or None for the dispatch queue."""
    if message.addressee_office_id is not None:
        return session.get(Office, message.addressee_office_id)
    if message.addressee_office is not None:
        return message.addressee_office
    if message.region_id is None and message.region is None:
        return None
    if message.category is None:
        return None  # a person classifies it first (dispatch queue)
    region_id = message.region_id if message.region_id is not None else message.region.id  # type: ignore[union-attr]
    office_id = routing_table(session).route(region_id, message.category.id)
    return session.get(Office, office_id) if office_id is not None else None


def deadline_days(session: Session, category: Category | None, kind: str) -> int:
    """Days to answer: the most specific rule wins (category+kind > category > kind > default)."""
    return routing_table(session).days(category.id if category else None, kind)


def due_soon_days(session: Session) -> int:
    """How many days before its deadline a case is marked due soon."""
    raw = session.get(SiteSetting, "due_soon_days")
    return int(raw.value) if raw else 2


def compute_due(session: Session, message: Message, start: datetime) -> datetime:
    """The deadline of ``message`` counted from ``start``."""
    return start + timedelta(days=deadline_days(session, message.category, message.kind))
