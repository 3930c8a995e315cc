"""The weekly list of terms to explain: words frequent in this deployment's messages of the last days
that are neither in the glossary nor in the general vocabulary, for an admin to add to the glossary.

Simple by design: each message's title and body is segmented (jieba, with new-word discovery); a word
counts when it has two characters or more, holds no digit, is not a stop-word, and jieba's general
dictionary does not know it (``绝绝子``, ``yyds``); words of the glossary (terms and variants) and the
deployment's own names (regions, offices) are left out. Words are ranked by the number of messages
they appear in (at least ``MIN_MESSAGES``). A term made of words jieba knows (``雪糕刺客`` = 雪糕 +
刺客) or that its dictionary already holds (``躺平``) is not found this way.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.analysis.text import STOPWORDS, normalize
from massline.models import GlossaryTerm, Message, Office, Region, User
from massline.services.access import can_edit_glossary, require

DAYS, LIMIT, MIN_MESSAGES, SCAN_MAX = 7, 30, 2, 20_000
_WORDLIKE = re.compile(r"^(?:[\u3400-\u4dbf\u4e00-\u9fff]{2,}|[A-Za-z]{2,})$")
_jieba: Any = None


def _segmenter() -> Any:
    global _jieba
    if _jieba is None:
        import rjieba  # loads its dictionary (~0.1 s) on the first list

        _jieba = rjieba.Jieba()
    return _jieba


@dataclass(frozen=True)
class TermCount:
    """A word to explain: how many messages of the period hold it, and the latest of them."""

    word: str
    messages: int
    latest_message_id: int


def _known(session: Session) -> set[str]:
    known = {t.casefold() for t in session.scalars(select(GlossaryTerm.term))}
    for variants in session.scalars(select(GlossaryTerm.variants)):
        known.update(v.casefold() for v in variants or [])
    known.update(session.scalars(select(Region.name)))
    known.update(session.scalars(select(Office.name)))
    return known


def unexplained_terms(session: Session, user: User, now: datetime, days: int = DAYS,
                      limit: int = LIMIT) -> list[TermCount]:  # fmt: skip
    """The words of the last ``days`` days' messages to explain, most widespread first (Forbidden unless
    ``user`` edits the glossary)."""
    require(can_edit_glossary(user))
    jieba, known = _segmenter(), _known(session)
    counts: Counter[str] = Counter()
    latest: dict[str, int] = {}
    rows = session.execute(
        select(Message.id, Message.title, Message.body).where(Message.created_at >= now - timedelta(days=days))
        .order_by(Message.id).limit(SCAN_MAX)
    )  # fmt: skip
    for mid, title, body in rows:
        words = set()
        for token in jieba.cut(normalize(f"{title}。{body}"), True):
            word = token.casefold()
            if _WORDLIKE.match(token) and word not in STOPWORDS and word not in known and not jieba.has_word(token):
                words.add(word)
        counts.update(words)
        latest.update(dict.fromkeys(words, mid))
    ranked = [(w, n) for w, n in counts.most_common() if n >= MIN_MESSAGES]
    return [TermCount(w, n, latest[w]) for w, n in ranked[:limit]]
