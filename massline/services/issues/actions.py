"""Acting on an issue: own it, reply once to all its messages (draft, then publish), commit to measures,
resolve, be rated.

Only the owner office acts (``access.access_issue_for_action``); an unowned
issue may be owned by an office that reads it. Each function validates, acts
and writes the issue event (and the message events) in the caller's
transaction. Status: open → owned → in_progress (first reply or commitment) →
resolved; a new message after "resolved" reopens it as recurring
(``services.issues.mark_recurring``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from massline.models import (
    Issue,
    IssueCommitment,
    IssueCommitmentUpdate,
    IssueRating,
    IssueReply,
    Message,
    Office,
    Reply,
    User,
)
from massline.models.issues import COMMITMENT_STATUS_LABELS, COMMITMENT_STATUSES
from massline.services import casework
from massline.services.access import (
    access_issue_by_id,
    access_issue_for_action,
    access_issue_member_by_tracking,
    can_act_on_issue,
    issue_rating_refusal,
)
from massline.services.errors import Conflict, NotFound, ValidationFailed
from massline.services.events import add_event
from massline.services.issues.store import add_issue_event

TEXT_MIN, TEXT_MAX = 4, 1000
_LABELS = [COMMITMENT_STATUS_LABELS[c] for c in COMMITMENT_STATUSES]
_STATUS_CHOICES = "、".join(_LABELS[:-1]) + "或" + _LABELS[-1]  # 已承诺、推进中、已完成或已取消


def _text(value: object, field: str, lo: int, hi: int, label: str) -> str:
    if not isinstance(value, str):
        raise ValidationFailed({field: f"{label}须为文本"})
    text = value.strip()
    if len(text) < lo:
        raise ValidationFailed({field: f"{label}至少 {lo} 个字"})
    if len(text) > hi:
        raise ValidationFailed({field: f"{label}不能超过 {hi} 个字"})
    return text


def _start(issue: Issue) -> None:
    if issue.status in ("open", "owned"):
        issue.status = "in_progress"


def check_own(session: Session, user: User, issue_id: int, now: datetime) -> Issue:
    """The user's office takes ownership of the issue (认领)."""
    issue = access_issue_for_action(session, user, issue_id, "own")
    if issue.owner_office_id is not None:
        raise Conflict("该问题已由本单位认领")
    issue.owner_office_id = user.office_id
    if issue.status == "open":
        issue.status = "owned"
    add_issue_event(session, issue, "owned", now, actor=user, note=user.office.name if user.office else None)
    return issue


def issue_draft(session: Session, issue_id: int) -> IssueReply | None:
    """The issue's unpublished reply, if one is saved."""
    return session.scalar(
        select(IssueReply)
        .where(IssueReply.issue_id == issue_id, IssueReply.status == "draft")
        .order_by(IssueReply.id.desc())
        .limit(1)
    )


def check_draft_issue_reply(session: Session, user: User, issue_id: int, body: object, now: datetime) -> IssueReply:
    """Write or update the issue's unpublished reply (统一答复草稿); nobody outside the office sees it."""
    issue = access_issue_for_action(session, user, issue_id, "reply")
    text = _text(body, "body", casework.REPLY_MIN, casework.REPLY_MAX, "答复内容")
    assert user.office_id is not None
    draft = issue_draft(session, issue.id)
    if draft is None:
        draft = IssueReply(issue_id=issue.id, office_id=user.office_id, author_id=user.id, body=text,
                           status="draft", messages=0, created_at=now)  # fmt: skip
        session.add(draft)
    else:
        draft.body = text
        draft.office_id = user.office_id
        draft.author_id = user.id
        draft.created_at = now
    add_issue_event(session, issue, "reply_drafted", now, actor=user, public=False)
    session.flush()
    return draft


@dataclass
class ReplyReach:
    """Which member messages an owner office's unified reply answers, and which it leaves to their office.

    ``reached``: the messages the owner office holds, and the unassigned ones
    (no office yet, or the dispatch office's queue). ``elsewhere``: the messages
    another office holds — a reply can only be published by the office that
    handles the case, so these are not answered; their office gets a notice
    event instead. Rejected messages are in neither.
    """

    reached: list[Message] = field(default_factory=list)
    elsewhere: list[Message] = field(default_factory=list)

    def offices_elsewhere(self) -> list[tuple[str, int]]:
        """The other offices holding member messages, with how many each, most first."""
        counts = Counter(m.office.name if m.office else "" for m in self.elsewhere)
        return counts.most_common()


def _reach(session: Session, issue: Issue, office_id: int) -> ReplyReach:
    reach = ReplyReach()
    members = session.scalars(select(Message).where(Message.issue_id == issue.id).order_by(Message.id)).all()
    for m in members:
        if m.status == "rejected":
            continue
        unassigned = m.office_id is None or (m.office is not None and m.office.is_dispatch)
        (reach.reached if m.office_id == office_id or unassigned else reach.elsewhere).append(m)
    return reach


def reply_reach(session: Session, user: User, issue_id: int) -> ReplyReach | None:
    """What the user's office's unified reply would answer now (for the issue page, before publishing);
    None when the user may not reply to the issue."""
    issue = access_issue_by_id(session, user, issue_id)
    if user.office_id is None or not can_act_on_issue(user, "reply", issue):
        return None
    return _reach(session, issue, user.office_id)


def do_publish_issue_reply(session: Session, user: User, issue_id: int, now: datetime) -> IssueReply:
    """Publish the saved draft to the member messages the owner office may answer (:class:`ReplyReach`).

    A message the owner office handles (assigned, accepted or reopened) is
    answered through casework (accepted if needed, reply drafted and published:
    status replied); its other messages and the unassigned ones get the reply
    published with an ``issue_replied`` event, status unchanged. A message
    another office holds is not answered: it gets an ``issue_reply_notice``
    event (internal) for its office. Rejected messages are left alone.
    """
    issue = access_issue_for_action(session, user, issue_id, "reply")
    draft = issue_draft(session, issue.id)
    if draft is None:
        raise Conflict("请先保存统一答复草稿，再发布")
    text = draft.body
    office = session.get(Office, user.office_id)
    assert office is not None
    reach = _reach(session, issue, office.id)
    for m in reach.reached:
        if m.office_id == office.id and m.status in ("assigned", "accepted", "reopened"):
            if m.status != "accepted":
                casework.do_accept(session, user, m, now)
            casework.check_draft_reply(session, user, m, text, now)
            casework.do_publish_reply(session, user, m, now)
        else:
            session.add(
                Reply(message=m, office_id=office.id, author_id=user.id, body=text, status="published",
                      created_at=now, published_at=now)
            )  # fmt: skip
            add_event(session, m, "issue_replied", now, actor=user, note=f"{office.name}就“{issue.title}”统一答复",
                      issue=issue.id)  # fmt: skip
    notice = f"{office.name}就所属问题“{issue.title}”发布了统一答复；本件由本单位办理，未纳入该答复，请自行答复"
    for m in reach.elsewhere:
        add_event(session, m, "issue_reply_notice", now, actor=user, public=False, note=notice, issue=issue.id)
    draft.status = "published"
    draft.published_at = now
    draft.office_id = office.id
    draft.messages = len(reach.reached)
    _start(issue)
    add_issue_event(session, issue, "replied", now, actor=user, note=text, messages=len(reach.reached),
                    elsewhere=len(reach.elsewhere))  # fmt: skip
    return draft


def check_reply_all(session: Session, user: User, issue_id: int, body: object, now: datetime) -> IssueReply:
    """Draft and publish in one step (for API clients): :func:`check_draft_issue_reply`, then
    :func:`do_publish_issue_reply`, in the caller's transaction."""
    check_draft_issue_reply(session, user, issue_id, body, now)
    return do_publish_issue_reply(session, user, issue_id, now)


def _due(value: object) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed({"due_date": "日期格式应为 YYYY-MM-DD"}) from None


def check_add_commitment(
    session: Session, user: User, issue_id: int, text: object, now: datetime, *, office_code: str = "",
    due_date: object = None,
) -> IssueCommitment:  # fmt: skip
    """Record a decision or measure (承诺/措施), public, with its responsible office (default: the owner)."""
    issue = access_issue_for_action(session, user, issue_id, "commit")
    body = _text(text, "text", TEXT_MIN, TEXT_MAX, "承诺内容")
    office_id = user.office_id
    if office_code:
        office = session.scalar(select(Office).where(Office.code == office_code.strip()))
        if office is None:
            raise ValidationFailed({"office": "责任单位不存在"})
        office_id = office.id
    assert office_id is not None
    commitment = IssueCommitment(
        issue_id=issue.id, text=body, office_id=office_id, due_date=_due(due_date), progress=0, status="planned",
        created_by_id=user.id, created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(commitment)
    session.flush()
    _start(issue)
    add_issue_event(session, issue, "commitment_added", now, actor=user, note=body, commitment=commitment.id)
    return commitment


def check_update_commitment(
    session: Session, user: User, issue_id: int, commitment_id: int, now: datetime, *, progress: object,
    status: str = "", note: str = "",
) -> IssueCommitment:  # fmt: skip
    """Report progress (0–100 %) on a commitment; 100 % means done."""
    issue = access_issue_for_action(session, user, issue_id, "update_commitment")
    commitment = session.get(IssueCommitment, commitment_id)
    if commitment is None or commitment.issue_id != issue.id:
        raise NotFound()
    try:
        pct = int(str(progress))
    except ValueError:
        raise ValidationFailed({"progress": "进度须为 0–100 的整数"}) from None
    if not 0 <= pct <= 100:
        raise ValidationFailed({"progress": "进度须为 0–100 的整数"})
    new_status = status or ("done" if pct == 100 else "in_progress")
    if new_status not in COMMITMENT_STATUSES:
        raise ValidationFailed({"status": f"状态须为{_STATUS_CHOICES}"})
    if commitment.status in ("done", "cancelled"):
        raise Conflict("该承诺已完成或已取消")
    text = note.strip()[:TEXT_MAX] if isinstance(note, str) else ""
    commitment.progress = pct
    commitment.status = new_status
    commitment.updated_at = now
    session.add(IssueCommitmentUpdate(commitment=commitment, progress=pct, status=new_status, note=text,
                                      actor_id=user.id, created_at=now))  # fmt: skip
    add_issue_event(session, issue, "commitment_updated", now, actor=user, note=text or None,
                    commitment=commitment.id, progress=pct, status=new_status)  # fmt: skip
    return commitment


def check_resolve(session: Session, user: User, issue_id: int, note: object, now: datetime) -> Issue:
    """The owner office declares the issue resolved (with a public note); new messages reopen it."""
    issue = access_issue_for_action(session, user, issue_id, "resolve")
    if issue.status not in ("owned", "in_progress"):
        raise Conflict("只有已认领或办理中的问题可以办结")
    text = _text(note, "note", TEXT_MIN, TEXT_MAX, "办结说明")
    issue.status = "resolved"
    issue.resolved_at = now
    add_issue_event(session, issue, "resolved", now, actor=user, note=text)
    return issue


def check_rate_issue(
    session: Session, issue_id: int, tracking_code: str, secret: str, score: int, comment: str, now: datetime
) -> IssueRating:
    """A citizen with a member message's tracking code and secret rates the outcome (1–5), once per message."""
    message = access_issue_member_by_tracking(session, issue_id, tracking_code, secret)
    issue = session.get(Issue, issue_id)
    assert issue is not None
    refusal = issue_rating_refusal(session, issue, message)
    if refusal is not None:
        raise Conflict(refusal)
    if not 1 <= score <= 5:
        raise ValidationFailed({"score": "请选择 1 到 5 星"})
    text = comment.strip()
    if len(text) > TEXT_MAX:
        raise ValidationFailed({"comment": f"评价内容不能超过 {TEXT_MAX} 个字"})
    rating = IssueRating(issue_id=issue.id, message_id=message.id, score=score, comment=text, created_at=now)
    try:
        with session.begin_nested():
            session.add(rating)
    except IntegrityError as exc:
        raise Conflict("您已评价过该问题的办理") from exc
    add_issue_event(session, issue, "rated", now, note=text or None, score=score)
    return rating
