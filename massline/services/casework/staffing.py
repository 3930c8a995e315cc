"""Who is on duty in an office: the offices nobody could sign for, and who takes a reopened case."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from massline.analysis.text import clean_text
from massline.models import Office, User
from massline.services.errors import ValidationFailed

#: the roles that sign for and handle an office's cases
OFFICE_STAFF = ("official", "office_head")
UNSTAFFED_MARK = "（无在岗人员）"


def _on_duty() -> Select[Any]:
    return select(User.office_id).where(
        User.is_active.is_(True), User.role.in_(OFFICE_STAFF), User.office_id.is_not(None)
    )


def offices_without_staff(session: Session) -> set[str]:
    """Codes of the answering offices (not the dispatch centre) with no active official or office head:
    a case sent there waits with nobody to sign for it."""
    return set(
        session.scalars(select(Office.code).where(Office.is_dispatch.is_(False), Office.id.not_in(_on_duty())))
    )


def has_staff(session: Session, office: Office) -> bool:
    """True when ``office`` has at least one active official or office head."""
    return session.scalar(_on_duty().where(User.office_id == office.id).limit(1)) is not None


def check_staffed(session: Session, office_code: str) -> None:
    """ValidationFailed when the office ``office_code`` exists but nobody there could sign for a case
    (an unknown code is left to the action, which names it)."""
    office = session.scalar(select(Office).where(Office.code == clean_text(office_code).strip()))
    if office is not None and not office.is_dispatch and not has_staff(session, office):
        raise ValidationFailed({"office": f"「{office.name}」目前没有在岗人员，转过去将无人签收。"
                                          "请改选其他单位，或勾选“仍要转办”并告知该单位开通账号。"})


def reopen_handler(session: Session, office_id: int | None) -> User | None:
    """Who takes a reopened case in ``office_id``: its active office head (the earliest account when
    there are several), or nobody — the case then waits unassigned, seen by the whole office."""
    if office_id is None:
        return None
    return session.scalar(
        select(User)
        .where(User.office_id == office_id, User.role == "office_head", User.is_active.is_(True))
        .order_by(User.id)
        .limit(1)
    )
