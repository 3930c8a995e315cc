"""The JSON API of attachments: a submission with files (multipart), listing, files, the review."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Form, Header, Request, Response
from pydantic import BaseModel, Field, ValidationError

from massline.models import Attachment, User
from massline.services import attachments, intake
from massline.services.access import access_message_by_id, access_public_message
from massline.services.errors import ValidationFailed
from massline.web import schemas
from massline.web.attachments import Uploads, file_response, staged
from massline.web.deps import ApiOfficial, PlatformDep, SessionDep, client_key
from massline.web.ids import PathId
from massline.web.validation import form_errors

router = APIRouter(prefix="/api/v1")


class AttachmentOut(BaseModel):
    """One attachment: its shown name, type, size and (for staff) its review state."""

    id: int
    name: str
    media_type: str
    size: int
    sha256: str
    width: int | None
    height: int | None
    review_state: str = Field(description="pending 待审核 / shown 已公开 / hidden 不公开")
    review_reason: str | None
    url: str


class SubmittedWithFiles(schemas.Submitted):
    """The submission's answer, with the stored attachments (pending review)."""

    attachments: list[AttachmentOut]


class ReviewIn(BaseModel):
    """A reviewer's decision on one attachment."""

    decision: str = Field(title="审核结果", description="show 公开 / hide 不公开")
    reason: str = Field(default="", title="理由", description="required when hiding: the citizen sees it")


def _out(a: Attachment, url: str) -> AttachmentOut:
    return AttachmentOut(
        id=a.id, name=a.original_name, media_type=a.media_type, size=a.size, sha256=a.sha256, width=a.width,
        height=a.height, review_state=a.review_state, review_reason=a.review_reason, url=f"{url}/{a.id}",
    )  # fmt: skip


def _message_input(text: str) -> intake.MessageInput:
    try:
        data = schemas.MessageCreate.model_validate(json.loads(text))
    except json.JSONDecodeError:
        raise ValidationFailed({"message": "留言内容（message）须为 JSON 对象"}) from None
    except ValidationError as exc:
        raise ValidationFailed(form_errors(exc, schemas.MessageCreate)) from None
    return intake.MessageInput(**data.model_dump(), source="api")


@router.post("/messages/with-attachments", status_code=201, response_model=SubmittedWithFiles, tags=["citizens"])
def submit_with_attachments(
    request: Request, response: Response, platform: PlatformDep, uploads: Uploads,
    message: Annotated[str, Form(description="the message as JSON, the body of POST /api/v1/messages")],
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=intake.KEY_MAX)] = None,
) -> SubmittedWithFiles:  # fmt: skip
    """Submit a message with photos or documents (``multipart/form-data``: ``message`` and up to five
    ``attachments`` files; JPEG, PNG, WebP or PDF). Everything is stored or nothing: a file that fails
    its checks is a 422 naming it. Photos are re-encoded without metadata; files are public only
    after review. ``Idempotency-Key`` as for ``POST /api/v1/messages``."""
    platform.rate_limit(platform.submit_limiter, client_key(request, platform))
    data = _message_input(message)
    with staged(platform, uploads) as files, platform.write() as session:
        result = attachments.check_submit_with_files(session, platform.cipher, data, files, platform.now(),
                                                     key=idempotency_key)  # fmt: skip
        stored = [_out(a, f"/api/v1/cases/{result.id}/attachments")
                  for a in attachments.attachments_of(session, result.message)]  # fmt: skip
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return SubmittedWithFiles(
        id=result.id, tracking_code=result.tracking_code, secret=result.secret, status=result.status,
        status_label=result.status_label, office=result.office, attachments=stored,
    )  # fmt: skip


@router.get("/messages/{message_id}/attachments", response_model=list[AttachmentOut], tags=["citizens"])
def public_list(message_id: PathId, session: SessionDep) -> list[AttachmentOut]:
    """The attachments of a public message that a reviewer showed."""
    message = access_public_message(session, message_id)
    url = f"/api/v1/messages/{message_id}/attachments"
    return [_out(a, url) for a in attachments.attachments_of(session, message, public=True)]


@router.get("/messages/{message_id}/attachments/{attachment_id}", tags=["citizens"])
def public_file(message_id: PathId, attachment_id: PathId, session: SessionDep, platform: PlatformDep) -> Response:
    """The file of a shown attachment of a public message (404 otherwise)."""
    root = attachments.attachments_root(platform.settings)
    return file_response(attachments.public_attachment_file(session, root, message_id, attachment_id))


@router.get("/cases/{message_id}/attachments", response_model=list[AttachmentOut], tags=["officials"])
def staff_list(message_id: PathId, user: ApiOfficial, session: SessionDep) -> list[AttachmentOut]:
    """Every attachment of a case the official may read, with its review state."""
    message = access_message_by_id(session, user, message_id)
    url = f"/api/v1/cases/{message_id}/attachments"
    return [_out(a, url) for a in attachments.attachments_of(session, message)]


@router.get("/cases/{message_id}/attachments/{attachment_id}", tags=["officials"])
def staff_file(
    message_id: PathId, attachment_id: PathId, user: ApiOfficial, session: SessionDep, platform: PlatformDep
) -> Response:
    """The file of an attachment of a case the official may read (any review state)."""
    root = attachments.attachments_root(platform.settings)
    return file_response(attachments.staff_attachment_file(session, root, user, message_id, attachment_id))


@router.post("/cases/{message_id}/attachments/{attachment_id}/review", response_model=AttachmentOut,
             tags=["officials"])  # fmt: skip
def review(
    message_id: PathId, attachment_id: PathId, data: ReviewIn, user: ApiOfficial, platform: PlatformDep
) -> AttachmentOut:
    """Show the attachment to the public or hide it with a reason (dispatch centre, admins)."""
    with platform.write() as session:
        actor = session.get(User, user.id)
        assert actor is not None
        a = attachments.check_review(session, actor, message_id, attachment_id, data.decision, data.reason,
                                     platform.now())  # fmt: skip
        return _out(a, f"/api/v1/cases/{message_id}/attachments")
