"""The notifier: derive notifications from new case events, then send what is due.

Run by the worker's loop (``massline serve``) and by ``massline notify run`` (tests, cron).
Each step is its own short transaction: deriving commits the outbox rows before anything is
sent, and a row is marked sent only after its driver returned. A process killed in between
leaves the row pending, and it is sent after the restart (once its lease has passed); a crash
after sending but before the mark may send it twice — at least once, never lost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from massline.config import Settings
from massline.services.crypto import FieldCipher
from massline.services.notify.channels import Channels
from massline.services.notify.outbox import Links, claim, derive, mark_failed, mark_sent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NotifyParams:
    """How the notifier tries: lookback of events, lease of a claimed row, retry wait, tries."""

    lookback: timedelta = timedelta(hours=72)
    lease: timedelta = timedelta(seconds=120)
    retry: timedelta = timedelta(seconds=60)
    max_attempts: int = 5

    @classmethod
    def from_settings(cls, s: Settings) -> NotifyParams:
        """The parameters of the ``notify_*`` settings."""
        return cls(
            timedelta(hours=s.notify_lookback_hours), timedelta(seconds=s.notify_lease_seconds),
            timedelta(seconds=s.notify_retry_seconds), s.notify_max_attempts,
        )  # fmt: skip


@dataclass
class NotifyReport:
    """What one run did."""

    derived: int = 0
    sent: int = 0
    failed: int = 0
    given_up: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class Notifier:
    """Derives and sends notifications with short transactions of ``write``."""

    write: Callable[[], AbstractContextManager[Session]]
    cipher: FieldCipher
    channels: Channels
    links: Links
    now: Callable[[], datetime]
    params: NotifyParams = field(default_factory=NotifyParams)

    def derive(self) -> int:
        """Add the notifications of new case events (until none is left); returns how many."""
        total, clashes = 0, 0
        while True:
            try:
                with self.write() as session:
                    added = derive(session, self.cipher, self.links, self.now(), self.params.lookback)
            except IntegrityError:  # another notifier added the same rows first: read again
                clashes += 1
                if clashes > 3:
                    raise
                continue
            total += added
            if added == 0:
                return total

    def send_due(self) -> NotifyReport:
        """Send every due notification once (claimed in batches); failures wait for their retry."""
        report = NotifyReport()
        while True:
            with self.write() as session:
                batch = claim(session, self.cipher, self.now(), self.params.lease)
            if not batch:
                return report
            for item in batch:
                try:
                    self.channels.send(item.channel, item.to, item.subject, item.body)
                except Exception as exc:  # any driver failure is retried later
                    log.warning("notification %d (%s) failed: %s", item.id, item.channel, exc)
                    p = self.params
                    with self.write() as session:
                        given_up = mark_failed(session, item.id, f"{type(exc).__name__}: {exc}", self.now(),
                                               retry=p.retry, max_attempts=p.max_attempts)  # fmt: skip
                    report.failed += 1
                    report.given_up += given_up
                    report.errors.append(str(exc))
                    continue
                with self.write() as session:
                    mark_sent(session, item.id, self.now())
                report.sent += 1

    def run_once(self) -> NotifyReport:
        """Derive, then send: one pass of the worker's loop or ``massline notify run``."""
        derived = self.derive()
        report = self.send_due()
        report.derived = derived
        return report
