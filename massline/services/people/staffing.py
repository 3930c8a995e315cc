"""Who staffs the platform: the accounts, and how many active accounts each office has (admin pages)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from massline.models import Office, User
from massline.services.access import OFFICE_ROLES, can_administer_accounts, require

#: roles whose holders take the cases sent to their office: officials and heads (accept, reply, transfer),
#: dispatchers (the dispatch centre's queue)
HANDLING_ROLES = (*OFFICE_ROLES, "dispatcher")


@dataclass(frozen=True)
class OfficeStaffing:
    """An office with its active accounts (``handlers``: those who can take its cases)."""

    office: Office
    active: int
    handlers: int

    @property
    def unstaffed(self) -> bool:
        """True when no active account can take the office's cases: a case sent there waits unseen."""
        return self.handlers == 0


def staff_accounts(session: Session, user: User) -> list[User]:
    """Every staff account, by office then username (admins only)."""
    require(can_administer_accounts(user))
    return list(
        session.scalars(
            select(User)
            .where(User.role != "citizen")
            .options(selectinload(User.office), selectinload(User.region))
            .order_by(User.office_id.is_(None), User.office_id, User.username)
        )
    )


def office_staffing(session: Session, user: User | None = None) -> list[OfficeStaffing]:
    """Every office with its count of active accounts; ``user`` (when given) must administer accounts."""
    if user is not None:
        require(can_administer_accounts(user))
    active = dict(
        session.execute(
            select(User.office_id, func.count()).where(User.is_active.is_(True)).group_by(User.office_id)
        ).all()
    )
    handlers = dict(
        session.execute(
            select(User.office_id, func.count())
            .where(User.is_active.is_(True), User.role.in_(HANDLING_ROLES))
            .group_by(User.office_id)
        ).all()
    )
    offices = session.scalars(select(Office).order_by(Office.code))
    return [OfficeStaffing(o, int(active.get(o.id, 0)), int(handlers.get(o.id, 0))) for o in offices]
