"""Who staffs the platform: the chokepoint of the admin's account pages, the accounts, and how many
active accounts each office has. (Accounts are this domain's records, so their chokepoint lives here,
built on ``access.require`` like those of ``services.access``.)"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from massline.models import Office, User
from massline.services.access import OFFICE_ROLES, require
from massline.services.errors import NotFound

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


def can_administer_accounts(user: User) -> bool:
    """True when ``user`` may list, create, deactivate and reset staff accounts (the platform's admin)."""
    return user.is_active and user.role == "admin"


def access_account_for_admin(session: Session, user: User, account_id: int) -> User:
    """The staff account ``account_id``, if ``user`` administers accounts (else Forbidden) and it exists."""
    require(can_administer_accounts(user))
    account = session.get(User, account_id)
    if account is None:
        raise NotFound("未找到该账号")
    return account


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
