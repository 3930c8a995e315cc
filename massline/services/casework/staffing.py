"""Who is on duty in an office: the offices nobody could sign for, and who takes a reopened case."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.analysis.text import clean_text
from massline.models import Office, User
from massline.services.errors import ValidationFailed
from massline.services.people import office_staffing

UNSTAFFED_MARK = "（无在岗人员）"


def offices_without_staff(session: Session) -> set[str]:
    """Codes of the answering offices (not the dispatch centre) where no active account can take a case
    (``people.office_staffing``): a case sent there waits with nobody to sign for it."""
    return {s.office.code for s in office_staffing(session) if s.unstaffed and not s.office.is_dispatch}


def has_staff(session: Session, office: Office) -> bool:
    """True when ``office`` has at least one active account that can take its cases."""
    return office.code not in offices_without_staff(session) or office.is_dispatch


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
