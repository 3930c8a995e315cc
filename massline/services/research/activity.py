"""Research from activity: an official's work in the workbench, noted as runs of activity.

A staff page view or action of a counted kind (reading cases, analysing issues, alerts and the
dashboard, replying, meeting citizens online) extends the official's latest run when it comes within
the idle cutoff (``research.idle_minutes``, default 10) of the run's last event: the gap is added to
the run's time. A later event starts a new run. The ledger counts each run's time plus a small credit
(``research.event_credit_minutes``) for its last event, so an isolated page view counts one minute
and idle time counts nothing: a conservative measure.

The write is cheap: the request reads the official's latest run and writes only when a minute has
passed since it (one small update or insert); time in between is not lost, the next write adds it.
The first time an official opens a case, the same write records it (``ResearchCaseView``), for
the cadence ledger's "read but silent" cases.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from massline.models import Message, ResearchActivity, ResearchCaseView, User
from massline.services.access import can_read
from massline.services.policy import ResearchPolicy

ACTIVITY_KINDS = ("reading", "analysis", "replying", "meeting")
ACTIVITY_LABELS = {"reading": "阅看留言", "analysis": "分析研判", "replying": "答复群众", "meeting": "在线交流"}
#: at most one write per official per this many seconds
NOTE_EVERY_SECONDS = 60

_ANALYSIS_PREFIXES = ("/staff/dashboard", "/staff/issues", "/staff/alerts")
_MEETING_PREFIXES = ("/staff/publishing", "/staff/interviews")
_REPLY_WORDS = ("/reply", "/publish", "/submit_reply")
_CASE_PATH = re.compile(r"^/staff/cases/([1-9][0-9]{0,9})(?:/|$)")
_ID_MAX = 2**31 - 1


def activity_kind(method: str, path: str) -> str | None:
    """The kind of research a workbench request is, or None when it does not count (admin pages, the
    password page, the research pages themselves, anything outside ``/staff``)."""
    if not path.startswith("/staff/") and path != "/staff":
        return None
    if path.startswith(_MEETING_PREFIXES):
        return "meeting"
    if path.startswith(_ANALYSIS_PREFIXES):
        return "analysis"
    if path.startswith("/staff/cases/"):
        if method == "POST" and path.endswith(_REPLY_WORDS):
            return "replying"
        return "reading"
    if path in ("/staff", "/staff/", "/staff/dispatch", "/staff/escalated", "/staff/callbacks"):
        return "reading"
    return None


def case_id_of(path: str) -> int | None:
    """The case a workbench path is about (``/staff/cases/{id}...``), if any."""
    match = _CASE_PATH.match(path)
    if match is None or int(match.group(1)) > _ID_MAX:
        return None
    return int(match.group(1))


def case_unseen(session: Session, user: User, message_id: int) -> bool:
    """True when ``user`` opens a case they may read for the first time (the cadence's "read" cases)."""
    seen = select(ResearchCaseView.id).where(ResearchCaseView.user_id == user.id,
                                             ResearchCaseView.message_id == message_id)  # fmt: skip
    if session.scalar(seen) is not None:
        return False
    message = session.get(Message, message_id)
    return message is not None and can_read(session, user, message)


def latest_run(session: Session, user_id: int) -> ResearchActivity | None:
    """The official's latest run of activity."""
    query = select(ResearchActivity).where(ResearchActivity.user_id == user_id)
    return session.scalar(query.order_by(ResearchActivity.last_at.desc(), ResearchActivity.id.desc()).limit(1))


def needs_note(session: Session, user_id: int, now: datetime) -> bool:
    """True when the official's activity at ``now`` should be written (a minute after the last write)."""
    last = session.scalar(select(ResearchActivity.last_at).where(ResearchActivity.user_id == user_id)
                          .order_by(ResearchActivity.last_at.desc()).limit(1))  # fmt: skip
    return last is None or now - last >= timedelta(seconds=NOTE_EVERY_SECONDS) or now < last


def do_note_activity(
    session: Session, user_id: int, kind: str, now: datetime, policy: ResearchPolicy, *, case_id: int | None = None
) -> None:
    """Note one event of ``kind`` at ``now``: extend the latest run if it is within the idle cutoff,
    else start a new run; ``case_id``: a case the official opens for the first time (checked readable)."""
    if case_id is not None:
        try:
            with session.begin_nested():  # a second tab opening the same case at the same moment
                session.add(ResearchCaseView(user_id=user_id, message_id=case_id, first_at=now))
        except IntegrityError:
            pass
    run = latest_run(session, user_id)
    idle = timedelta(minutes=policy.idle_minutes)
    if run is not None and run.last_at <= now <= run.last_at + idle:
        run.seconds += int((now - run.last_at).total_seconds())
        run.last_at = now
        run.events += 1
    else:
        run = ResearchActivity(user_id=user_id, started_at=now, last_at=now, seconds=0, events=1,
                               reading=0, analysis=0, replying=0, meeting=0)  # fmt: skip
        session.add(run)
    setattr(run, kind, (getattr(run, kind) or 0) + 1)
