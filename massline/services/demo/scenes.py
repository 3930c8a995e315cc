"""The demo's approvals and oversight: what waits for the office head, the dispatch centre and the leaders.

After the replay, a few of the demo's open cases are taken one step further through
the real casework functions, so that every role finds work of its own on the first
start: a reply waiting for the office head's approval (the demo deployment turns
``reply_approval`` on), an extension request and a transfer request (退单) for the
dispatch centre, a 督办 with the executive vice-mayor's 批示 and a supervisor's 催办.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import Message, Office, User
from massline.services import casework, replies

#: the 批示 shown on the supervised demo case
INSTRUCTION = "此事关系群众切身利益，请承办单位三日内拿出解决方案，并向留言群众当面说明办理进展。"


def _user(session: Session, role: str, office_id: int | None = None) -> User | None:
    stmt = select(User).where(User.role == role, User.is_active.is_(True))
    if office_id is not None:
        stmt = stmt.where(User.office_id == office_id)
    return session.scalar(stmt.order_by(User.id).limit(1))


def _answering_office(session: Session, message: Message) -> Office | None:
    """Another office that answers the message's category (the office a transfer request would suggest)."""
    top = message.category.top_name if message.category else None
    others = session.scalars(
        select(Office).where(Office.is_dispatch.is_(False), Office.id != message.office_id).order_by(Office.id)
    )
    return next((o for o in others if top and top in {c.top_name for c in o.categories}), None)


def _open_cases(session: Session) -> list[Message]:
    """Accepted cases of offices with both an official and a head, newest first."""
    heads = select(User.office_id).where(User.role == "office_head", User.is_active.is_(True))
    officials = select(User.office_id).where(User.role == "official", User.is_active.is_(True))
    return list(
        session.scalars(
            select(Message)
            .where(Message.status == "accepted", Message.office_id.in_(heads), Message.office_id.in_(officials))
            .order_by(Message.created_at.desc(), Message.id.desc())
        )
    )


def stage_approvals(session: Session, now: datetime) -> list[str]:
    """Put the demo's pending approvals and a 督办 in place; returns what was staged (for the report)."""
    cases = _open_cases(session)
    leader, supervisor = _user(session, "leader"), _user(session, "supervisor")
    staged: list[str] = []
    steps = iter(cases)
    for message in steps:
        official = _user(session, "official", message.office_id)
        assert official is not None
        t = max(now - timedelta(hours=2), message.updated_at + timedelta(minutes=10))
        if "reply" not in staged:
            casework.check_draft_reply(session, official, message, "您好，您反映的问题我单位已派人现场核实，"
                                       "将在一周内协调有关单位处理完毕，届时再向您反馈。", t)  # fmt: skip
            replies.do_review_draft(session, message, t)  # the head sees its scores before approving
            casework.check_submit_reply(session, official, message, t)
            staged.append("reply")
        elif "extension" not in staged:
            casework.check_request_extension(session, official, message, 7, "需协调产权单位和街道现场会商", t)
            staged.append("extension")
        elif "transfer" not in staged:
            target = _answering_office(session, message)
            casework.check_request_transfer(session, official, message, target.code if target else "",
                                            "本件诉求不属于本单位职责，建议转请对口部门办理", t)  # fmt: skip
            staged.append("transfer")
        elif "supervise" not in staged and leader is not None:
            casework.do_supervise(session, leader, message, INSTRUCTION, False, 3, t)
            staged.append("supervise")
        elif "urge" not in staged and supervisor is not None:
            casework.do_urge(session, supervisor, message, "群众多次反映，请加快办理并及时答复", t)
            staged.append("urge")
        else:
            break
    return staged
