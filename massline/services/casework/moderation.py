"""Review before publishing (审核): the moderation queue and a moderator's decisions.

The deployment's ``casework.moderation`` policy decides what a citizen's new
message is (``intake`` stores it so): "pending" under pre-moderation (not
public until reviewed), "unreviewed" under post-moderation (public at once,
queued for review). Whether the public may see a message is decided in one
place, ``Message.shown_publicly`` (``access.public_condition``).

A moderator (``access.can_moderate``: dispatchers and admins) sees, for each
message in the queue, the automatic checks' findings stored at submission
(``analysis.text.review_findings``) and the near-duplicate the pipeline found
(``message_analysis.duplicate_of_id``), and decides:

* ``publish`` — public as it stands (a moderator's earlier edits stay);
* ``redact`` — public with the moderator's title and body (``public_title``,
  ``public_body``); the citizen's original stays unchanged for staff, and the
  edit is logged in the case history (who, when, the text before and after);
* ``withhold`` — kept private, with a reason the citizen reads on the tracking
  page; the public gets 404 for the message page.

Every decision is a ``MessageEvent`` in the same transaction: internal, except
the reason to withhold, which the citizen sees. A reviewed message can be
reviewed again (re-review of a published message, or publishing a withheld one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from massline.analysis.text import FINDING_LABELS, clean_text, has_visible_text
from massline.models import REVIEW_LABELS, REVIEW_QUEUE, Message, MessageAnalysis, User
from massline.services.access import can_moderate, require
from massline.services.errors import NotFound, ValidationFailed
from massline.services.events import add_event
from massline.services.search import index_again

REVIEW_TITLE_MAX, REVIEW_BODY_MAX, REVIEW_REASON_MAX = 200, 5000, 500
#: which messages a list of the queue page shows: waiting for review, or already reviewed
REVIEW_LISTS = {"queue": REVIEW_QUEUE, "reviewed": ("published", "withheld")}
QUEUE_LIMIT = 100


class ReviewDecision(BaseModel):
    """A moderator's decision on a message: publish, publish with edits (``title``/``body``), or withhold
    (``reason``, shown to the citizen)."""

    outcome: Literal["publish", "redact", "withhold"]
    title: str = ""
    body: str = ""
    reason: str = ""


@dataclass
class FindingView:
    """One automatic check's finding as the queue shows it."""

    kind: str
    label: str
    field: str
    text: str


@dataclass
class ReviewItem:
    """A message in the moderation queue: the message, what the checks found, its likely duplicate."""

    message: Message
    findings: list[FindingView] = field(default_factory=list)
    duplicate_of: Message | None = None

    @property
    def review_label(self) -> str:
        """The review state in Chinese (待审核, 已公开待审核 ...)."""
        return REVIEW_LABELS.get(self.message.review_state, self.message.review_state)

    @property
    def public_title(self) -> str:
        """The title the public reads (before PII redaction): the moderator's edit, else the citizen's."""
        return self.message.public_text[0]

    @property
    def public_body(self) -> str:
        """The body the public reads (before PII redaction): the moderator's edit, else the citizen's."""
        return self.message.public_text[1]


def _finding_views(stored: list[dict[str, Any]] | None) -> list[FindingView]:
    views = []
    for f in stored or []:
        label = FINDING_LABELS.get(f.get("kind", ""), f.get("kind", ""))
        if f.get("detail"):
            label = f"{label}：{f['detail']}"
        views.append(FindingView(f.get("kind", ""), label, "标题" if f.get("field") == "title" else "正文", f["text"]))
    return views


def review_queue(session: Session, user: User, which: str = "queue", limit: int = QUEUE_LIMIT) -> list[ReviewItem]:
    """The messages a moderator reviews: ``which`` = "queue" (waiting: oldest first) or "reviewed"
    (decided: latest first). Only messages the citizen made public are reviewed; Forbidden for
    anyone but a moderator."""
    require(can_moderate(user))
    if which not in REVIEW_LISTS:
        raise ValidationFailed({"list": "列表只能是 queue（待审核）或 reviewed（已审核）"})
    order = (Message.created_at, Message.id) if which == "queue" else (Message.updated_at.desc(), Message.id.desc())
    messages = session.scalars(
        select(Message)
        .where(Message.is_public.is_(True), Message.review_state.in_(REVIEW_LISTS[which]))
        .options(selectinload(Message.office))
        .order_by(*order)
        .limit(limit)
    ).all()
    duplicates: dict[int, int] = dict(
        session.execute(  # type: ignore[arg-type]
            select(MessageAnalysis.message_id, MessageAnalysis.duplicate_of_id).where(
                MessageAnalysis.message_id.in_([m.id for m in messages]), MessageAnalysis.duplicate_of_id.is_not(None)
            )
        ).all()
    )
    originals = {m.id: m for m in session.scalars(select(Message).where(Message.id.in_(set(duplicates.values()))))}
    return [
        ReviewItem(m, _finding_views(m.review_findings), originals.get(duplicates.get(m.id, 0))) for m in messages
    ]


def review_item(session: Session, user: User, message_id: int) -> ReviewItem:
    """One message as the moderation queue shows it (NotFound when there is no such message)."""
    message = access_message_for_review(session, user, message_id)
    dup = session.scalar(select(MessageAnalysis.duplicate_of_id).where(MessageAnalysis.message_id == message.id))
    return ReviewItem(message, _finding_views(message.review_findings), session.get(Message, dup) if dup else None)


def access_message_for_review(session: Session, user: User, message_id: int) -> Message:
    """The message, if ``user`` may moderate (else Forbidden) and it exists (else NotFound)."""
    require(can_moderate(user))
    message = session.get(Message, message_id)
    if message is None:
        raise NotFound()
    return message


def _text(value: str, field_name: str, label: str, limit: int) -> str:
    value = clean_text(value).strip()
    if not has_visible_text(value):
        raise ValidationFailed({field_name: f"{label}不能为空"})
    if len(value) > limit:
        raise ValidationFailed({field_name: f"{label}不能超过 {limit} 个字"})
    return value


def check_review(session: Session, user: User, message_id: int, decision: ReviewDecision, now: datetime) -> Message:
    """Apply a moderator's decision to a message, with its event, in the caller's transaction.

    Validates first (nothing is written on bad input): a redaction needs a title and a body that
    differ from what the public reads now; withholding needs a reason. Forbidden for anyone but a
    moderator, NotFound for a message that does not exist.
    """
    message = access_message_for_review(session, user, message_id)
    if decision.outcome == "withhold":
        reason = _text(decision.reason, "reason", "不予公开的理由", REVIEW_REASON_MAX)
        message.review_state, message.review_reason = "withheld", reason
        add_event(session, message, "review_withheld", now, actor=user, note=reason, public=True)
        return message
    if decision.outcome == "redact":
        _redact(session, user, message, decision, now)
    else:
        add_event(session, message, "review_published", now, actor=user, public=False)
    message.review_state, message.review_reason = "published", None
    return message


def _redact(session: Session, user: User, message: Message, decision: ReviewDecision, now: datetime) -> None:
    """Set the public title and body to the moderator's, logging before and after (the original stays)."""
    title = _text(decision.title, "title", "公开标题", REVIEW_TITLE_MAX)
    body = _text(decision.body, "body", "公开正文", REVIEW_BODY_MAX)
    before_title, before_body = message.public_text
    pairs = (("title", before_title, title), ("body", before_body, body))
    changed = [name for name, old, new in pairs if old != new]
    if not changed:
        raise ValidationFailed({"body": "公开内容没有修改；不需修改请选择“直接公开”"})
    message.public_title = title if title != message.title else None
    message.public_body = body if body != message.body else None
    index_again(session, message)  # indexed from the public text: no search finds the words taken out
    note = "修改了公开的" + "和".join({"title": "标题", "body": "正文"}[c] for c in changed)
    edits = {name: {"before": old, "after": new} for name, old, new in pairs if name in changed}
    add_event(session, message, "review_redacted", now, actor=user, note=note, public=False, edits=edits)
