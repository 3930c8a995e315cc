"""Clarifications (澄清/释疑): an office's public statement on an issue or a circulating claim.

What was said, what the facts are, the evidence, and who stands behind it (the office, a named
person, the date). Publishing one on an issue writes a public ``clarified`` event on every message
of the issue in the same transaction, so the message pages link it and the notification outbox
(``notify``, derived from public events) tells every citizen who left a contact.
Views and reactions (有帮助 / 仍有疑问, one per browser) are counted; nothing else is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import false, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from massline.models import REACTIONS, Clarification, ClarificationReaction, Issue, Message, MessageEvent, User
from massline.services.access import access_office_for_publishing
from massline.services.errors import Conflict, NotFound, ValidationFailed
from massline.services.events import event_row, write_events
from massline.services.publishing.checks import BODY_MAX, TITLE_MAX, raise_if, text_field

CLAIM_MAX = 5000


@dataclass(frozen=True)
class ClarificationInput:
    """A clarification as an official typed it (``issue_id`` 0: on a claim that is no issue here)."""

    title: str = ""
    claim: str = ""
    facts: str = ""
    evidence: str = ""
    signed_by: str = ""
    issue_id: int = 0


def _issue(session: Session, issue_id: int, errors: dict[str, str]) -> Issue | None:
    if not issue_id:
        return None
    issue = session.get(Issue, issue_id)
    if issue is None or issue.status == "merged":
        errors["issue_id"] = "没有这个问题编号"
        return None
    return issue


def check_publish_clarification(
    session: Session, user: User, office_id: int, data: ClarificationInput, now: datetime
) -> Clarification:
    """Publish a clarification of office ``office_id``; on an issue, tell every message of it (one public
    ``clarified`` event each, which the notification channels deliver)."""
    office = access_office_for_publishing(session, user, office_id)
    errors: dict[str, str] = {}
    title = text_field(errors, "title", "标题", data.title, low=2, high=TITLE_MAX)
    claim = text_field(errors, "claim", "网传说法", data.claim, low=2, high=CLAIM_MAX)
    facts = text_field(errors, "facts", "事实情况", data.facts, low=10, high=BODY_MAX)
    evidence = text_field(errors, "evidence", "依据", data.evidence, low=0, high=BODY_MAX)
    signed_by = text_field(errors, "signed_by", "署名（负责人及职务）", data.signed_by, low=2, high=200)
    issue = _issue(session, data.issue_id, errors)
    raise_if(errors)
    clarification = Clarification(
        office=office, issue_id=issue.id if issue else None, author_id=user.id, title=title, claim=claim,
        facts=facts, evidence=evidence, signed_by=signed_by, published_at=now, views=0, helpful=0, doubtful=0,
    )  # fmt: skip
    session.add(clarification)
    session.flush()
    if issue is not None:
        _tell_members(session, issue.id, clarification.id, user, f"{office.name}：{title}", now)
    return clarification


def _tell_members(session: Session, issue_id: int, clarification_id: int, user: User, note: str, now: datetime) -> None:
    """One public ``clarified`` event on every message of the issue (one executemany, as intake writes events)."""
    members = session.execute(
        select(Message.id, Message.office_id, Message.status).where(Message.issue_id == issue_id).order_by(Message.id)
    ).all()
    write_events(session, [
        event_row("clarified", now, from_status=status, to_status=None, office_id=office_id, actor_id=user.id,
                  note=note, message_id=message_id, clarification_id=clarification_id)
        for message_id, office_id, status in members
    ])  # fmt: skip
    session.execute(update(Message).where(Message.issue_id == issue_id).values(updated_at=now))


def access_public_clarification(session: Session, clarification_id: int) -> Clarification:
    """A clarification (every one is public); otherwise NotFound."""
    clarification = session.get(Clarification, clarification_id)
    if clarification is None:
        raise NotFound()
    return clarification


def do_count_view(session: Session, clarification_id: int) -> None:
    """Count one view (a browser's first of this clarification)."""
    session.execute(
        update(Clarification).where(Clarification.id == clarification_id).values(views=Clarification.views + 1)
    )


def check_react(session: Session, clarification_id: int, voter_key: str, reaction: str) -> Clarification:
    """Record one browser's reaction (``REACTIONS``); a second one of the same browser is refused."""
    if reaction not in REACTIONS:
        raise ValidationFailed({"reaction": "请选择“有帮助”或“仍有疑问”"})
    clarification = access_public_clarification(session, clarification_id)
    try:
        with session.begin_nested():
            session.add(ClarificationReaction(clarification_id=clarification.id, voter_key=voter_key,
                                              reaction=reaction))  # fmt: skip
    except IntegrityError:
        raise Conflict("您已经评价过这条澄清说明，谢谢！") from None
    column = Clarification.helpful if reaction == "helpful" else Clarification.doubtful
    session.execute(update(Clarification).where(Clarification.id == clarification.id).values({column: column + 1}))
    session.refresh(clarification)
    return clarification


def clarifications_of_message(session: Session, message: Message) -> list[Clarification]:
    """The clarifications a message's page links, newest first: those of its issue, and those it was told
    of (its ``clarified`` events) — which stay with it when its issue is merged into another or split."""
    told = session.scalars(
        select(MessageEvent.data).where(MessageEvent.message_id == message.id, MessageEvent.type == "clarified")
    ).all()
    ids = {int(d["clarification_id"]) for d in told if isinstance(d, dict) and d.get("clarification_id")}
    same_issue = Clarification.issue_id == message.issue_id if message.issue_id is not None else false()
    query = select(Clarification).where(or_(Clarification.id.in_(ids), same_issue))
    return list(session.scalars(query.order_by(Clarification.published_at.desc(), Clarification.id.desc())))


def issue_clarifications(session: Session, issue_id: int) -> list[Clarification]:
    """The clarifications published on an issue, newest first (its public page lists them)."""
    query = select(Clarification).where(Clarification.issue_id == issue_id)
    return list(session.scalars(query.order_by(Clarification.published_at.desc(), Clarification.id.desc())))


def office_clarifications(session: Session, office_id: int, limit: int = 50) -> list[Clarification]:
    """The office's clarifications, newest first."""
    query = select(Clarification).where(Clarification.office_id == office_id)
    return list(session.scalars(query.order_by(Clarification.published_at.desc()).limit(limit)))
