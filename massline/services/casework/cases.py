"""One entry point for every action an official takes on a case.

Pages and the JSON API both call :func:`perform`, so the access rules and
the state rules behind them are implemented exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import DeadlineExtension, Message, Office, User
from massline.services import audit
from massline.services.access import access_message_by_id, access_message_for_action
from massline.services.casework import actions as casework
from massline.services.crypto import FieldCipher
from massline.services.errors import ValidationFailed

ACTIONS = (
    "accept",
    "assign",
    "transfer",
    "reject",
    "reply",
    "publish",
    "close",
    "extend_request",
    "dispatch",
    "category",
)
# the access right each action needs
_RIGHT = {"publish": "reply", "category": "accept"}


def _text(params: dict[str, Any], key: str) -> str:
    value = params.get(key, "")
    if not isinstance(value, str):
        raise ValidationFailed({key: "须为文本"})
    return value


def _int(params: dict[str, Any], key: str, label: str) -> int:
    try:
        return int(params.get(key, ""))
    except (TypeError, ValueError):
        raise ValidationFailed({key: f"请填写{label}（整数）"}) from None


def perform(session: Session, user: User, message_id: int, action: str, now: datetime, **params: Any) -> Message:
    """Check access, then do ``action`` on the message with ``params``; returns the message."""
    if action not in ACTIONS:
        raise ValidationFailed({"action": "未知操作"})
    if action == "category" and user.role == "dispatcher":
        message = access_message_for_action(session, user, message_id, "dispatch")
    else:
        message = access_message_for_action(session, user, message_id, _RIGHT.get(action, action))
    if action == "accept":
        casework.do_accept(session, user, message, now)
    elif action == "assign":
        casework.do_assign(session, user, message, _int(params, "user_id", "经办人"), now)
    elif action == "transfer":
        casework.do_transfer(session, user, message, _text(params, "office"), _text(params, "reason"), now)
    elif action == "reject":
        casework.do_reject(session, user, message, _text(params, "reason"), now)
    elif action == "reply":
        casework.check_draft_reply(session, user, message, _text(params, "body"), now)
    elif action == "publish":
        casework.do_publish_reply(session, user, message, now)
    elif action == "close":
        casework.do_close(session, user, message, now)
    elif action == "extend_request":
        casework.check_request_extension(
            session, user, message, _int(params, "days", "延期天数"), _text(params, "reason"), now
        )
    elif action == "dispatch":
        casework.do_dispatch(session, user, message, _text(params, "office"), now)
    elif action == "category":
        casework.do_change_category(session, user, message, _text(params, "category"), now)
    return message


def decide_extension(
    session: Session, user: User, extension_id: int, approve: bool, now: datetime
) -> DeadlineExtension:
    """The office head's decision on an extension request."""
    return casework.do_decide_extension(session, user, extension_id, approve, now)


def reveal_contact(session: Session, cipher: FieldCipher, user: User, message_id: int) -> str:
    """The citizen's contact for the handling office; every read is audited."""
    message = access_message_for_action(session, user, message_id, "reveal_contact")
    audit.record(session, user, "contact_read", "message", message.id)
    if message.contact_encrypted is None:
        return ""
    return cipher.decrypt(message.contact_encrypted)


@dataclass
class CaseView:
    """A case as an official sees it, with what they may do next."""

    message: Message
    actions: list[str]
    colleagues: list[User]
    offices: list[Office]
    pending_extensions: list[DeadlineExtension]


def case_view(session: Session, user: User, message_id: int) -> CaseView:
    """The case page's data: the message, its history and the actions allowed now (by role and state)."""
    from massline.services.access import can_act

    message = access_message_by_id(session, user, message_id)
    actions = [a for a in ACTIONS if can_act(user, _RIGHT.get(a, a), message) and casework.action_fits(a, message)]
    if user.role == "dispatcher":
        actions = [
            a
            for a in ("dispatch", "reject", "category")
            if can_act(user, "dispatch" if a == "category" else a, message) and casework.action_fits(a, message)
        ]
    colleagues: list[User] = []
    if message.office_id is not None and "assign" in actions:
        colleagues = list(
            session.scalars(
                select(User).where(
                    User.office_id == message.office_id, User.is_active.is_(True), User.role.in_(casework.OFFICE_STAFF)
                )
            )
        )
    offices = list(session.scalars(select(Office).where(Office.is_dispatch.is_(False)).order_by(Office.id)))
    pending = list(
        session.scalars(
            select(DeadlineExtension).where(
                DeadlineExtension.message_id == message.id, DeadlineExtension.status == "pending"
            )
        )
    )
    return CaseView(message, actions, colleagues, offices, pending)
