"""Writing audit rows in the caller's transaction, chained so that a changed or deleted row shows.

Each row gets the next number of the chain (``seq``), the previous row's hash
and its own hash: SHA-256 over its number, content and the previous hash. The
end of the chain (last number and hash) lives in the one-row table
``audit_chain_head``, which every writer locks (``SELECT … FOR UPDATE`` on
PostgreSQL; SQLite writers are serialized), so concurrent transactions cannot
fork the chain. :func:`verify_chain` recomputes it (``massline audit verify``).
Rows written before the chain existed have no number and are reported apart.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from massline.models import AuditChainHead, AuditLog, User, utcnow

__all__ = ["ChainReport", "record", "row_digest", "verify_chain"]


def row_digest(
    seq: int, actor_id: int | None, action: str, object_type: str, object_id: int | None,
    detail: dict[str, Any], created_at: datetime, prev_hash: str,
) -> str:
    """The hash of one audit row: its number, content and the previous row's hash."""
    content = json.dumps(
        [
            seq, actor_id, action, object_type, object_id, detail,
            created_at.astimezone(UTC).isoformat(timespec="microseconds"), prev_hash,
        ],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str,
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def _head(session: Session) -> AuditChainHead:
    head = session.scalar(select(AuditChainHead).where(AuditChainHead.id == 1).with_for_update())
    if head is None:
        head = AuditChainHead(id=1, seq=0, last_hash="")
        session.add(head)
    return head


def record(
    session: Session, actor: User | None, action: str, object_type: str, object_id: int | None, **detail: Any
) -> AuditLog:
    """Add an audit row, the next link of the hash chain, to the current transaction."""
    head = _head(session)
    now = utcnow()
    detail = json.loads(json.dumps(detail, ensure_ascii=False, default=str))  # as the JSON column gives it back
    seq = head.seq + 1
    digest = row_digest(seq, actor.id if actor else None, action, object_type, object_id, detail, now, head.last_hash)
    row = AuditLog(
        actor_id=actor.id if actor else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
        created_at=now,
        seq=seq,
        prev_hash=head.last_hash,
        row_hash=digest,
    )
    head.seq, head.last_hash = seq, digest
    session.add(row)
    return row


@dataclass
class ChainReport:
    """What :func:`verify_chain` found: rows checked, rows before the chain, the first problem (or None)."""

    checked: int
    unchained: int
    problem: str | None

    @property
    def ok(self) -> bool:
        """True when the chain is whole."""
        return self.problem is None


def _problem(row: AuditLog, expected_seq: int, prev_hash: str) -> str | None:
    assert row.seq is not None
    if row.seq != expected_seq:
        return f"row #{expected_seq} of the chain is missing (deleted); the next row kept is id {row.id}"
    if row.prev_hash != prev_hash:
        return f"row id {row.id} (#{row.seq}) does not follow the row before it (a row was changed or removed)"
    digest = row_digest(
        row.seq, row.actor_id, row.action, row.object_type, row.object_id, row.detail, row.created_at, prev_hash
    )
    if digest != row.row_hash:
        return f"row id {row.id} (#{row.seq}) was changed"
    return None


def verify_chain(session: Session, batch: int = 5000) -> ChainReport:
    """Recompute the audit chain from its first row; name the first changed or deleted row."""
    unchained = session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.seq.is_(None))) or 0
    expected, prev_hash, checked = 1, "", 0
    while True:
        rows = session.scalars(
            select(AuditLog).where(AuditLog.seq >= expected).order_by(AuditLog.seq).limit(batch)
        ).all()
        for row in rows:
            problem = _problem(row, expected, prev_hash)
            if problem:
                return ChainReport(checked, unchained, problem)
            expected, prev_hash, checked = expected + 1, row.row_hash or "", checked + 1
        if len(rows) < batch:
            break
    head = session.get(AuditChainHead, 1)
    if head is not None and head.seq != checked:
        return ChainReport(checked, unchained, f"rows #{checked + 1} to #{head.seq} of the chain are missing (deleted)")
    if head is not None and head.last_hash != prev_hash:
        return ChainReport(checked, unchained, f"the last row (#{checked}) was changed")
    return ChainReport(checked, unchained, None)
