"""Help to write: the past replies of this deployment most like the case at hand that citizens rated
well, as examples; and the reply skeletons per kind of message shipped with the platform.

Examples are public replies of public messages only (what anyone may read on the portal), redacted as
the portal shows them, whose latest rating is at least ``GOOD_RATING`` stars. Similarity is the cosine
of the two messages' character-bigram counts (title and body), computed over the ``CANDIDATES`` most
recent such replies: simple, fast, and good enough to find "the same kind of problem".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from massline.models import Message, Rating, Reply
from massline.services import casework
from massline.services.access import public_condition

GOOD_RATING = 4
CANDIDATES = 500
LIMIT = 3
MIN_SIMILARITY = 0.05
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def skeletons_file() -> Path:
    """The shipped skeletons (``massline/data/replies/skeletons.yaml``)."""
    return Path(str(resources.files("massline") / "data" / "replies" / "skeletons.yaml"))


@dataclass(frozen=True)
class Example:
    """A past reply shown as an example: its message (title, public page), the reply and the rating."""

    message_id: int
    title: str
    office: str
    reply: str
    rating: int
    similarity: float

    @property
    def url(self) -> str:
        """The message's public page."""
        return f"/messages/{self.message_id}"


@dataclass(frozen=True)
class Skeleton:
    """A reply skeleton: a title and a text with placeholders in 【】."""

    title: str
    text: str


def bigrams(text: str) -> Counter[str]:
    """The character bigrams of the Chinese runs of ``text``, counted."""
    out: Counter[str] = Counter()
    for run in _HAN.findall(text):
        out.update(run[i : i + 2] for i in range(len(run) - 1))
    return out


def cosine(a: Counter[str], b: Counter[str]) -> float:
    """The cosine similarity of two bigram counts (0 when either is empty)."""
    if not a or not b:
        return 0.0
    dot = sum(n * b[k] for k, n in a.items() if k in b)
    return dot / math.sqrt(sum(n * n for n in a.values()) * sum(n * n for n in b.values()))


def _well_rated(session: Session, message: Message) -> list[Message]:
    latest = select(Rating.message_id, func.max(Rating.id).label("rid")).group_by(Rating.message_id).subquery()
    stmt = (
        select(Message)
        .join(latest, latest.c.message_id == Message.id)
        .join(Rating, Rating.id == latest.c.rid)
        .where(Rating.score >= GOOD_RATING, public_condition(), Message.id != message.id,
               Message.id.in_(select(Reply.message_id).where(Reply.status == "published")))
        .order_by(Message.id.desc())
        .limit(CANDIDATES)
    )  # fmt: skip
    return list(session.scalars(stmt))


def similar_replies(session: Session, message: Message, limit: int = LIMIT) -> list[Example]:
    """The ``limit`` published replies to public messages most like ``message`` whose citizens rated them
    well (latest rating ≥ ``GOOD_RATING``), most similar first, as the portal shows them."""
    mine = bigrams(f"{message.title} {message.body}")
    scored = []
    for other in _well_rated(session, message):
        title, body = other.public_text
        similarity = cosine(mine, bigrams(f"{title} {body}"))
        if similarity >= MIN_SIMILARITY:
            scored.append((similarity, other))
    scored.sort(key=lambda pair: (-pair[0], -pair[1].id))
    examples = []
    for similarity, other in scored[:limit]:
        shown = casework.public_message(other)
        if shown.reply is None:
            continue
        rating = other.ratings[-1].score if other.ratings else 0
        examples.append(Example(other.id, shown.title, shown.reply.office, shown.reply.body, rating,
                                round(similarity, 3)))  # fmt: skip
    return examples


_cache: dict[tuple[str, float], dict[str, list[Skeleton]]] = {}


def _parse(data: Any) -> dict[str, list[Skeleton]]:
    if not isinstance(data, dict):
        return {}
    out: dict[str, list[Skeleton]] = {}
    for kind, items in data.items():
        if not isinstance(items, list):
            continue
        out[str(kind)] = [Skeleton(str(i.get("title", "")).strip(), str(i.get("text", "")).strip())
                          for i in items if isinstance(i, dict) and str(i.get("text", "")).strip()]  # fmt: skip
    return out


def load_skeletons(path: Path | None = None) -> dict[str, list[Skeleton]]:
    """The reply skeletons by kind of message (投诉, 求助, 咨询, 建言, 表扬, 举报) from ``path`` (default:
    the shipped file); a missing file gives none. Read again when the file changes."""
    path = path or skeletons_file()
    try:
        stamp = path.stat().st_mtime
    except OSError:
        return {}
    key = (str(path), stamp)
    if key not in _cache:
        _cache.clear()
        _cache[key] = _parse(yaml.safe_load(path.read_text(encoding="utf-8")))
    return _cache[key]


def skeletons_for(kind: str, path: Path | None = None) -> list[Skeleton]:
    """The skeletons for a message of ``kind``."""
    return load_skeletons(path).get(kind, [])
