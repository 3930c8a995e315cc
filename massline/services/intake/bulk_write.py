"""Bulk import, second half: planning prepared rows into message rows and
writing a batch — messages, case history, replies — in one transaction.

The rows are those a web submission produces: ``intake.message_row`` and
``intake.submission_events`` compose them, with a tracking code from
``intake.new_tracking_code``, ``routing.suggest_category`` and the route and
deadline of ``bulk_prepare.Lookups``; they are written by the same
``intake.store_submissions`` (Core ``INSERT`` executemany, ids returned) and
``events.write_events``. What only an import has — a reply carried by the row
and its ``replied`` event — is added after them. Like a web submission, the
messages are stored ``search_pending``: the worker adds them to the search
index (``services/search_backlog``; ``massline import --index-now`` does it
before the command returns), and board search finds them by substring meanwhile.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from massline.models import Reply
from massline.services.access import secret_digest
from massline.services.crypto import FieldCipher
from massline.services.events import event_row, write_events
from massline.services.intake.bulk_prepare import ImportOptions, ImportReport, Lookups, OfficeRef, PreparedRow
from massline.services.intake.review import review_columns, review_state
from massline.services.intake.submit import (
    PreparedSubmission,
    message_row,
    new_tracking_code,
    store_submissions,
    submission_events,
)
from massline.services.routing import suggest_category

_REPLIES = cast(Table, Reply.__table__)
_INSERT_REPLIES = insert(_REPLIES).returning(_REPLIES.c.id, _REPLIES.c.message_id)
_Row = dict[str, Any]


@dataclass
class Planned:
    """A prepared row with its submission (message and case history) and reply composed."""

    prepared: PreparedRow
    submission: PreparedSubmission
    reply: _Row | None
    reply_event: _Row | None
    routed: bool


def _reply(office_id: int, body: str, at: datetime) -> _Row:
    return {
        "message_id": None,
        "office_id": office_id,
        "author_id": None,
        "body": body,
        "status": "published",
        "created_at": at,
        "published_at": at,
    }


class Writer:
    """Plans and writes batches of prepared rows; one instance per import run."""

    def __init__(self, lookups: Lookups, cipher: FieldCipher, options: ImportOptions, now: datetime) -> None:
        self.lookups = lookups
        self.cipher = cipher
        self.options = options
        self.now = now
        self.codes: set[str] = set()
        self.reply_office: OfficeRef | None = None

    def _code(self) -> str:
        code = new_tracking_code()
        while code in self.codes:
            code = new_tracking_code()
        self.codes.add(code)
        return code

    def plan(self, session: Session, batch: list[PreparedRow]) -> list[Planned]:
        """Route each row and compose its rows (no writing; ``session`` only reads)."""
        state = review_state(session)  # (the deployment's moderation, read once per batch)
        return [self._plan_row(session, p, state) for p in batch]

    def _plan_row(self, session: Session, p: PreparedRow, state: str) -> Planned:
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
        owner = office or (replier if replied_at else None)
        due = self._due(session, p, created, category_id, answered=replied_at is not None) if office else None
        message = message_row(
            title=row.title, body=row.body, kind=row.kind, region_id=p.region_id, category_id=category_id,
            office_id=owner.id if owner else None, is_public=row.is_public, author_name=row.author_name,
            contact_encrypted=self.cipher.encrypt(p.phone) if p.phone else None, source=source,
            external_id=row.external_id, secret_hash=secret_digest(secrets.token_urlsafe(16)),
            tracking_code=self._code(), created_at=created, due_at=due, support_count=row.supports,
            oppose_count=row.opposes,
            status="replied" if replied_at else ("assigned" if office else "received"),
            updated_at=replied_at or created, replied_at=replied_at,
            **review_columns(session, row.title, row.body, state),
        )  # fmt: skip
        events = submission_events(source, created, office)
        reply = reply_event = None
        if replied_at is not None and replier is not None:
            reply = _reply(replier.id, row.reply, replied_at)
            frm = "assigned" if office is not None else "received"
            reply_event = event_row(
                "replied", replied_at, from_status=frm, to_status="replied", office_id=replier.id, source=source
            )
        submission = PreparedSubmission(message, events, "", office.name if office else None)
        return Planned(p, submission, reply, reply_event, office is not None)

    def _due(
        self, session: Session, p: PreparedRow, created: datetime, category_id: int | None, *, answered: bool
    ) -> datetime:
        """The deadline from the row's time; an open case's from the import with ``deadlines_from="import"``
        (an answered one keeps the deadline it ran under, which the accountability figures judge)."""
        from_import = self.options.deadlines_from == "import" and not answered
        start = max(created, self.now) if from_import else created
        return start + timedelta(days=self.lookups.days_for(session, category_id, p.row.kind))

    def insert(self, session: Session, planned: list[Planned], report: ImportReport) -> None:
        """Insert planned rows with their events and replies (in ``session``'s transaction)."""
        ids = store_submissions(session, [x.submission for x in planned])
        replied = [(mid, x) for mid, x in zip(ids, planned, strict=True) if x.reply is not None]
        if replied:
            rows = [{**cast(_Row, x.reply), "message_id": mid} for mid, x in replied]
            reply_of = {mid: rid for rid, mid in session.execute(_INSERT_REPLIES, rows)}
            events = []
            for mid, x in replied:
                event = cast(_Row, x.reply_event)
                events.append({**event, "message_id": mid, "data": {**event["data"], "reply_id": reply_of[mid]}})
            write_events(session, events)
        for x in planned:
            if x.routed:
                report.routed += 1
            else:
                report.queued += 1
            report.replied += x.reply is not None
            due = x.submission.message["due_at"]
            report.overdue += x.reply is None and due is not None and due <= self.now
        report.imported += len(planned)
