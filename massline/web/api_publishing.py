"""The JSON API of what offices publish (``/api/v1``): an office's posts, a clarification, an online
interview's live state (the page polls it). Public reads; every text was published by an office or
reviewed and redacted, and the readers are not recorded (a clarification's views count on its page).
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from massline.services import publishing
from massline.web.deps import PlatformDep, SessionDep
from massline.web.ids import PathId

router = APIRouter(prefix="/api/v1", tags=["citizens"])


class PostOut(BaseModel):
    """A post: kind (``policy``, ``faq``, ``notice``) and its label, who published it, when, how often edited."""

    id: int
    kind: str
    kind_label: str
    title: str
    body: str
    leader: str | None
    published_at: datetime
    updated_at: datetime
    edits: int


class OfficePostsOut(BaseModel):
    """An office and its newest posts (at most 50), newest first."""

    office_id: int
    office: str
    posts: list[PostOut]


class ClarificationOut(BaseModel):
    """A clarification: what was said, the facts, the evidence, who stands behind it; views and reactions."""

    id: int
    office: str
    issue_id: int | None
    title: str
    claim: str
    facts: str
    evidence: str
    signed_by: str
    published_at: datetime
    views: int
    helpful: int
    doubtful: int


@router.get("/offices/{office_id}/posts", response_model=OfficePostsOut)
def office_posts(office_id: PathId, session: SessionDep) -> OfficePostsOut:
    """An office's posts, newest first (404 for an unknown office)."""
    page = publishing.office_page(session, office_id)
    posts = [
        PostOut(id=p.id, kind=p.kind, kind_label=p.kind_label, title=p.title, body=p.body,
                leader=f"{p.leader.title} {p.leader.name}" if p.leader else None, published_at=p.published_at,
                updated_at=p.updated_at, edits=len(p.revisions))
        for p in page.posts
    ]  # fmt: skip
    return OfficePostsOut(office_id=page.office.id, office=page.office.name, posts=posts)


@router.get("/clarifications/{clarification_id}", response_model=ClarificationOut)
def clarification(clarification_id: PathId, session: SessionDep) -> ClarificationOut:
    """A clarification (404 for an unknown one)."""
    c = publishing.access_public_clarification(session, clarification_id)
    return ClarificationOut(
        id=c.id, office=c.office.name, issue_id=c.issue_id, title=c.title, claim=c.claim, facts=c.facts,
        evidence=c.evidence, signed_by=c.signed_by, published_at=c.published_at, views=c.views, helpful=c.helpful,
        doubtful=c.doubtful,
    )  # fmt: skip


@router.get("/interviews/{interview_id}/live", include_in_schema=False)
def live(interview_id: PathId, platform: PlatformDep, session: SessionDep) -> JSONResponse:
    """What the live page polls every few seconds: the phase and the questions by votes, with answers."""
    state = publishing.live_state(session, interview_id, platform.now())
    return JSONResponse(state, headers={"Cache-Control": "no-store"})
