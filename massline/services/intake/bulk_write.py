"""Bulk import, second half: planning prepared rows into message rows and
writing a batch — messages, case history, replies — in one transaction.

The rows are those a web submission would produce (``intake.new_tracking_code``,
``routing.suggest_category``, the route and deadline of ``bulk_prepare.Lookups``),
and like a web submission the messages are stored ``search_pending``: the
worker adds them to the search index (``services/search_backlog``; ``massline
import --index-now`` does it before the command returns), and board search
finds them by substring meanwhile. How they are written depends on the database:

* SQLite: rows are converted to the driver's values by the columns' own bind
  processors (the values SQLAlchemy would send) when they are planned, in the
  thread that reads the file, so that the writer thread only runs SQL; the
  batch's write transaction holds the database's only write lock (``BEGIN
  IMMEDIATE``), so message and reply ids are allotted up front (``max(id) + 1 …``,
  what SQLite would choose) instead of being read back; rows go through the
  driver's ``executemany``.
* PostgreSQL: Core ``INSERT`` executemany; ids are read back by tracking code.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Dialect, Table, insert, select
from sqlalchemy.orm import Session

from massline.models import Message, MessageEvent, Reply
from massline.services.access import secret_digest
from massline.services.crypto import FieldCipher
from massline.services.dbapi import CompiledInsert
from massline.services.intake.bulk_prepare import ImportOptions, ImportReport, Lookups, OfficeRef, PreparedRow
from massline.services.intake.submit import new_tracking_code
from massline.services.routing import suggest_category

_MESSAGES = cast(Table, Message.__table__)
_EVENTS = cast(Table, MessageEvent.__table__)
_REPLIES = cast(Table, Reply.__table__)
_CHUNK = 500
_Row = dict[str, Any]


@dataclass
class Planned:
    """A prepared row with its message row, case history and reply composed.

    ``message_id`` (and the reply's ``id``) are filled in when the batch is
    written; ``values`` holds the same rows as driver values on SQLite.
    """

    prepared: PreparedRow
    message: _Row
    events: list[_Row]
    reply: _Row | None
    reply_event: _Row | None
    routed: bool
    values: _Values | None = None


@dataclass
class _Values:
    """A planned row as driver values, in the column order of its ``CompiledInsert``; index 0
    of each list is the id (message, reply) or message id (event) still to fill."""

    message: list[Any]
    events: list[list[Any]]
    reply: list[Any] | None


def _event(type_: str, at: datetime, frm: str, to: str, office_id: int | None, **kw: Any) -> _Row:
    note = kw.pop("note", None)
    return {
        "message_id": None,
        "type": type_,
        "from_status": frm,
        "to_status": to,
        "actor_id": None,
        "office_id": office_id,
        "note": note,
        "is_public": True,
        "data": kw,
        "created_at": at,
    }


def _reply(office_id: int, body: str, at: datetime | None) -> _Row:
    return {
        "message_id": None,
        "office_id": office_id,
        "author_id": None,
        "body": body,
        "status": "published",
        "created_at": at,
        "published_at": at,
    }


class _Drivers:
    """The driver inserts of the three tables; built from the first planned row."""

    def __init__(self, messages: CompiledInsert, events: CompiledInsert, replies: CompiledInsert) -> None:
        self.messages = messages
        self.events = events
        self.replies = replies

    @classmethod
    def make(cls, dialect: Dialect, x: Planned) -> _Drivers | None:
        """Driver inserts for SQLite; None for other databases or computed defaults."""
        if dialect.name != "sqlite":
            return None
        event = x.events[0]
        reply = x.reply or _reply(0, "", None)
        drivers = (
            CompiledInsert.make(dialect, _MESSAGES, ["id", *x.message]),
            CompiledInsert.make(dialect, _EVENTS, list(event)),
            CompiledInsert.make(dialect, _REPLIES, ["id", *reply]),
        )
        if any(d is None for d in drivers):
            return None
        return cls(*cast(tuple[CompiledInsert, CompiledInsert, CompiledInsert], drivers))

    def values(self, x: Planned) -> _Values:
        """The planned row's message, events and reply as driver values."""
        return _Values(
            self.messages.values({"id": None, **x.message}),
            [self.events.values(e) for e in x.events],
            self.replies.values({"id": None, **x.reply}) if x.reply is not None else None,
        )


def _next_id(connection: Connection, table: Table) -> int:
    return int(connection.execute(select(table.c.id).order_by(table.c.id.desc()).limit(1)).scalar() or 0) + 1


def _ids_by(connection: Connection, key: Any, id_column: Any, values: list[Any]) -> list[int]:
    """Ids of just-inserted rows looked up by a unique ``key`` column, in the order of ``values``."""
    found: dict[Any, int] = {}
    for start in range(0, len(values), _CHUNK):
        chunk = values[start : start + _CHUNK]
        found.update((k, i) for k, i in connection.execute(select(key, id_column).where(key.in_(chunk))))
    return [found[v] for v in values]


def _ids_by_code(connection: Connection, codes: list[str]) -> list[int]:
    """Ids of just-inserted messages, in the order of ``codes`` (portable, unlike
    executemany + RETURNING, which SQLite runs row by row when order matters)."""
    return _ids_by(connection, Message.tracking_code, Message.id, codes)


def _reply_ids(connection: Connection, message_ids: list[int]) -> list[int]:
    """Reply ids of just-inserted replies, one per message (an imported message has one)."""
    return _ids_by(connection, Reply.message_id, Reply.id, message_ids)


class Writer:
    """Plans and writes batches of prepared rows; one instance per import run."""

    def __init__(self, lookups: Lookups, cipher: FieldCipher, options: ImportOptions, now: datetime) -> None:
        self.lookups = lookups
        self.cipher = cipher
        self.options = options
        self.now = now
        self.codes: set[str] = set()
        self.reply_office: OfficeRef | None = None
        self._drivers: _Drivers | None = None
        self._dialect: Dialect | None = None

    def _code(self) -> str:
        code = new_tracking_code()
        while code in self.codes:
            code = new_tracking_code()
        self.codes.add(code)
        return code

    def plan(self, session: Session, batch: list[PreparedRow]) -> list[Planned]:
        """Route each row and compose its rows (no writing; ``session`` only reads)."""
        planned = [self._plan_row(session, p) for p in batch]
        if planned and self._dialect is None:
            self._dialect = session.get_bind().dialect
            self._drivers = _Drivers.make(self._dialect, planned[0])
        if self._drivers is not None:
            for x in planned:
                x.values = self._drivers.values(x)
        return planned

    def _plan_row(self, session: Session, p: PreparedRow) -> Planned:
        source = self.options.source
        row = p.row
        category_id = p.category_id
        if category_id is None:
            suggested = suggest_category(session, row.title + "\n" + row.body)
            category_id = suggested.id if suggested is not None else None
        office = self.lookups.office_for(session, p.region_id, category_id)
        created = row.created_at or self.now
        replier = office
        if row.reply and replier is None:
            replier = self.reply_office or self.lookups.dispatch_office(p.region_id)
        replied_at = (row.replied_at or created) if row.reply and replier else None
        status = "replied" if replied_at else ("assigned" if office else "received")
        owner = office or (replier if replied_at else None)
        due = created + timedelta(days=self.lookups.days_for(session, category_id, row.kind)) if office else None
        message = {
            "tracking_code": self._code(),
            "secret_hash": secret_digest(secrets.token_urlsafe(16)),
            "title": row.title.strip(),
            "body": row.body.strip(),
            "kind": row.kind,
            "region_id": p.region_id,
            "category_id": category_id,
            "addressee_office_id": None,
            "addressee_leader_id": None,
            "office_id": owner.id if owner else None,
            "assignee_id": None,
            "status": status,
            "is_public": row.is_public,
            "author_name": row.author_name.strip() or "匿名网友",
            "contact_encrypted": self.cipher.encrypt(p.phone) if p.phone else None,
            "source": source,
            "external_id": row.external_id,
            "support_count": row.supports,
            "reopen_count": 0,
            "escalated": False,
            "reject_reason": None,
            "created_at": created,
            "updated_at": replied_at or created,
            "due_at": due,
            "replied_at": replied_at,
            "closed_at": None,
            "search_pending": True,  # indexed by the worker (services/search_backlog)
        }
        events = [_event("submitted", created, "received", "received", None, source=source)]
        if office is not None:
            events.append(
                _event("routed", created, "received", "assigned", office.id, note=office.name, office_code=office.code)
            )
        reply = reply_event = None
        if replied_at is not None and replier is not None:
            reply = _reply(replier.id, row.reply, replied_at)
            frm = "assigned" if office is not None else "received"
            reply_event = _event("replied", replied_at, frm, "replied", replier.id, source=source)
        return Planned(p, message, events, reply, reply_event, office is not None)

    def insert(self, session: Session, planned: list[Planned], report: ImportReport) -> None:
        """Insert planned rows with their events and replies (in ``session``'s transaction)."""
        connection = session.connection()
        if self._drivers is not None:
            self._insert_sqlite(connection, self._drivers, planned)
        else:
            self._insert_core(connection, planned)
        for x in planned:
            if x.routed:
                report.routed += 1
            else:
                report.queued += 1
            report.replied += x.reply is not None
        report.imported += len(planned)

    def _insert_sqlite(self, connection: Connection, drivers: _Drivers, planned: list[Planned]) -> None:
        first = _next_id(connection, _MESSAGES)
        ids = range(first, first + len(planned))
        next_reply = _next_id(connection, _REPLIES)
        messages, events, replies, reply_events = [], [], [], []
        for mid, x in zip(ids, planned, strict=True):
            values = cast(_Values, x.values)
            values.message[0] = mid
            messages.append(values.message)
            for event in values.events:
                event[0] = mid
                events.append(event)
            if values.reply is not None and x.reply_event is not None:
                values.reply[0] = next_reply
                values.reply[1] = mid
                replies.append(values.reply)
                reply_events.append(
                    drivers.events.values(
                        {**x.reply_event, "message_id": mid, "data": {**x.reply_event["data"], "reply_id": next_reply}}
                    )
                )
                next_reply += 1
        drivers.messages.run(connection, messages)
        if replies:
            drivers.replies.run(connection, replies)
        drivers.events.run(connection, events + reply_events)

    def _insert_core(self, connection: Connection, planned: list[Planned]) -> None:
        messages = [x.message for x in planned]
        if connection.dialect.name == "sqlite":  # ids allotted under the write lock
            first = _next_id(connection, _MESSAGES)
            ids = list(range(first, first + len(planned)))
            connection.execute(insert(_MESSAGES), [{"id": mid, **m} for mid, m in zip(ids, messages, strict=True)])
        else:
            connection.execute(insert(_MESSAGES), messages)
            ids = _ids_by_code(connection, [m["tracking_code"] for m in messages])
        events = [{**e, "message_id": mid} for mid, x in zip(ids, planned, strict=True) for e in x.events]
        replied = [(mid, x) for mid, x in zip(ids, planned, strict=True) if x.reply is not None]
        if replied:
            connection.execute(insert(_REPLIES), [{**cast(_Row, x.reply), "message_id": mid} for mid, x in replied])
            reply_ids = _reply_ids(connection, [mid for mid, _ in replied])
            for (mid, x), rid in zip(replied, reply_ids, strict=True):
                event = cast(_Row, x.reply_event)
                events.append({**event, "message_id": mid, "data": {**event["data"], "reply_id": rid}})
        connection.execute(insert(_EVENTS), events)
