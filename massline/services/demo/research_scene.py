"""The demo's online research and error-tolerance records: the executive vice-mayor's research of
the last weeks (workbench activity and two entries: a field visit and a live Q&A session), and one
tolerance review of a housing official's reply, covered by a pilot he registered beforehand.

Everything goes through the real service functions (``research``, ``tolerance``), as a leader and
a supervisor would do it. The housing official also opened two waiting cases days ago, for the
cadence ledger's "read but silent". Two officials whose replies are often well rated agreed to be
named in the monthly report's exemplary replies (``NAMED``); the others are shown by office only.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import OPEN_STATUSES, Message, Reply, User
from massline.services import people, research, tolerance
from massline.services.policy import research_policy

LEADER, CLERK, SUPERVISOR = "he.lixin", "zhao.zjj", "qian.jiandu"
#: officials who agreed to be named in the monthly report (``massline report``)
NAMED = ("du.jb", "zhou.dc")


def _user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def _activity(session: Session, leader: User, now: datetime) -> None:
    """Three weeks of workbench sessions: a 40-minute morning run most working days."""
    policy = research_policy(session)
    for day in range(21, 0, -1):
        start = (now - timedelta(days=day)).replace(hour=1, minute=30, second=0, microsecond=0)  # 09:30 Beijing
        if start.weekday() >= 5:
            continue
        for minute in range(0, 41, 4):
            kind = research.ACTIVITY_KINDS[(minute // 4) % 2]  # reading, analysis
            research.do_note_activity(session, leader.id, kind, start + timedelta(minutes=minute), policy)


def _entries(session: Session, leader: User, now: datetime) -> None:
    message_id = session.scalar(select(Message.id).where(Message.title.contains("电梯")).order_by(Message.id).limit(1))
    today = now.date()
    for kind, days_ago, hours, online, title, findings, outcome in (
        ("field_visit", 12, 8, False, "老旧小区加装电梯实地调研",
         "走访三个小区，低层住户担心采光和噪音，高层老人上下楼困难，费用分摊是主要分歧。",
         "责成住建局一个月内出台加装电梯费用分摊指引"),
        ("live_qa", 5, 2, True, "“民生热线”在线答问：城区内涝治理",
         "网民集中反映东城区两处路段逢雨必涝，排水管网老化。", "列入今年排水管网改造计划"),
    ):  # fmt: skip
        held = today - timedelta(days=days_ago)
        data = research.EntryInput(kind=kind, title=title, held_on=held, hours=hours, online=online,
                                   findings=findings, outcome=outcome,
                                   message_id=message_id if kind == "field_visit" else None)  # fmt: skip
        research.check_add_entry(session, leader, data, now)


def _tolerance(session: Session, clerk: User, supervisor: User, now: datetime) -> None:
    reply = session.scalar(select(Reply).where(Reply.author_id == clerk.id, Reply.status == "published")
                           .order_by(Reply.id.desc()).limit(1))  # fmt: skip
    if reply is None:
        return
    at = reply.published_at or reply.created_at
    pilot = tolerance.PilotInput(
        title="答复中直接写明维修单位和联系电话", reason="让群众少跑腿、直接对接维修单位。",
        risks="维修单位变更后电话可能失效", starts_on=(at - timedelta(days=30)).date(),
        ends_on=(at + timedelta(days=60)).date(),
    )  # fmt: skip
    tolerance.check_register_pilot(session, clerk, pilot, at - timedelta(days=30))
    facts = "答复中写明的维修单位电话已停用，群众按答复联系未果，再次投诉。"
    review = tolerance.check_open_review(
        session, supervisor, tolerance.ReviewInput(official=clerk.username, reply_id=reply.id, facts=facts), now
    )
    account = "电话系维修单位提供，答复前未再次核实；发现后当天更正并向群众致歉。"
    tolerance.check_give_account(session, clerk, review.id, account, now)
    decision = tolerance.DecisionInput(
        criteria={"new_approach": "事前已备案的新做法", "public_interest": "方便群众", "corrected": "当天更正并致歉"},
        decision="exempt",
        reasons="属于事前备案的探索性做法，出于便民目的，失误后及时纠正，未造成严重后果，予以容错免责。",
    )  # fmt: skip
    tolerance.check_decide(session, supervisor, review.id, decision, now)


def _opened(session: Session, clerk: User, now: datetime) -> None:
    """Two open cases of the clerk's office he opened days ago and nobody answered yet (已阅未答)."""
    waiting = session.scalars(select(Message).where(Message.office_id == clerk.office_id,
                                                    Message.status.in_(OPEN_STATUSES))
                              .order_by(Message.created_at).limit(2))  # fmt: skip
    policy = research_policy(session)
    for message in waiting:
        opened = max(message.created_at, now - timedelta(days=3))
        research.do_note_activity(session, clerk.id, "reading", opened, policy, case_id=message.id)


def stage_research(session: Session, now: datetime) -> list[str]:
    """Put the demo's research and tolerance records in place; what was staged, for the load report."""
    leader, clerk, supervisor = _user(session, LEADER), _user(session, CLERK), _user(session, SUPERVISOR)
    staged: list[str] = []
    if leader is not None:
        _activity(session, leader, now)
        _entries(session, leader, now)
        staged.append(f"research of {LEADER}")
    if clerk is not None and supervisor is not None:
        _tolerance(session, clerk, supervisor, now)
        _opened(session, clerk, now)
        staged.append(f"tolerance review of {CLERK}")
    for username in NAMED:
        official = _user(session, username)
        if official is not None and people.do_set_name_consent(session, official, True):
            staged.append(f"{username} agreed to be named in the monthly report")
    return staged
