"""The supervision channel's API: file a report, follow it and converse by receipt code and secret.

``POST /api/v1/supervision/reports`` answers ``{receipt_code, secret}`` (shown once);
what the reporter wrote is sealed before it is stored (docs/supervision.md).
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from massline.services import attachments, supervision
from massline.services.errors import ValidationFailed
from massline.web.deps import PlatformDep, client_key

router = APIRouter(prefix="/api/v1/supervision", tags=["supervision"])


class FileIn(BaseModel):
    """A file as evidence: its name and its bytes in base64 (JPEG, PNG, WebP or PDF; photos lose their
    location and camera data)."""

    name: str = Field(max_length=200, description="文件名")
    content_base64: str = Field(max_length=28_000_000, description="文件内容（base64）")


class ReportCreate(BaseModel):
    """A misconduct report; leave reporter_name and reporter_phone out to report anonymously."""

    accused_office: str = Field(max_length=200, description="被举报单位的代码（或全称）")
    accused_person: str | None = Field(default=None, max_length=200, description="被举报人（选填）")
    body: str = Field(max_length=20000, description="举报内容")
    reporter_name: str | None = Field(default=None, max_length=200, description="举报人姓名（选填）")
    reporter_phone: str | None = Field(default=None, max_length=200, description="举报人电话（选填）")
    files: list[FileIn] = Field(default=[], max_length=20, description="证据材料（选填，base64）")


class ReportFiled(BaseModel):
    """The receipt: the only time the secret is shown; nothing can recover it."""

    receipt_code: str
    secret: str


class FollowRequest(BaseModel):
    """The receipt code and secret of a report."""

    receipt_code: str = Field(max_length=40)
    secret: str = Field(max_length=60)


class ReporterFiles(FollowRequest):
    """Files the reporter adds to their report later."""

    files: list[FileIn] = Field(max_length=20, description="补充的证据材料（base64）")


class ReporterMessage(FollowRequest):
    """A message from the reporter to the handler."""

    text: str = Field(max_length=5000)


class EntryOut(BaseModel):
    """One notice or conversation message."""

    kind: str
    label: str
    text: str
    created_at: datetime
    from_reporter: bool


class ReportStatus(BaseModel):
    """What the reporter sees of the report."""

    status: str
    status_label: str
    created_at: datetime
    accept_due: datetime
    outcome_due: datetime
    entries: list[EntryOut]
    files: list[str] = Field(description="证据材料的文件名")


def _uploads(files: list[FileIn]) -> list[tuple[str, bytes]]:
    """The files' names and decoded bytes; a 422 naming the file whose content is not base64."""
    out = []
    for f in files:
        try:
            out.append((f.name, base64.b64decode(f.content_base64, validate=True)))
        except (binascii.Error, ValueError):
            raise ValidationFailed({"attachments": f"附件“{f.name}”的内容不是有效的 base64 编码"}) from None
    return out


def _out(view: supervision.ReporterView) -> ReportStatus:
    return ReportStatus(
        status=view.status, status_label=view.status_label, created_at=view.created_at,
        accept_due=view.accept_due, outcome_due=view.outcome_due,
        entries=[EntryOut(kind=e.kind, label=e.label, text=e.text, created_at=e.created_at,
                          from_reporter=e.from_reporter) for e in view.entries],
        files=view.files,
    )


@router.post("/reports", status_code=201, response_model=ReportFiled)
def file_report(data: ReportCreate, request: Request, response: Response, platform: PlatformDep) -> ReportFiled:
    """File a misconduct report (rate limited like message submission); answers the receipt code and secret."""
    platform.rate_limit(platform.submit_limiter, client_key(request, platform))
    form = supervision.ReportInput(**{k: v or "" for k, v in data.model_dump(exclude={"files"}).items()})
    uploads = _uploads(data.files)
    with platform.write() as session:
        filed = supervision.check_file_report(session, form, platform.now(), uploads,
                                              attachments.limits_of(platform.settings))
    response.headers["Cache-Control"] = "no-store"
    return ReportFiled(receipt_code=filed.receipt_code, secret=filed.secret)


@router.post("/follow", response_model=ReportStatus)
def follow(data: FollowRequest, request: Request, response: Response, platform: PlatformDep) -> ReportStatus:
    """The report's status, notices and conversation (rate limited like case tracking)."""
    platform.rate_limit(platform.track_limiter, client_key(request, platform))
    with platform.read() as session:
        view = supervision.follow_report(session, supervision.FollowInput(**data.model_dump()))
    response.headers["Cache-Control"] = "no-store"
    return _out(view)


@router.post("/follow/messages", response_model=ReportStatus)
def message(data: ReporterMessage, request: Request, response: Response, platform: PlatformDep) -> ReportStatus:
    """Send the handler a message anonymously; answers the report as :func:`follow` does."""
    platform.rate_limit(platform.track_limiter, client_key(request, platform))
    with platform.write() as session:
        view = supervision.check_reporter_message(session, supervision.FollowInput(**data.model_dump()),
                                                  platform.now())
    response.headers["Cache-Control"] = "no-store"
    return _out(view)


@router.post("/follow/files", response_model=ReportStatus)
def add_files(data: ReporterFiles, request: Request, response: Response, platform: PlatformDep) -> ReportStatus:
    """Add evidence files to the report (cleaned and sealed like the first ones); answers as :func:`follow`."""
    platform.rate_limit(platform.track_limiter, client_key(request, platform))
    uploads = _uploads(data.files)
    follow = supervision.FollowInput(receipt_code=data.receipt_code, secret=data.secret)
    with platform.write() as session:
        view = supervision.check_reporter_files(session, follow, uploads, attachments.limits_of(platform.settings),
                                                platform.now())
    response.headers["Cache-Control"] = "no-store"
    return _out(view)
