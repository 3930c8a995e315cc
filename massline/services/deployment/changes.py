"""What every change of the configuration from the admin pages does besides the change itself:
only the admin may make it, it is audited, and it takes effect like a configuration load (the
configuration version is bumped, so every process rebuilds its routing table)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from massline.models import SiteSetting, User
from massline.services import audit
from massline.services.access import require
from massline.services.people import can_administer_accounts


def require_admin(actor: User) -> None:
    """Forbidden unless ``actor`` is the platform's admin (who edits the configuration in the browser)."""
    require(can_administer_accounts(actor))


def set_setting(session: Session, key: str, value: str) -> None:
    """Write the site setting ``key`` in the caller's transaction."""
    row = session.get(SiteSetting, key)
    if row is None:
        session.add(SiteSetting(key=key, value=value))
    else:
        row.value = value


def configuration_changed(
    session: Session, actor: User, action: str, object_type: str, object_id: int | None, **detail: Any
) -> None:
    """Record an admin's change of the configuration (audit row ``action``) and bump the configuration
    version in the same transaction: routing, deadlines and lists read the new state at once."""
    set_setting(session, "config_version", uuid.uuid4().hex)
    session.flush()
    audit.record(session, actor, action, object_type, object_id, **detail)
