"""The 网言网语 glossary's API for admins (``/api/v1/glossary``): every term, one term, adding,
changing and deleting one, and the week's frequent words the glossary does not explain yet — what
the admin page ``/staff/admin/glossary`` does, with the same rule (``access.can_edit_glossary``:
admins) and the same validation and audit (``services.replies``).
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from massline.models import GlossaryTerm
from massline.services import replies
from massline.web.deps import ApiOfficial, PlatformDep, SessionDep, actor_in
from massline.web.ids import PathId

router = APIRouter(prefix="/api/v1/glossary", tags=["glossary"])


class TermIn(BaseModel):
    """A term as an admin writes it (the limits are checked by the service, with Chinese messages)."""

    term: str = Field(max_length=200, description="词语（不超过 40 字）")
    variants: list[str] = Field(default_factory=list, max_length=50, description="其他写法（最多 10 个）")
    meaning: str = Field(max_length=2000, description="释义（不超过 500 字）")
    note: str = Field(default="", max_length=2000, description="用法说明")
    example: str = Field(default="", max_length=2000, description="例句")
    suits_reply: bool = Field(default=False, description="适合用于答复")
    reply_hint: str = Field(default="", max_length=2000, description="答复提示")


class TermOut(TermIn):
    """A term of the glossary."""

    id: int
    updated_at: datetime


class UnexplainedOut(BaseModel):
    """A word frequent in the week's messages that the glossary does not explain."""

    word: str
    messages: int
    latest_message_id: int


def term_out(row: GlossaryTerm) -> TermOut:
    """The API's view of a term."""
    return TermOut(id=row.id, term=row.term, variants=list(row.variants or []), meaning=row.meaning, note=row.note,
                   example=row.example, suits_reply=row.suits_reply, reply_hint=row.reply_hint,
                   updated_at=row.updated_at)  # fmt: skip


def _input(data: TermIn) -> replies.TermInput:
    return replies.TermInput(**data.model_dump())


@router.get("", response_model=list[TermOut])
def list_terms(user: ApiOfficial, session: SessionDep) -> list[TermOut]:
    """Every term, in order of the term (admins; 403 for other officials)."""
    return [term_out(r) for r in replies.glossary_terms(session, user)]


@router.get("/unexplained", response_model=list[UnexplainedOut])
def unexplained(user: ApiOfficial, session: SessionDep, platform: PlatformDep) -> list[UnexplainedOut]:
    """The week's frequent words of this deployment's messages that the glossary does not explain."""
    return [UnexplainedOut(word=t.word, messages=t.messages, latest_message_id=t.latest_message_id)
            for t in replies.unexplained_terms(session, user, platform.now())]  # fmt: skip


@router.get("/{term_id}", response_model=TermOut)
def get_term(term_id: PathId, user: ApiOfficial, session: SessionDep) -> TermOut:
    """One term (404 for a missing one)."""
    return term_out(replies.access_term(session, user, term_id))


@router.post("", response_model=TermOut, status_code=201)
def add_term(data: TermIn, user: ApiOfficial, platform: PlatformDep) -> TermOut:
    """Add a term (audited); 422 with the field's error in Chinese (a taken term, a missing meaning ...)."""
    with platform.write() as session:
        return term_out(replies.check_add_term(session, actor_in(session, user), _input(data), platform.now()))


@router.put("/{term_id}", response_model=TermOut)
def update_term(term_id: PathId, data: TermIn, user: ApiOfficial, platform: PlatformDep) -> TermOut:
    """Replace a term's fields (audited with what changed)."""
    with platform.write() as session:
        actor = actor_in(session, user)
        return term_out(replies.check_update_term(session, actor, term_id, _input(data), platform.now()))


@router.delete("/{term_id}", status_code=204)
def delete_term(term_id: PathId, user: ApiOfficial, platform: PlatformDep) -> Response:
    """Delete a term (audited)."""
    with platform.write() as session:
        replies.check_delete_term(session, actor_in(session, user), term_id)
    return Response(status_code=204)
