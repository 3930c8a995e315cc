"""Help to write: the past replies of this deployment most like the case at hand that citizens rated
well, as examples; and the reply skeletons per kind of message shipped with the platform.

Examples are public replies of public messages only (what anyone may read on the portal), redacted as
the portal shows them, whose latest rating is at least ``GOOD_RATING`` stars. Similarity is the cosine
of the two messages' character-bigram counts (title and body), computed over the ``CANDIDATES`` most
recent such replies: simple, fast, and good enough to find "the same kind of problem". Candidates' bigram
counts are kept in memory once computed, and a case's examples for up to a minute while nothing new is rated
or published (an official reloads the page while writing).
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from massline.analysis.text import redact
from massline.models import Message, Rating, Reply
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
    joined = "|".join(_HAN.findall(text))
    return Counter(pair for pair in map(str.__add__, joined, joined[1:]) if "|" not in pair)


@dataclass(frozen=True)
class _Vector:
    counts: Counter[str]
    norm: float


def _vector(counts: Counter[str]) -> _Vector:
    return _Vector(counts, math.sqrt(sum(n * n for n in counts.values())))


def cosine(a: Counter[str], b: Counter[str]) -> float:
    """The cosine similarity of two bigram counts (0 when either is empty)."""
    return _cosine(_vector(a), _vector(b))


def _cosine(a: _Vector, b: _Vector) -> float:
    if not a.norm or not b.norm:
        return 0.0
    common = a.counts.keys() & b.counts.keys()
    return sum(a.counts[k] * b.counts[k] for k in common) / (a.norm * b.norm)


#: the candidates' vectors by message id, computed once (a similarity, not what is shown: the examples
#: themselves are read afresh)
_vectors: dict[int, _Vector] = {}
_VECTORS_MAX = 4 * CANDIDATES


def _well_rated(session: Session, message: Message) -> list[tuple[int, _Vector]]:
    later = aliased(Rating)
    overtaken = select(later.id).where(later.message_id == Rating.message_id, later.id > Rating.id).exists()
    well = select(Rating.message_id).where(Rating.score >= GOOD_RATING, ~overtaken)  # the latest rating is good
    stmt = (
        select(Message.id)
        .where(Message.id.in_(well), public_condition(), Message.id != message.id,
               Message.id.in_(select(Reply.message_id).where(Reply.status == "published")))
        .order_by(Message.id.desc())
        .limit(CANDIDATES)
    )  # fmt: skip
    ids = list(session.scalars(stmt))
    missing = [i for i in ids if i not in _vectors]
    if len(_vectors) + len(missing) > _VECTORS_MAX:
        _vectors.clear()
        missing = ids
    title, body = func.coalesce(Message.public_title, Message.title), func.coalesce(Message.public_body, Message.body)
    for start in range(0, len(missing), 200):
        for mid, t, b in session.execute(
            select(Message.id, title, body).where(Message.id.in_(missing[start : start + 200]))
        ):
            _vectors[mid] = _vector(bigrams(f"{t} {b}"))
    return [(i, _vectors[i]) for i in ids if i in _vectors]


#: the examples of a case, while its text and the rated replies stay the same (a page drawn again), for at most
#: ``FOUND_SECONDS`` (a message withheld by a moderator meanwhile leaves the examples by then)
_found: dict[tuple[int, int, int | None, int], tuple[float, list[Example]]] = {}
FOUND_SECONDS = 60.0


def similar_replies(session: Session, message: Message, limit: int = LIMIT) -> list[Example]:
    """The ``limit`` published replies to public messages most like ``message`` whose citizens rated them
    well (latest rating ≥ ``GOOD_RATING``), most similar first, as the portal shows them."""
    stamp = session.execute(select(select(func.max(Rating.id)).scalar_subquery(),
                                   select(func.max(Reply.published_at)).scalar_subquery())).one()  # fmt: skip
    key = (message.id, hash((message.title, message.body, limit)), stamp[0], hash(stamp[1]))
    found = _found.get(key)
    if found is None or time.monotonic() - found[0] > FOUND_SECONDS:
        if len(_found) >= 256:
            _found.clear()
        found = _found[key] = (time.monotonic(), _similar(session, message, limit))
    return found[1]


def _similar(session: Session, message: Message, limit: int) -> list[Example]:
    mine = _vector(bigrams(f"{message.title} {message.body}"))
    scored = []
    for mid, vector in _well_rated(session, message):
        similarity = _cosine(mine, vector)
        if similarity >= MIN_SIMILARITY:
            scored.append((similarity, mid))
    scored.sort(key=lambda pair: (-pair[0], -pair[1]))
    examples = []
    for similarity, mid in scored[:limit]:
        other = session.get(Message, mid)
        reply = other.published_reply if other is not None else None
        if other is None or reply is None:
            continue
        rating = other.ratings[-1].score if other.ratings else 0
        title = other.public_text[0]  # redacted as the portal shows it (casework.public_message does the same)
        examples.append(Example(other.id, redact(title), reply.office.name, redact(reply.body), rating,
                                round(similarity, 3)))  # fmt: skip
    return examples


_cache: dict[tuple[str, float], dict[str, list[Skeleton]]] = {}


def _parse(data: Any) -> dict[str, list[Skeleton]]:
    """Skeletons by kind, from the shipped form (a list of mappings, each with its ``kind``) or a
    mapping kind → list."""
    if isinstance(data, list):
        grouped: dict[str, list[Any]] = {}
        for item in data:
            if isinstance(item, dict) and item.get("kind"):
                grouped.setdefault(str(item["kind"]), []).append(item)
        data = grouped
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
