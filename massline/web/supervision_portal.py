"""The citizens' supervision pages (监督举报): file a report, see the receipt once, follow it by receipt.

Nothing here stores or logs what the reporter wrote: the service seals it. The
receipt and the report's pages are answered with ``Cache-Control: no-store``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from massline.services import attachments, supervision
from massline.services.deployment import directory
from massline.services.errors import NotFound, RateLimited, ServiceError, ValidationFailed
from massline.web.attachments import Uploads
from massline.web.deps import CsrfChecked, PlatformDep, SessionDep, client_key, platform_of
from massline.web.templating import render

router = APIRouter(include_in_schema=False)
NO_STORE = {"Cache-Control": "no-store"}


def _form(request: Request, session: Session, values: dict[str, str], errors: dict[str, str], status: int) -> Response:
    response = render(request, "supervision/report_form.html", {
        "nav": "report", "offices": directory(session).offices, "values": values, "errors": errors,
        "file_limits": attachments.limits_of(platform_of(request).settings), "accepted": attachments.ACCEPTED,
    }, status_code=status)
    response.headers.update(NO_STORE)
    return response


@router.get("/report", response_class=HTMLResponse)
def report_form(request: Request, session: SessionDep) -> Response:
    """The report form: the accused office and person, the facts, the reporter's identity if they wish."""
    return _form(request, session, {}, {}, 200)


@router.post("/report", dependencies=[CsrfChecked], response_class=HTMLResponse)
def file_report(
    request: Request, form: Annotated[supervision.ReportInput, Form()], platform: PlatformDep, uploads: Uploads
) -> Response:
    """File a report with its files (cleaned and sealed) and show its receipt code and secret, once."""
    try:
        platform.rate_limit(platform.submit_limiter, client_key(request, platform))
        with platform.write() as session:
            filed = supervision.check_file_report(session, form, platform.now(), uploads,
                                                  attachments.limits_of(platform.settings))
    except (ValidationFailed, RateLimited, supervision.NoRecipient) as exc:
        errors = exc.errors if isinstance(exc, ValidationFailed) else {"form": exc.message}
        with platform.read() as session:
            return _form(request, session, form.model_dump(), errors, 429 if isinstance(exc, RateLimited) else 422)
    response = render(request, "supervision/receipt.html", {"nav": "report", "filed": filed})
    response.headers.update(NO_STORE)
    return response


def _followed(request: Request, view: supervision.ReporterView | None, data: supervision.FollowInput,
              errors: dict[str, str], status: int = 200) -> Response:
    response = render(request, "supervision/follow.html", {
        "nav": "report", "view": view, "values": {"receipt_code": data.receipt_code, "secret": data.secret},
        "errors": errors,
    }, status_code=status)
    response.headers.update(NO_STORE)
    return response


@router.get("/report/follow", response_class=HTMLResponse)
def follow_form(request: Request) -> Response:
    """The form asking for the receipt code and secret."""
    return _followed(request, None, supervision.FollowInput(), {})


@router.post("/report/follow", dependencies=[CsrfChecked], response_class=HTMLResponse)
def follow(request: Request, form: Annotated[supervision.FollowInput, Form()], platform: PlatformDep) -> Response:
    """The report's status, notices and conversation (receipt code and secret checked, rate limited)."""
    try:
        platform.rate_limit(platform.track_limiter, client_key(request, platform))
        with platform.read() as session:
            view = supervision.follow_report(session, form)
    except (NotFound, ValidationFailed, RateLimited) as exc:
        return _followed(request, None, supervision.FollowInput(receipt_code=form.receipt_code), {"form": exc.message},
                         429 if isinstance(exc, RateLimited) else 404 if isinstance(exc, NotFound) else 422)
    return _followed(request, view, form, {})


@router.post("/report/follow/message", dependencies=[CsrfChecked], response_class=HTMLResponse)
def reporter_message(
    request: Request, form: Annotated[supervision.FollowInput, Form()], platform: PlatformDep
) -> Response:
    """Send the handler a message (anonymously) and show the conversation again."""
    try:
        platform.rate_limit(platform.track_limiter, client_key(request, platform))
        with platform.write() as session:
            view = supervision.check_reporter_message(session, form, platform.now())
    except ValidationFailed as exc:
        with platform.read() as session:
            view = supervision.follow_report(session, form)
        return _followed(request, view, form, exc.errors, 422)
    except ServiceError as exc:
        return _followed(request, None, supervision.FollowInput(receipt_code=form.receipt_code), {"form": exc.message},
                         404 if isinstance(exc, NotFound) else 429)
    form.text = ""
    return _followed(request, view, form, {})


@router.post("/report/follow/files", dependencies=[CsrfChecked], response_class=HTMLResponse)
def reporter_files(
    request: Request, form: Annotated[supervision.FollowInput, Form()], platform: PlatformDep, uploads: Uploads
) -> Response:
    """Add evidence files to the report (cleaned and sealed) and show it again."""
    try:
        platform.rate_limit(platform.track_limiter, client_key(request, platform))
        with platform.write() as session:
            view = supervision.check_reporter_files(session, form, uploads, attachments.limits_of(platform.settings),
                                                    platform.now())
    except ValidationFailed as exc:
        with platform.read() as session:
            view = supervision.follow_report(session, form)
        return _followed(request, view, form, exc.errors, 422)
    except ServiceError as exc:
        return _followed(request, None, supervision.FollowInput(receipt_code=form.receipt_code), {"form": exc.message},
                         404 if isinstance(exc, NotFound) else 429)
    return _followed(request, view, form, {})
