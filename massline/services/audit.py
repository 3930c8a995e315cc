"""Writing audit rows in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from massline.models import AuditLog, User, utcnow


def record(
    session: Session, actor: User | None, action: str, object_type: str, object_id: int | None, **detail: Any
) -> AuditLog:
    """Add an audit row to the current transaction."""
    row = AuditLog(
        actor_id=actor.id if actor else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
        created_at=utcnow(),
    )
    session.add(row)
    return row
