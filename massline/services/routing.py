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

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from massline.models import Category, DeadlineRule, Message, Office, Region, SiteSetting

CategorySuggester = Callable[[Session, str], Category | None]
_suggesters: list[CategorySuggester] = []
DEFAULT_DEADLINE_DAYS = 15


def register_category_suggester(fn: CategorySuggester) -> CategorySuggester:
    """Add a category suggester; the latest registered one is asked first."""
    _suggesters.insert(0, fn)
    return fn


def suggest_category(session: Session, text: str) -> Category | None:
    """Ask the registered suggesters, newest first, for the text's category."""
    for fn in _suggesters:
        category = fn(session, text)
        if category is not None:
            return category
    return None


@register_category_suggester
def taxonomy_terms_suggester(session: Session, text: str) -> Category | None:
    """Baseline: the first-level category whose sub-category names occur most in the text."""
    scores: dict[str, int] = {}
    for path in session.scalars(select(Category.path).where(Category.level > 1)):
        parts = path.split("/")
        for term in parts[1:]:
            if len(term) >= 2 and term != "其他" and term in text:
                scores[parts[0]] = scores.get(parts[0], 0) + len(term)
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return session.scalar(select(Category).where(Category.path == ranked[0][0]))


def _ancestor_ids(session: Session, region: Region) -> list[int]:
    return [int(x) for x in region.path.strip("/").split("/") if x]


def route_office(session: Session, message: Message) -> Office | None:
    """The office that should answer ``message``, or None for the dispatch queue."""
    if message.addressee_office_id is not None:
        return session.get(Office, message.addressee_office_id)
    if message.region_id is None:
        return None
    region = session.get(Region, message.region_id)
    if region is None:
        return None
    if message.category is None:
        return None  # a person classifies it first (dispatch queue)
    ancestors = _ancestor_ids(session, region)
    depth = {rid: i for i, rid in enumerate(ancestors)}
    top = message.category.top_name
    offices = session.scalars(
        select(Office)
        .where(Office.region_id.in_(ancestors), Office.is_dispatch.is_(False))
        .options(selectinload(Office.categories))
    ).all()
    candidates: list[tuple[int, int, Office]] = []
    for office in offices:
        names = {c.top_name for c in office.categories}
        if names and top not in names:
            continue
        candidates.append((depth[office.region_id], 1 if names else 0, office))
    if not candidates:
        return None
    candidates.sort(key=lambda c: (-c[0], -c[1]))
    best = candidates[0]
    if len(candidates) > 1 and candidates[1][:2] == best[:2]:
        return None
    return best[2]


def deadline_days(session: Session, category: Category | None, kind: str) -> int:
    """Days to answer: the most specific rule wins (category+kind > category > kind > default)."""
    top_id = None
    if category is not None:
        top_id = session.scalar(select(Category.id).where(Category.path == category.top_name))
    rules = session.scalars(select(DeadlineRule)).all()
    best: tuple[int, int] | None = None
    for rule in rules:
        if rule.category_id is not None and rule.category_id not in (top_id, category.id if category else None):
            continue
        if rule.kind is not None and rule.kind != kind:
            continue
        rank = (2 if rule.category_id is not None else 0) + (1 if rule.kind is not None else 0)
        if best is None or rank > best[0]:
            best = (rank, rule.days)
    if best is not None:
        return best[1]
    raw = session.get(SiteSetting, "default_deadline_days")
    return int(raw.value) if raw else DEFAULT_DEADLINE_DAYS


def due_soon_days(session: Session) -> int:
    """How many days before its deadline a case is marked due soon."""
    raw = session.get(SiteSetting, "due_soon_days")
    return int(raw.value) if raw else 2


def compute_due(session: Session, message: Message, start: datetime) -> datetime:
    """The deadline of ``message`` counted from ``start``."""
    return start + timedelta(days=deadline_days(session, message.category, message.kind))
