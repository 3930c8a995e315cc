"""Who sees which accountability figures: rates and ranks are public; the anti-gaming flags
name cases, so an office sees its own, and the centre, supervisors, admins and leaders see all.
The monthly report is downloaded by those who see the cadence ledger: office heads (their office's
flags and cadence) and supervisors and admins (all)."""

from __future__ import annotations

from massline.models import User
from massline.services.access.messages import OFFICE_ROLES, READ_ALL_ROLES
from massline.services.access.research import can_see_cadence


def can_see_accountability(user: User) -> bool:
    """The officials' accountability view: every active official."""
    return user.is_active and user.role != "citizen"


def accountability_flag_office(user: User) -> int | None:
    """The one office whose flags ``user`` may see (None: every office's; -1: none)."""
    if not user.is_active:
        return -1
    if user.role in READ_ALL_ROLES or user.role == "leader":
        return None
    if user.role in OFFICE_ROLES and user.office_id is not None:
        return user.office_id
    return -1


def can_download_monthly_report(user: User) -> bool:
    """True when ``user`` may download the monthly report from the workbench (office heads, supervisors,
    admins: the readers of the cadence ledger)."""
    return can_see_cadence(user)
