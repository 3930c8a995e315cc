"""Offices speak online (网来网去): posts and their threads, clarifications, online interviews."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

import massline.models.issues  # noqa: F401 - loads the tables this module's foreign keys and relationships name
from massline.models.base import Base, UTCDateTime, utcnow
from massline.models.offices import Leader, Office
from massline.models.people import User

#: what an office publishes: kind → Chinese label
POST_KINDS = {"policy": "政策解读", "faq": "答问", "notice": "通知公告"}
#: a citizen's reaction to a clarification → Chinese label
REACTIONS = {"helpful": "有帮助", "doubtful": "仍有疑问"}


class Post(Base):
    """A post of an office, maybe under the name of one of its leaders; edits keep the earlier text."""

    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), index=True)
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("leaders.id", ondelete="SET NULL"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    office: Mapped[Office] = relationship()
    leader: Mapped[Leader | None] = relationship()
    revisions: Mapped[list[PostRevision]] = relationship(
        back_populates="post", cascade="all, delete-orphan", order_by="PostRevision.id"
    )

    @property
    def kind_label(self) -> str:
        """The kind's Chinese name."""
        return POST_KINDS.get(self.kind, self.kind)


class PostRevision(Base):
    """The text of a post before one edit, who edited it and when."""

    __tablename__ = "post_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    post: Mapped[Post] = relationship(back_populates="revisions")


class PostComment(Base):
    """One entry of a post's thread: a citizen's comment (reviewed like a message) or an official's answer.

    ``review_state`` takes the message review states (``REVIEW_STATES``): a citizen's comment is
    "pending" under pre-moderation, "unreviewed" under post-moderation; an official's answer is
    "published". ``public_body`` is the text shown, personal data redacted.
    """

    __tablename__ = "post_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    #: the comment an official's answer answers
    answers_id: Mapped[int | None] = mapped_column(ForeignKey("post_comments.id", ondelete="SET NULL"))
    #: the official who answered (None: a citizen's comment)
    official_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"))
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("leaders.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(100), default="")
    public_body: Mapped[str] = mapped_column(Text)
    review_state: Mapped[str] = mapped_column(String(12), index=True)
    review_findings: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    post: Mapped[Post] = relationship()


class Clarification(Base):
    """An office's public clarification (澄清/释疑) on an issue or a circulating claim."""

    __tablename__ = "clarifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), index=True)
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id", ondelete="SET NULL"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    #: what was said (the claim)
    claim: Mapped[str] = mapped_column(Text)
    #: what the facts are
    facts: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text, default="")
    #: who stands behind it: a named person and their post
    signed_by: Mapped[str] = mapped_column(String(200))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    views: Mapped[int] = mapped_column(Integer, default=0)
    helpful: Mapped[int] = mapped_column(Integer, default=0)
    doubtful: Mapped[int] = mapped_column(Integer, default=0)

    office: Mapped[Office] = relationship()


class ClarificationReaction(Base):
    """One browser's reaction to a clarification (a salted hash of its signed token, nothing else)."""

    __tablename__ = "clarification_reactions"
    __table_args__ = (UniqueConstraint("clarification_id", "voter_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clarification_id: Mapped[int] = mapped_column(ForeignKey("clarifications.id", ondelete="CASCADE"))
    voter_key: Mapped[str] = mapped_column(String(64))
    reaction: Mapped[str] = mapped_column(String(10))


class Interview(Base):
    """An online interview (在线访谈): a leader answers citizens' questions live at a set time."""

    __tablename__ = "interviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), index=True)
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("leaders.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: the deadline of questions left unanswered at the end: so many working days after it
    answer_by: Mapped[datetime] = mapped_column(UTCDateTime)

    office: Mapped[Office] = relationship()
    leader: Mapped[Leader | None] = relationship()


class InterviewQuestion(Base):
    """A citizen's question to an interview (reviewed like a message), its votes and its answer."""

    __tablename__ = "interview_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"), index=True)
    author_name: Mapped[str] = mapped_column(String(100), default="")
    public_body: Mapped[str] = mapped_column(Text)
    review_state: Mapped[str] = mapped_column(String(12))
    review_findings: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    votes: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: a contact the citizen left to hear of a late answer (``sms`` or ``email``, encrypted with the field
    #: cipher); erased once the question is answered
    contact_channel: Mapped[str | None] = mapped_column(String(10))
    contact_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)

    interview: Mapped[Interview] = relationship()
    answered_by: Mapped[User | None] = relationship()


class InterviewVote(Base):
    """One browser's vote for a question (a salted hash of its signed token)."""

    __tablename__ = "interview_votes"
    __table_args__ = (UniqueConstraint("question_id", "voter_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("interview_questions.id", ondelete="CASCADE"))
    voter_key: Mapped[str] = mapped_column(String(64))
