"""The error-tolerance review (容错纠错): a reviewer opens a record for a case where an official's
online statement or reply went wrong; the official gives their own account; a reviewer weighs the
criteria and decides (容错免责 / 从轻减轻 / 不予容错) with reasons; the official may appeal once, and a
reviewer other than the first decides the appeal.

Who may do what is ``services.access.allowed_review_actions``; every read and every step is audited.
No case event is written: the case's readers (the office's staff) must not learn of the review.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import Message, Reply, ToleranceReview, User
from massline.services import audit
from massline.services.access import access_review_by_id, allowed_review_actions, is_overseer, require
from massline.services.errors import ValidationFailed
from massline.services.tolerance.criteria import AGAINST_TOLERANCE, CRITERIA, DECISION_LABELS


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class ReviewInput(BaseModel):
    """A new review: whose statement, which case or reply, the facts."""

    official: str = Field(min_length=1, max_length=64, title="当事人账号")
    message_id: int | None = Field(default=None, title="关联留言编号")
    reply_id: int | None = Field(default=None, title="关联答复编号")
    facts: str = Field(min_length=5, max_length=10000, title="事实经过")

    _s = field_validator("official", "facts", mode="before")(_strip)


class DecisionInput(BaseModel):
    """A decision: the criteria found (key -> note; a key present is checked), the decision, the reasons."""

    criteria: dict[str, str] = Field(default={}, title="认定情形")
    decision: str = Field(title="认定结论")
    reasons: str = Field(min_length=5, max_length=10000, title="理由")

    _s = field_validator("reasons", mode="before")(_strip)


def _text(value: str, field: str, label: str) -> str:
    text = value.strip()
    if len(text) < 5:
        raise ValidationFailed({field: f"请填写{label}（至少5个字）"})
    if len(text) > 10000:
        raise ValidationFailed({field: f"{label}不能超过10000个字"})
    return text


def _check_links(session: Session, data: ReviewInput) -> tuple[int | None, int | None]:
    message_id, reply_id = data.message_id, data.reply_id
    if reply_id is not None:
        reply = session.get(Reply, reply_id)
        if reply is None or (message_id is not None and reply.message_id != message_id):
            raise ValidationFailed({"reply_id": "找不到该答复，或它不属于所填的留言"})
        message_id = reply.message_id
    if message_id is not None and session.get(Message, message_id) is None:
        raise ValidationFailed({"message_id": "找不到该留言"})
    return message_id, reply_id


def check_open_review(session: Session, reviewer: User, data: ReviewInput, now: datetime) -> ToleranceReview:
    """Open a review of ``data.official``'s statement (reviewers only; not about themselves)."""
    require(is_overseer(reviewer))
    official = session.scalar(select(User).where(User.username == data.official))
    if official is None or official.role == "citizen":
        raise ValidationFailed({"official": "找不到该工作人员账号"})
    if official.id == reviewer.id:
        raise ValidationFailed({"official": "不能审查本人的案件，请由其他审查人员办理"})
    message_id, reply_id = _check_links(session, data)
    review = ToleranceReview(official_id=official.id, message_id=message_id, reply_id=reply_id, facts=data.facts,
                             opened_by_id=reviewer.id, opened_at=now, account="", criteria={}, reasons="",
                             appeal="", appeal_reasons="")  # fmt: skip
    session.add(review)
    session.flush()
    audit.record(session, reviewer, "tolerance_opened", "tolerance_review", review.id, official_id=official.id)
    return review


def _for_action(session: Session, user: User, review_id: int, action: str) -> ToleranceReview:
    review = access_review_by_id(session, user, review_id)
    require(action in allowed_review_actions(user, review))
    return review


def check_give_account(session: Session, official: User, review_id: int, text: str, now: datetime) -> ToleranceReview:
    """The official's own account of what happened (before the decision; may be rewritten until then)."""
    review = _for_action(session, official, review_id, "account")
    review.account = _text(text, "account", "本人说明")
    audit.record(session, official, "tolerance_account", "tolerance_review", review.id)
    return review


def _check_decision(data: DecisionInput) -> dict[str, dict[str, str | bool]]:
    errors: dict[str, str] = {}
    if data.decision not in DECISION_LABELS:
        errors["decision"] = "请选择认定结论（容错免责、从轻减轻或不予容错）"
    unknown = [k for k in data.criteria if k not in CRITERIA]
    if unknown:
        errors["criteria"] = "未知的认定情形：" + "、".join(unknown)
    if data.decision == "exempt" and any(k in AGAINST_TOLERANCE for k in data.criteria):
        errors["decision"] = "存在明知故犯、谋取私利或经提醒后重犯情形的，不能容错免责"
    if errors:
        raise ValidationFailed(errors)
    return {k: {"checked": True, "note": data.criteria[k].strip()[:1000]} for k in CRITERIA if k in data.criteria}


def check_decide(
    session: Session, reviewer: User, review_id: int, data: DecisionInput, now: datetime
) -> ToleranceReview:
    """Decide the review: the criteria found, the decision and its reasons (a reviewer, not the official)."""
    review = _for_action(session, reviewer, review_id, "decide")
    review.criteria = _check_decision(data)
    review.decision, review.reasons = data.decision, data.reasons
    review.decided_by_id, review.decided_at = reviewer.id, now
    audit.record(session, reviewer, "tolerance_decided", "tolerance_review", review.id, decision=data.decision)
    return review


def check_appeal(session: Session, official: User, review_id: int, text: str, now: datetime) -> ToleranceReview:
    """The official appeals the decision (once)."""
    review = _for_action(session, official, review_id, "appeal")
    review.appeal, review.appealed_at = _text(text, "appeal", "申诉理由"), now
    audit.record(session, official, "tolerance_appealed", "tolerance_review", review.id)
    return review


def check_decide_appeal(
    session: Session, reviewer: User, review_id: int, decision: str, reasons: str, now: datetime
) -> ToleranceReview:
    """Decide the appeal: a reviewer other than the one who decided first; the decision in force becomes
    this one (it may confirm the first)."""
    review = _for_action(session, reviewer, review_id, "decide_appeal")
    if decision not in DECISION_LABELS:
        raise ValidationFailed({"appeal_decision": "请选择复核结论（容错免责、从轻减轻或不予容错）"})
    if decision == "exempt" and any(k in AGAINST_TOLERANCE for k in review.criteria):
        raise ValidationFailed({"appeal_decision": "存在明知故犯、谋取私利或经提醒后重犯情形的，不能容错免责"})
    review.appeal_reasons = _text(reasons, "appeal_reasons", "复核理由")
    review.appeal_decision = decision
    review.appeal_decided_by_id, review.appeal_decided_at = reviewer.id, now
    audit.record(session, reviewer, "tolerance_appeal_decided", "tolerance_review", review.id, decision=decision)
    return review
