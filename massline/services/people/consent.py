"""An official's consent to be named with their exemplary replies in the monthly report (set by the
official on their own account page; audited). Without it the report names the office only."""

from __future__ import annotations

from sqlalchemy.orm import Session

from massline.models import User
from massline.services import audit


def do_set_name_consent(session: Session, user: User, consent: bool) -> bool:
    """Record ``user``'s own choice to be named (True) or not; returns whether it changed."""
    if user.name_consent == consent:
        return False
    user.name_consent = consent
    audit.record(session, user, "name_consent", "user", user.id, consent=consent)
    return True
