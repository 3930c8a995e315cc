"""Attachment files on pages: reading the uploads of a form, serving files, the review form.

Files are never mounted as static: every request goes through a service
chokepoint (public: the message is public and the file was shown by a
reviewer; the citizen: their followed case; staff: they may read the case).
Answers carry safe headers: a PDF is always a download, nothing is sniffed,
framed or run (``FILE_CSP``), and nothing is kept in shared caches.
``UploadLimit`` refuses a multipart request larger than the attachment limits
before its body is read.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from massline.models import User
from massline.platform import Platform
from massline.services import attachments
from massline.services.errors import Forbidden, ValidationFailed
from massline.web.deps import CsrfChecked, CurrentOfficial, PlatformDep, SessionDep, followed_case
from massline.web.errors import error_answer
from massline.web.ids import PathId
from massline.web.templating import flash

router = APIRouter(include_in_schema=False)
FIELD = "attachments"
#: the content security policy of a served file: nothing of it runs, nothing is loaded, it is sandboxed
FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'"
#: room in a multipart request for the form's text fields, besides the files
FORM_ALLOWANCE = 1024 * 1024


async def read_uploads(request: Request) -> list[tuple[str, bytes]]:
    """The files posted in the form field ``attachments`` as (name, content); empty file inputs are skipped."""
    form = await request.form()
    uploads = []
    for item in form.getlist(FIELD):
        if isinstance(item, UploadFile):
            content = await item.read()
            if item.filename or content:
                uploads.append((item.filename or "", content))
    return uploads


Uploads = Annotated[list[tuple[str, bytes]], Depends(read_uploads)]


def staged(platform: Platform, uploads: list[tuple[str, bytes]]) -> AbstractContextManager[attachments.StagedFiles]:
    """Check and stage ``uploads`` around a write transaction (see ``attachments.staged_files``)."""
    settings = platform.settings
    return attachments.staged_files(attachments.attachments_root(settings), uploads, attachments.limits_of(settings))


def file_response(stored: attachments.StoredFile) -> Response:
    """The file with safe headers: photos inline, documents as downloads under their shown name."""
    response = FileResponse(
        stored.path, media_type=stored.media_type, filename=stored.name,
        content_disposition_type="inline" if stored.is_image else "attachment",
    )  # fmt: skip
    response.headers["Content-Security-Policy"] = FILE_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


class UploadLimit:
    """Answers 413 to a multipart request whose body is larger than the attachment limits allow
    (by its Content-Length, or by counting a body sent without one), before a route reads it."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes + FORM_ALLOWANCE

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers", [])) if scope["type"] == "http" else {}
        if not headers.get(b"content-type", b"").startswith(b"multipart/"):
            await self.app(scope, receive, send)
            return
        message = f"附件合计不能超过 {(self.max_bytes - FORM_ALLOWANCE) // (1024 * 1024)} MB"
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_bytes:
            response = error_answer(Request(scope), 413, message, errors={FIELD: message})
            await response(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            received = await receive()
            seen += len(received.get("body", b""))
            if seen > self.max_bytes:  # a body sent without its length: stop reading it
                raise HTTPException(status_code=413, detail=message)
            return received

        await self.app(scope, counted, send)


@router.get("/messages/{message_id}/attachments/{attachment_id}")
def public_file(message_id: PathId, attachment_id: PathId, session: SessionDep, platform: PlatformDep) -> Response:
    """A file of a public message that a reviewer showed; anything else is 404."""
    root = attachments.attachments_root(platform.settings)
    return file_response(attachments.public_attachment_file(session, root, message_id, attachment_id))


@router.get("/track/case/attachments/{attachment_id}")
def own_file(request: Request, attachment_id: PathId, session: SessionDep, platform: PlatformDep) -> Response:
    """A file of the case this browser follows (whatever its review state)."""
    message = followed_case(request, platform, session)
    if message is None:
        return RedirectResponse("/track", status_code=303)
    root = attachments.attachments_root(platform.settings)
    return file_response(attachments.own_attachment_file(session, root, message, attachment_id))


@router.get("/staff/cases/{message_id}/attachments/{attachment_id}")
def staff_file(
    message_id: PathId, attachment_id: PathId, user: CurrentOfficial, session: SessionDep, platform: PlatformDep
) -> Response:
    """A file of a case the official may read (whatever its review state)."""
    root = attachments.attachments_root(platform.settings)
    return file_response(attachments.staff_attachment_file(session, root, user, message_id, attachment_id))


@router.post("/staff/cases/{message_id}/attachments/{attachment_id}/review", dependencies=[CsrfChecked])
def review(
    request: Request, message_id: PathId, attachment_id: PathId, user: CurrentOfficial, platform: PlatformDep,
    decision: Annotated[str, Form()] = "", reason: Annotated[str, Form()] = "",
) -> Response:  # fmt: skip
    """A reviewer shows the file to the public or hides it with a reason; back to the case page."""
    try:
        with platform.write() as session:
            actor = session.get(User, user.id)
            assert actor is not None
            attachments.check_review(session, actor, message_id, attachment_id, decision, reason, platform.now())
        flash(request, "附件已公开。" if decision == "show" else "附件已设为不公开。")
    except (ValidationFailed, Forbidden) as exc:
        flash(request, exc.message, "error")
    return RedirectResponse(f"/staff/cases/{message_id}#attachments", status_code=303)
