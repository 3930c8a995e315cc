"""What officials see of the stored analysis: the case page's panel and the inbox's urgency marks.

Kind, urgency and feeling decided by the learned model carry its evidence
(``learned``: the spans of the text the decision rests on and the word rules
that weighed in); without a model the rules' words are the evidence.

Read-only. Near-duplicates are listed only when the reader may read them
(``access.message_scope``), so the panel never reveals another office's cases.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from massline.models import Category, Message, MessageAnalysis, Region, User
from massline.services.access import message_scope

URGENCY_LABELS = {"urgent": "紧急", "elevated": "较急", "normal": "一般"}
SENTIMENT_LABELS = {"angry": "愤怒", "upset": "不满", "calm": "平和"}
MAX_DUPLICATES_SHOWN = 20


@dataclass
class UrgencySignal:
    """One risk signal as shown: its label, the words that fired, and notes (negated, hedged ...)."""

    label: str
    strength: float
    words: list[str]
    notes: list[str]


@dataclass
class AnalysisView:
    """The stored analysis of one message, ready for the case page."""

    analysed_at: datetime
    versions: dict[str, str]
    category: str | None
    category_label: str | None
    category_confidence: float | None
    needs_review: bool | None
    classify_skipped: str | None
    kind: str | None
    kind_confidence: float | None
    kind_cues: list[str]
    urgency_level: str
    urgency_label: str
    urgency_score: float | None
    signals: list[UrgencySignal]
    body_segments: list[tuple[str, bool]]
    sentiment_score: float | None
    sentiment_label: str
    sentiment_words: list[str]
    place: str | None
    place_path: list[str]
    place_evidence: list[str]
    unlisted_places: list[str]
    about: PlaceAbout | None = None
    duplicates: list[Message] = field(default_factory=list)
    duplicate_of: Message | None = None
    problems: dict[str, str] = field(default_factory=dict)
    learned: dict[str, LearnedEvidence] = field(default_factory=dict)  # "kind", "urgency", "sentiment"


@dataclass
class LearnedEvidence:
    """What the learned model decided for one task: label, confidence, who decided, spans and rules."""

    label: str
    confidence: float
    by_rule: bool
    spans: list[str]
    rules: list[str]


def _learned(evidence: dict[str, Any]) -> dict[str, LearnedEvidence]:
    out = {}
    for task in ("kind", "urgency", "sentiment"):
        model = (evidence.get(task) or {}).get("model")
        if isinstance(model, dict):
            spans = [str(span.get("text", "")) for span in model.get("spans", [])]
            out[task] = LearnedEvidence(
                str(model.get("label", "")), float(model.get("confidence") or 0.0), model.get("by") == "rule",
                spans, [str(r) for r in model.get("rules", [])],
            )  # fmt: skip
    return out


#: The place types of the place model, as officials read them.
PLACE_TYPE_LABELS = {
    "compound": "小区", "road": "道路", "village_town": "村镇", "school": "学校", "hospital": "医院",
    "company": "企业", "site": "场所", "other": "其他",
}  # fmt: skip


@dataclass(frozen=True)
class PlaceAbout:
    """The place a message is about (the place model's span), its type, area and the reasons it was chosen."""

    text: str
    type_label: str
    area: str | None
    reasons: list[str]


def _about(place: dict[str, Any]) -> PlaceAbout | None:
    found = place.get("place")
    area = (place.get("area") or {}).get("name")
    if not found and not area:
        return None
    if not found:
        return PlaceAbout("", "", area, [])
    kind = str(found.get("type", ""))
    reasons = list(found.get("reasons", []))
    return PlaceAbout(str(found.get("text", "")), PLACE_TYPE_LABELS.get(kind, kind), area, reasons)


def _segments(body: str, spans: Iterable[tuple[int, int]]) -> list[tuple[str, bool]]:
    """``body`` cut into (text, highlighted) pieces at the given spans (overlaps merged)."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for start, end in sorted(spans):
        start, end = max(start, pos), min(end, len(body))
        if end <= start:
            continue
        if start > pos:
            out.append((body[pos:start], False))
        out.append((body[start:end], True))
        pos = end
    if pos < len(body):
        out.append((body[pos:], False))
    return out


def _region_path(session: Session, region_id: int | None) -> list[str]:
    if region_id is None:
        return []
    path = session.scalar(select(Region.path).where(Region.id == region_id)) or ""
    ids = [int(x) for x in path.strip("/").split("/") if x]
    names = {rid: name for rid, name in session.execute(select(Region.id, Region.name).where(Region.id.in_(ids)))}
    return [names[i] for i in ids if i in names]


def analysis_view(session: Session, user: User, message: Message) -> AnalysisView | None:
    """The stored analysis of ``message`` for ``user`` (who may read it), or None before the worker ran."""
    row = session.get(MessageAnalysis, message.id)
    if row is None:
        return None
    ev: dict[str, Any] = row.evidence or {}
    classify = ev.get("classify") or {}
    kind = ev.get("kind") or {}
    urgency = ev.get("urgency") or {}
    sentiment = ev.get("sentiment") or {}
    place = ev.get("place") or {}
    offset = len(message.title) + 1  # evidence offsets refer to title + "\n" + body
    spans = [
        (start - offset, end - offset)
        for signal in urgency.get("signals", [])
        for start, end in signal.get("spans", [])
        if start >= offset
    ]
    category = session.get(Category, row.category_id) if row.category_id is not None else None
    level = row.urgency_level or "normal"
    return AnalysisView(
        analysed_at=row.analysed_at,
        versions=dict(row.versions or {}),
        category=category.path if category else None,
        category_label=row.category_label,
        category_confidence=row.category_confidence,
        needs_review=row.needs_review,
        classify_skipped=classify.get("skipped"),
        kind=row.kind_guess,
        kind_confidence=row.kind_confidence,
        kind_cues=list(kind.get("cues", [])),
        urgency_level=level,
        urgency_label=URGENCY_LABELS.get(level, level),
        urgency_score=row.urgency_score,
        signals=[
            UrgencySignal(s.get("label", ""), s.get("strength", 0.0), s.get("words", []), s.get("notes", []))
            for s in urgency.get("signals", [])
        ],
        body_segments=_segments(message.body, spans),
        sentiment_score=row.sentiment_score,
        sentiment_label=SENTIMENT_LABELS.get(sentiment.get("level", ""), ""),
        sentiment_words=list(sentiment.get("words", [])),
        place=place.get("name"),
        place_path=_region_path(session, row.located_region_id),
        place_evidence=list(place.get("evidence", [])),
        unlisted_places=list(place.get("unlisted", [])),
        about=_about(place),
        duplicate_of=_readable(session, user, [row.duplicate_of_id])[0] if row.duplicate_of_id else None,
        duplicates=_group(session, user, message.id, row.duplicate_of_id),
        problems={name: str(e["error"]) for name, e in ev.items() if isinstance(e, dict) and "error" in e},
        learned=_learned(ev),
    )


def _readable(session: Session, user: User, ids: list[int | None]) -> list[Message | None]:
    wanted = [i for i in ids if i is not None]
    stmt = select(Message).where(Message.id.in_(wanted), message_scope(session, user))
    found = {m.id: m for m in session.scalars(stmt)}
    return [found.get(i) if i is not None else None for i in ids]


def _group(session: Session, user: User, message_id: int, root: int | None) -> list[Message]:
    """Other messages of the same near-duplicate group that ``user`` may read, oldest first."""
    first = root if root is not None else message_id
    members = select(MessageAnalysis.message_id).where(MessageAnalysis.duplicate_of_id == first)
    stmt = (
        select(Message)
        .where(or_(Message.id.in_(members), Message.id == first), Message.id != message_id)
        .where(message_scope(session, user))
        .order_by(Message.created_at, Message.id)
        .limit(MAX_DUPLICATES_SHOWN)
    )
    return list(session.scalars(stmt))


def urgency_levels(session: Session, message_ids: Iterable[int]) -> dict[int, str]:
    """Stored urgency level per message id (messages not analysed yet are absent)."""
    ids = list(message_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(MessageAnalysis.message_id, MessageAnalysis.urgency_level).where(MessageAnalysis.message_id.in_(ids))
    )
    return {mid: level for mid, level in rows if level}
