"""Online interviews (在线访谈): a leader answers citizens' questions live at a scheduled time.

Citizens send questions before and during the session (reviewed like messages) and vote for the
ones they want answered (one vote per browser and question); the live page shows the questions by
votes and the answers as they are posted. Questions left unanswered at the end are to be answered
within the deployment's ``publishing.interview_answer_days`` working days (Monday to Friday in the
deployment's time zone; no holiday calendar): ``answer_by``, listed for the office.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from massline.models import REVIEW_VISIBLE, Interview, InterviewQuestion, InterviewVote, User
from massline.services import notify
from massline.services.access import (
    access_interview_for_answer,
    access_office_for_publishing,
    access_question_for_answer,
    publishing_offices,
)
from massline.services.crypto import FieldCipher
from massline.services.deployment import deployment_zone
from massline.services.errors import Conflict, NotFound
from massline.services.policy import calendar_policy, publishing_policy
from massline.services.publishing.checks import BODY_MAX, TITLE_MAX, citizen_text, raise_if, text_field
from massline.services.publishing.posts import leader_of

LONGEST = timedelta(hours=12)


@dataclass(frozen=True)
class InterviewInput:
    """An interview as an official scheduled it (times aware)."""

    title: str = ""
    intro: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    leader_id: int = 0


def add_working_days(session: Session, start: datetime, days: int) -> datetime:
    """``start`` moved ``days`` working days later (Monday to Friday in the deployment's zone, less the
    public holidays and plus the adjusted working days of its ``calendar:`` section)."""
    local = start.astimezone(deployment_zone(session))
    day = calendar_policy(session).working_day_after(local.date(), days)
    return local.replace(year=day.year, month=day.month, day=day.day).astimezone(start.tzinfo)


def check_schedule_interview(session: Session, user: User, office_id: int, data: InterviewInput) -> Interview:
    """Schedule an interview of office ``office_id`` (maybe with one of its leaders)."""
    office = access_office_for_publishing(session, user, office_id)
    errors: dict[str, str] = {}
    title = text_field(errors, "title", "访谈主题", data.title, low=2, high=TITLE_MAX)
    intro = text_field(errors, "intro", "访谈介绍", data.intro, low=0, high=BODY_MAX)
    leader = leader_of(session, office, data.leader_id, errors)
    if data.starts_at is None:
        errors["starts_at"] = "请填写开始时间"
    if data.ends_at is None:
        errors["ends_at"] = "请填写结束时间"
    elif data.starts_at is not None and not data.starts_at < data.ends_at <= data.starts_at + LONGEST:
        errors["ends_at"] = "结束时间须晚于开始时间，且访谈不超过 12 小时"
    raise_if(errors)
    assert data.starts_at is not None and data.ends_at is not None
    answer_by = add_working_days(session, data.ends_at, publishing_policy(session).interview_answer_days)
    interview = Interview(office=office, leader=leader, author_id=user.id, title=title, intro=intro,
                          starts_at=data.starts_at, ends_at=data.ends_at, answer_by=answer_by)  # fmt: skip
    session.add(interview)
    session.flush()
    return interview


def access_public_interview(session: Session, interview_id: int) -> Interview:
    """An interview (every one is public); otherwise NotFound."""
    interview = session.get(Interview, interview_id)
    if interview is None:
        raise NotFound()
    return interview


def phase(interview: Interview, now: datetime) -> str:
    """"upcoming", "live" or "ended"."""
    if now < interview.starts_at:
        return "upcoming"
    return "live" if now < interview.ends_at else "ended"


def check_ask(
    session: Session, interview_id: int, author_name: str, body: str, now: datetime, contact: str = "",
    cipher: FieldCipher | None = None,
) -> InterviewQuestion:
    """A citizen's question, before or during the session (reviewed per the deployment's moderation); with a
    ``contact`` (a mobile number or an e-mail address, kept encrypted with ``cipher``) the citizen is told
    when it is answered after the session."""
    interview = access_public_interview(session, interview_id)
    if phase(interview, now) == "ended":
        raise Conflict("访谈已经结束，不再征集问题。")
    channel, address = notify.check_contact(contact) if contact.strip() else (None, "")
    columns = citizen_text(session, author_name, body, label="问题")
    question = InterviewQuestion(interview=interview, votes=0, created_at=now, **columns)
    if channel is not None and cipher is not None:
        question.contact_channel, question.contact_encrypted = channel, cipher.encrypt(address)
    session.add(question)
    session.flush()
    return question


def _shown_question(session: Session, interview_id: int, question_id: int) -> InterviewQuestion:
    question = session.get(InterviewQuestion, question_id)
    if question is None or question.interview_id != interview_id or question.review_state not in REVIEW_VISIBLE:
        raise NotFound()
    return question


def check_vote(session: Session, interview_id: int, question_id: int, voter_key: str, now: datetime) -> int:
    """One browser's vote for a shown question, until the session ends; returns the question's votes."""
    question = _shown_question(session, interview_id, question_id)
    if phase(question.interview, now) == "ended":
        raise Conflict("访谈已经结束，不再投票。")
    try:
        with session.begin_nested():
            session.add(InterviewVote(question_id=question.id, voter_key=voter_key))
    except IntegrityError:
        raise Conflict("您已经为这个问题投过票了。") from None
    session.execute(update(InterviewQuestion).where(InterviewQuestion.id == question.id)
                    .values(votes=InterviewQuestion.votes + 1))  # fmt: skip
    session.refresh(question)
    return question.votes


@dataclass(frozen=True)
class AnswerNotice:
    """What telling a citizen of a late answer needs: the field cipher and the site's name and address."""

    cipher: FieldCipher
    site: str
    base_url: str


def check_answer_question(
    session: Session, user: User, question_id: int, answer: str, now: datetime, notice: AnswerNotice | None = None
) -> InterviewQuestion:
    """Answer (or correct the answer to) a question; answering publishes a question still waiting for review.
    The first answer given after the session is sent to the contact the citizen left (through ``notice``);
    the contact is erased with any first answer."""
    question = access_question_for_answer(session, user, question_id)
    errors: dict[str, str] = {}
    text = text_field(errors, "answer", "回答", answer, low=2, high=BODY_MAX)
    raise_if(errors)
    if question.review_state not in REVIEW_VISIBLE:
        question.review_state = "published"
    first = question.answered_at is None
    question.answer, question.answered_by_id = text, user.id
    question.answered_at = question.answered_at or now
    if first and question.contact_encrypted and question.contact_channel:
        if notice is not None and now > question.interview.ends_at:
            _tell_asker(session, question, notice, now)
        question.contact_channel = question.contact_encrypted = None
    return question


def _tell_asker(session: Session, question: InterviewQuestion, notice: AnswerNotice, now: datetime) -> None:
    interview = question.interview
    assert question.contact_encrypted is not None and question.contact_channel is not None
    link = f"{notice.base_url}/interviews/{interview.id}#q{question.id}"
    body = (f"您在在线访谈“{interview.title[:40]}”中提的问题已由{interview.office.name}回答，请查看：{link}\n"
            f"【{notice.site}】")
    address = notice.cipher.decrypt(question.contact_encrypted)
    subject = f"【{notice.site}】在线访谈问题已回答"
    notify.do_send_text(session, notice.cipher, question.contact_channel, address, subject, body, now,
                        purpose="interview_answered")


def do_review_question(session: Session, user: User, question_id: int, publish: bool) -> InterviewQuestion:
    """Publish or withhold a citizen's question (an official of the interview's office)."""
    question = access_question_for_answer(session, user, question_id)
    question.review_state = "published" if publish else "withheld"
    if not publish:  # a withheld question is never answered: its contact is not kept
        question.contact_channel = question.contact_encrypted = None
    return question


def shown_questions(session: Session, interview_id: int) -> list[InterviewQuestion]:
    """The shown questions of an interview, most votes first (then oldest first)."""
    return list(session.scalars(
        select(InterviewQuestion)
        .where(InterviewQuestion.interview_id == interview_id, InterviewQuestion.review_state.in_(REVIEW_VISIBLE))
        .order_by(InterviewQuestion.votes.desc(), InterviewQuestion.id)
    ))  # fmt: skip


def live_state(session: Session, interview_id: int, now: datetime) -> dict[str, object]:
    """What the live page polls: the phase and the shown questions by votes, with their answers
    (plain rows, no ORM objects: the page asks every few seconds)."""
    interview = access_public_interview(session, interview_id)
    q = InterviewQuestion
    rows = session.execute(
        select(q.id, q.author_name, q.public_body, q.votes, q.answer, q.answered_at)
        .where(q.interview_id == interview.id, q.review_state.in_(REVIEW_VISIBLE))
        .order_by(q.votes.desc(), q.id)
    ).all()
    return {
        "phase": phase(interview, now),
        "questions": [
            {"id": r.id, "author": r.author_name, "body": r.public_body, "votes": r.votes, "answer": r.answer,
             "answered_at": r.answered_at.isoformat() if r.answered_at else None}
            for r in rows
        ],
    }  # fmt: skip


def interview_desk(session: Session, user: User, interview_id: int) -> tuple[Interview, list[InterviewQuestion]]:
    """An interview of an office ``user`` speaks for and all its questions but withheld ones, by votes."""
    interview = access_interview_for_answer(session, user, interview_id)
    questions = session.scalars(
        select(InterviewQuestion)
        .where(InterviewQuestion.interview_id == interview.id, InterviewQuestion.review_state != "withheld")
        .order_by(InterviewQuestion.votes.desc(), InterviewQuestion.id)
    ).all()
    return interview, list(questions)


@dataclass(frozen=True)
class OpenQuestion:
    """A question of an ended interview still without an answer, and its deadline."""

    question: InterviewQuestion
    answer_by: datetime
    overdue: bool


def open_questions(session: Session, user: User, now: datetime) -> list[OpenQuestion]:
    """Unanswered shown questions of ended interviews of offices ``user`` speaks for, earliest deadline first."""
    offices = [o.id for o in publishing_offices(session, user)]
    rows = session.scalars(
        select(InterviewQuestion).join(Interview)
        .where(Interview.office_id.in_(offices), Interview.ends_at <= now, InterviewQuestion.answer.is_(None),
               InterviewQuestion.review_state.in_(REVIEW_VISIBLE))
        .order_by(Interview.answer_by, InterviewQuestion.id)
    ).all()  # fmt: skip
    return [OpenQuestion(q, q.interview.answer_by, q.interview.answer_by < now) for q in rows]


def office_interviews(session: Session, office_id: int, limit: int = 20) -> list[Interview]:
    """The office's interviews, latest start first."""
    query = select(Interview).where(Interview.office_id == office_id).order_by(Interview.starts_at.desc())
    return list(session.scalars(query.limit(limit)))
