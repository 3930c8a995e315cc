"""The reply desk beside a case in the workbench: the message's demands highlighted in its text, the
marks "outside our remit", the review of the saved draft (the reply box shows it before any typing,
and live afterwards), the stored review of a reply waiting for the office head, and the help to write
(examples and skeletons) while the reply is being written."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.analysis.replies import DEMAND_KINDS
from massline.models import DemandReferral, GlossaryTerm, Message, Office, User
from massline.services import casework
from massline.services.access import can_act
from massline.services.policy import replies_policy
from massline.services.replies.examples import Example, Skeleton, similar_replies, skeletons_for
from massline.services.replies.glossary import GlossHit, find_terms
from massline.services.replies.review import message_demands, message_text, referrals_of, review_case_reply
from massline.services.replies.stored import latest_review


@dataclass
class DemandRow:
    """One demand of the message, as the desk lists it."""

    index: int
    kind_label: str
    text: str
    referral: DemandReferral | None


@dataclass
class DeskView:
    """The reply desk's data for one case page."""

    #: the message's text (title。body) in pieces, each in at most one demand and one glossary term
    segments: list[Piece]
    demands: list[DemandRow]
    can_refer: bool
    offices: list[Office] = field(default_factory=list)
    #: the review of the saved draft (JSON as the live endpoint answers), when there is a draft
    draft_review: dict[str, Any] | None = None
    #: the stored review of the reply waiting for the office head's approval
    pending_review: dict[str, Any] | None = None
    min_score: float | None = None
    #: help to write: well-rated past replies to similar messages, the skeletons for the message's kind
    examples: list[Example] = field(default_factory=list)
    #: the glossary's terms found in the message, each once
    glossary: list[GlossaryTerm] = field(default_factory=list)
    skeletons: list[Skeleton] = field(default_factory=list)


@dataclass(frozen=True)
class Piece:
    """A piece of the message's text: the demand it belongs to (``first`` on the demand's first piece)
    and the glossary term it is, if any."""

    text: str
    demand: int | None = None
    first: bool = False
    gloss: GlossaryTerm | None = None


def _covering(spans: list[tuple[int, int, Any]], at: int) -> Any:
    return next((item for start, end, item in spans if start <= at < end), None)


def _segments(text: str, demands: list[tuple[int, int]], hits: list[GlossHit]) -> list[Piece]:
    cuts = sorted({0, len(text), *(p for d in demands for p in d), *(p for h in hits for p in (h.start, h.end))})
    dspans = [(start, end, i) for i, (start, end) in enumerate(demands)]
    gspans = [(h.start, h.end, h.term) for h in hits]
    pieces, seen = [], set()
    for a, b in zip(cuts, cuts[1:], strict=False):
        if a >= b:
            continue
        demand = _covering(dspans, a)
        pieces.append(Piece(text[a:b], demand, demand is not None and demand not in seen, _covering(gspans, a)))
        seen.add(demand)
    return pieces


def desk_view(session: Session, user: User, message: Message, now: datetime) -> DeskView:
    """The desk of ``message`` (which ``user`` reads) for the case page."""
    demands = message_demands(message)
    referrals = referrals_of(session, message)
    rows = [DemandRow(i, DEMAND_KINDS.get(d.kind, d.kind), d.text, referrals.get((d.start, d.end)))
            for i, d in enumerate(demands)]  # fmt: skip
    can_refer = can_act(user, "refer_demand", message) and message.status not in ("closed", "rejected")
    offices: list[Office] = []
    if can_refer:
        stmt = select(Office).where(Office.is_dispatch.is_(False), Office.id != message.office_id).order_by(Office.id)
        offices = list(session.scalars(stmt))
    text = message_text(message)
    hits = find_terms(session, text)
    segments = _segments(text, [(d.start, d.end) for d in demands], hits)
    view = DeskView(segments, rows, can_refer, offices, min_score=replies_policy(session).min_score,
                    glossary=list({h.term.id: h.term for h in hits}.values()))  # fmt: skip
    writes = can_act(user, "review_reply", message) and message.status == "accepted"
    draft = casework.saved_draft(message)
    if draft is not None and writes:
        view.draft_review = review_case_reply(session, message, draft.body, now)
    if writes:
        view.examples = similar_replies(session, message)
        view.skeletons = skeletons_for(message.kind)
    pending = next((r for r in message.replies if r.status == "pending"), None)
    stored = latest_review(session, pending)
    if stored is not None:
        view.pending_review = stored.scores
    return view
