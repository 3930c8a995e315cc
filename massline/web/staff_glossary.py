"""The admin's 网言网语 glossary pages under ``/staff/admin/glossary``: every term, adding, editing and
deleting one (``services.replies``, audited there), and the weekly list of frequent words of this
deployment's messages that the glossary does not explain yet, each with a link to explain it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from massline.models import User
from massline.platform import Platform
from massline.services import replies
from massline.services.errors import ValidationFailed
from massline.web.deps import CsrfChecked, CurrentAdmin, PlatformDep, actor_in
from massline.web.ids import PathId
from massline.web.templating import flash, render

router = APIRouter(prefix="/staff/admin/glossary", include_in_schema=False)
Short = Annotated[str, Form(max_length=200)]
Long = Annotated[str, Form(max_length=2000)]



def _input(term: str, variants: str, meaning: str, note: str, example: str, suits_reply: str,
           reply_hint: str) -> replies.TermInput:  # fmt: skip
    split = replies.TermInput.split_variants(variants)
    return replies.TermInput(term=term, variants=split, meaning=meaning, note=note, example=example,
                             suits_reply=suits_reply == "1", reply_hint=reply_hint)  # fmt: skip


def _list_page(request: Request, session: Session, platform: Platform, admin: User, *,
               errors: dict[str, str] | None = None, values: dict[str, Any] | None = None,
               status: int = 200) -> Response:  # fmt: skip
    actor = actor_in(session, admin)
    return render(request, "staff/admin_glossary.html", {
        "user": admin, "nav": "admin_glossary", "terms": replies.glossary_terms(session, actor),
        "unexplained": replies.unexplained_terms(session, actor, platform.now()),
        "errors": errors or {}, "values": values or {"term": request.query_params.get("term", "")[:40]},
    }, status_code=status)  # fmt: skip


@router.get("", response_class=HTMLResponse)
def glossary(request: Request, admin: CurrentAdmin, platform: PlatformDep) -> Response:
    """Every term, the form to add one and the week's words to explain (admins only)."""
    with platform.read() as session:
        return _list_page(request, session, platform, admin)


@router.post("", dependencies=[CsrfChecked])
def add_term(
    request: Request, admin: CurrentAdmin, platform: PlatformDep, term: Short = "", variants: Short = "",
    meaning: Long = "", note: Long = "", example: Long = "", suits_reply: Short = "", reply_hint: Long = "",
) -> Response:  # fmt: skip
    """Add a term (audited)."""
    data = _input(term, variants, meaning, note, example, suits_reply, reply_hint)
    try:
        with platform.write() as session:
            row = replies.check_add_term(session, actor_in(session, admin), data, platform.now())
            added = row.term
    except ValidationFailed as exc:
        values = {**data.model_dump(), "variants": variants}
        with platform.read() as session:
            return _list_page(request, session, platform, admin, errors=exc.errors, values=values, status=422)
    flash(request, f"词语“{added}”已加入词表，工作台的留言中会显示其释义。")
    return RedirectResponse("/staff/admin/glossary", status_code=303)


def _edit_page(request: Request, session: Session, admin: User, term_id: int, *,
               errors: dict[str, str] | None = None, values: dict[str, Any] | None = None,
               status: int = 200) -> Response:  # fmt: skip
    row = replies.access_term(session, actor_in(session, admin), term_id)
    current = {**replies.TermInput.model_validate(row, from_attributes=True).model_dump(),
               "variants": "、".join(row.variants or [])}  # fmt: skip
    return render(request, "staff/admin_glossary_term.html", {
        "user": admin, "nav": "admin_glossary", "row": row, "errors": errors or {}, "values": values or current,
    }, status_code=status)  # fmt: skip


@router.get("/{term_id}", response_class=HTMLResponse)
def term_form(request: Request, term_id: PathId, admin: CurrentAdmin, platform: PlatformDep) -> Response:
    """The form to edit a term (admins only)."""
    with platform.read() as session:
        return _edit_page(request, session, admin, term_id)


@router.post("/{term_id}", dependencies=[CsrfChecked])
def update_term(
    request: Request, term_id: PathId, admin: CurrentAdmin, platform: PlatformDep, term: Short = "",
    variants: Short = "", meaning: Long = "", note: Long = "", example: Long = "", suits_reply: Short = "",
    reply_hint: Long = "",
) -> Response:  # fmt: skip
    """Change a term (audited)."""
    data = _input(term, variants, meaning, note, example, suits_reply, reply_hint)
    try:
        with platform.write() as session:
            replies.check_update_term(session, actor_in(session, admin), term_id, data, platform.now())
    except ValidationFailed as exc:
        values = {**data.model_dump(), "variants": variants}
        with platform.read() as session:
            return _edit_page(request, session, admin, term_id, errors=exc.errors, values=values, status=422)
    flash(request, "词语已修改。")
    return RedirectResponse("/staff/admin/glossary", status_code=303)


@router.post("/{term_id}/delete", dependencies=[CsrfChecked])
def delete_term(request: Request, term_id: PathId, admin: CurrentAdmin, platform: PlatformDep) -> Response:
    """Delete a term (audited)."""
    with platform.write() as session:
        term = replies.check_delete_term(session, actor_in(session, admin), term_id)
    flash(request, f"词语“{term}”已从词表删除。")
    return RedirectResponse("/staff/admin/glossary", status_code=303)
