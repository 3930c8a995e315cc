"""The JSON API, ``/api/v1``: the same services and access rules as the pages."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import BaseModel

from massline.models import Message, User
from massline.platform import Platform
from massline.services import casework as board
from massline.services import casework as cases
from massline.services import casework as feedback
from massline.services import intake, replies
from massline.services import people as accounts
from massline.services.access import access_message_by_tracking, access_public_message
from massline.services.casework import public_message
from massline.services.deployment import directory
from massline.services.errors import AuthFailed, RateLimited, ValidationFailed
from massline.services.events import EVENT_LABELS
from massline.services.routing import due_soon_days
from massline.web import schemas
from massline.web.action_routes import add_action_route
from massline.web.deps import ApiOfficial, PlatformDep, SessionDep, client_key, issue_api_token
from massline.web.ids import PathId

router = APIRouter(prefix="/api/v1")


@router.get("/health", tags=["meta"])
async def health() -> dict[str, str]:
    """Liveness check (also the baseline of the submission benchmark)."""
    return {"status": "ok"}


@router.get("/meta", tags=["meta"])
def meta(session: SessionDep) -> dict[str, Any]:
    """Regions, categories, offices, leaders and kinds: what a submission may name."""
    d = directory(session)
    return {
        "site_name": d.site_name,
        "kinds": list(intake.KINDS),
        "regions": [asdict(r) for r in d.regions],
        "categories": d.categories,
        "offices": [{"code": c, "name": n} for c, n in d.offices],
        "leaders": [asdict(ldr) for ldr in d.leaders],
    }


# ---- citizens ----------------------------------------------------------------


@router.post("/messages", status_code=201, response_model=schemas.Submitted, tags=["citizens"])
def submit_message(
    data: schemas.MessageCreate,
    request: Request,
    response: Response,
    platform: PlatformDep,
    idempotency_key: Annotated[str | None, Header(min_length=1, max_length=intake.KEY_MAX)] = None,
) -> schemas.Submitted:
    """Submit a message. The secret is shown only in this response.

    Send an ``Idempotency-Key`` header (e.g. a UUID) to retry safely: a request
    repeated with the same key and body stores nothing more and is answered with
    the message stored first (same tracking code; header ``Idempotent-Replayed:
    true``; the secret within 24 hours, null after). The same key with another
    body is refused (409).
    """
    platform.rate_limit(platform.submit_limiter, client_key(request, platform))
    message = intake.MessageInput(**data.model_dump(), source="api")
    with platform.write() as session:
        result = intake.check_submit(session, platform.cipher, message, platform.now(), key=idempotency_key)
    if result.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return schemas.Submitted(
        id=result.id,
        tracking_code=result.tracking_code,
        secret=result.secret,
        status=result.status,
        status_label=result.status_label,
        office=result.office,
    )


@router.get("/messages", response_model=schemas.MessagePage, tags=["citizens"])
def list_messages(
    session: SessionDep,
    q: str = "",
    category: str = "",
    region: str = "",
    kind: str = "",
    status: str = "",
    page: Annotated[int, Query(ge=1, le=board.MAX_PAGE)] = 1,
) -> schemas.MessagePage:
    """The public board: full-text search (Chinese words of two characters and up) and filters."""
    result = board.public_board(session, board.Filters(q, category, region, kind, status, page))
    return schemas.MessagePage(
        items=[schemas.MessagePublic.model_validate(m) for m in result.items],
        total=result.total,
        total_exact=result.exact,
        page=result.page,
        pages=result.pages,
    )


@router.get("/messages/{message_id}", response_model=schemas.MessagePublic, tags=["citizens"])
def get_message(message_id: PathId, session: SessionDep) -> schemas.MessagePublic:
    """One public message with its public history and reply."""
    return schemas.MessagePublic.model_validate(
        public_message(access_public_message(session, message_id), with_history=True)
    )


@router.post("/supporter-token", response_model=schemas.SupporterToken, tags=["citizens"])
def supporter_token(platform: PlatformDep) -> schemas.SupporterToken:
    """A signed client token for supporting or opposing messages (keep it: one stance per token and message)."""
    return schemas.SupporterToken(client_token=feedback.issue_supporter_token(platform.secret_key))


def _stance(message_id: int, token: str, request: Request, platform: Platform, stance: str) -> int:
    key = feedback.supporter_key(token, platform.secret_key)
    with platform.write() as session:
        message = access_public_message(session, message_id)
        return feedback.check_support(session, message, key, platform.now(), stance=stance,
                                      address=client_key(request, platform), limits=platform.stance_limits)  # fmt: skip


@router.post("/messages/{message_id}/support", tags=["citizens"])
def support_message(
    message_id: PathId, data: schemas.SupportRequest, request: Request, platform: PlatformDep
) -> dict[str, int]:
    """点赞: one per signed client token (``/supporter-token``), a few per address and message a day."""
    return {"support_count": _stance(message_id, data.client_token, request, platform, "support")}


@router.post("/messages/{message_id}/oppose", tags=["citizens"])
def oppose_message(
    message_id: PathId, data: schemas.SupportRequest, request: Request, platform: PlatformDep
) -> dict[str, int]:
    """反对: one stance (support or oppose) per signed client token and message, limited per address."""
    return {"oppose_count": _stance(message_id, data.client_token, request, platform, "oppose")}


@router.post("/track", response_model=schemas.MessagePublic, tags=["citizens"])
def track(
    data: schemas.TrackRequest, request: Request, session: SessionDep, platform: PlatformDep
) -> schemas.MessagePublic:
    """The citizen's own message (public or not) by tracking code and secret (rate-limited against guessing)."""
    platform.rate_limit(platform.track_limiter, client_key(request, platform))
    message = access_message_by_tracking(session, data.tracking_code, data.secret)
    return schemas.MessagePublic.model_validate(public_message(message, with_history=True, owner=True))


@router.post("/track/rate", response_model=schemas.MessagePublic, tags=["citizens"])
def rate(data: schemas.RateRequest, request: Request, platform: PlatformDep) -> schemas.MessagePublic:
    """Rate the reply (1–5); with ``reopen`` the case goes back to the office (rate-limited like tracking)."""
    platform.rate_limit(platform.track_limiter, client_key(request, platform))
    with platform.write() as session:
        message = access_message_by_tracking(session, data.tracking_code, data.secret)
        now = platform.now()
        feedback.check_rate(session, message, data.score, data.comment, now, close=not data.reopen)
        if data.reopen:
            feedback.check_reopen(
                session, message, data.reason or data.comment, now, platform.settings.reopen_escalation_threshold
            )
        return schemas.MessagePublic.model_validate(public_message(message, with_history=True, owner=True))


@router.post("/track/reopen", response_model=schemas.MessagePublic, tags=["citizens"])
def reopen(data: schemas.ReopenRequest, request: Request, platform: PlatformDep) -> schemas.MessagePublic:
    """Not satisfied: send the case back to the office that replied (rate-limited like tracking)."""
    platform.rate_limit(platform.track_limiter, client_key(request, platform))
    with platform.write() as session:
        message = access_message_by_tracking(session, data.tracking_code, data.secret)
        feedback.check_reopen(
            session, message, data.reason, platform.now(), platform.settings.reopen_escalation_threshold
        )
        return schemas.MessagePublic.model_validate(public_message(message, with_history=True, owner=True))


# ---- officials ---------------------------------------------------------------


@router.post("/auth/token", response_model=schemas.TokenOut, tags=["officials"])
def login(data: schemas.LoginRequest, request: Request, platform: PlatformDep) -> schemas.TokenOut:
    """Exchange staff credentials for a bearer token (rate-limited per address; failures throttled per
    address and username; 401 for every wrong credential, known user or not)."""
    address = client_key(request, platform)
    platform.rate_limit(platform.login_limiter, address)
    s = platform.settings
    with platform.write() as session:
        result = accounts.check_login(session, data.username, data.password, platform.now(), address=address,
                                      failures=platform.login_failures, passwords=platform.passwords)  # fmt: skip
    if result.throttled:
        raise RateLimited(s.lockout_minutes * 60)
    if result.user is None:
        raise AuthFailed(result.error)
    return schemas.TokenOut(access_token=issue_api_token(platform, result.user), expires_in=s.api_token_max_age_seconds)


@router.get("/me", tags=["officials"])
def me(user: ApiOfficial) -> dict[str, Any]:
    """Who the token belongs to."""
    return {
        "username": user.username,
        "name": user.display_name,
        "role": user.role,
        "office": user.office.name if user.office else None,
    }


def _summary(m: Message, platform: Platform, soon: int) -> schemas.CaseSummary:
    return schemas.CaseSummary(
        id=m.id,
        tracking_code=m.tracking_code,
        title=m.title,
        kind=m.kind,
        status=m.status,
        status_label=m.status_label,
        region=m.region.name if m.region else None,
        category=m.category.path if m.category else None,
        office=m.office.name if m.office else None,
        due_at=m.due_at,
        due_state=board.due_state(m, platform.now(), soon),
        created_at=m.created_at,
        escalated=m.escalated,
        escalation_level=m.escalation_level,
    )


@router.get("/inbox", response_model=schemas.CasePage, tags=["officials"])
def inbox(
    user: ApiOfficial,
    session: SessionDep,
    platform: PlatformDep,
    q: str = "",
    category: str = "",
    region: str = "",
    kind: str = "",
    status: str = "",
    due: Annotated[str, Query(pattern="^(|overdue|soon)$")] = "",
    mine: bool = False,
    page: Annotated[int, Query(ge=1, le=board.MAX_PAGE)] = 1,
    sort: Annotated[str, Query(pattern="^(|due|received|status)$")] = "",
) -> schemas.CasePage:
    """The cases the official may see: reopened, escalated and new (not signed for) first, then by
    deadline; ``sort`` = due / received (newest first) / status orders by that alone."""
    f = board.InboxFilters(q, category, region, kind, status, page, due=due, mine=mine, sort=sort)
    result = board.inbox(session, user, f, platform.now())
    soon = due_soon_days(session)
    return schemas.CasePage(
        items=[_summary(m, platform, soon) for m in result.items],
        total=result.total,
        page=result.page,
        pages=result.pages,
    )


@router.get("/dispatch-queue", response_model=schemas.CasePage, tags=["officials"])
def dispatch_queue(
    user: ApiOfficial,
    session: SessionDep,
    platform: PlatformDep,
    page: Annotated[int, Query(ge=1, le=board.MAX_PAGE)] = 1,
) -> schemas.CasePage:
    """Messages waiting for a dispatcher (派单)."""
    result = board.dispatch_queue(session, user, page)
    return schemas.CasePage(
        items=[_summary(m, platform, 0) for m in result.items], total=result.total, page=result.page, pages=result.pages
    )


def case_out(
    view: cases.CaseView, platform: Platform, soon: int, pending_review: dict[str, Any] | None = None
) -> schemas.CaseOut:
    """The official's view of a case as an API object."""
    m = view.message
    draft = next((r.body for r in m.replies if r.status == "draft"), None)
    published = m.published_reply
    return schemas.CaseOut(
        id=m.id,
        tracking_code=m.tracking_code,
        title=m.title,
        body=m.body,
        kind=m.kind,
        status=m.status,
        status_label=m.status_label,
        author_name=m.author_name,
        has_contact=m.contact_encrypted is not None,
        is_public=m.is_public,
        region=m.region.name if m.region else None,
        category=m.category.path if m.category else None,
        office=m.office.name if m.office else None,
        assignee=m.assignee.display_name if m.assignee else None,
        due_at=m.due_at,
        due_state=board.due_state(m, platform.now(), soon),
        created_at=m.created_at,
        reopen_count=m.reopen_count,
        escalated=m.escalated,
        escalation_level=m.escalation_level,
        draft_reply=draft,
        published_reply=published.body if published else None,
        actions=view.actions,
        pending_reply=view.pending_reply.body if view.pending_reply else None,
        return_comment=view.return_comment,
        pending_review=pending_review,
        instructions=[schemas.InstructionOut(kind=i.kind, text=i.text, by=i.by, at=i.at, public=i.public)
                      for i in view.instructions],  # fmt: skip
        history=[
            schemas.CaseEventOut(
                type=e.type,
                label=EVENT_LABELS.get(e.type, e.type),
                at=e.created_at,
                actor=e.actor.display_name if e.actor else None,
                from_status=e.from_status,
                to_status=e.to_status,
                note=e.note,
                public=e.is_public,
            )
            for e in m.events
        ],
    )


@router.get("/cases/{message_id}", response_model=schemas.CaseOut, tags=["officials"])
def get_case(message_id: PathId, user: ApiOfficial, session: SessionDep, platform: PlatformDep) -> schemas.CaseOut:
    """A case with its full history and the actions the official may take."""
    view = cases.case_view(session, user, message_id)
    return case_out(view, platform, due_soon_days(session), replies.pending_review(session, view.message))


def _case_action_route(spec: cases.CaseAction[Any, Any]) -> None:
    """Add ``POST /cases/{message_id}/<action>``: its own body schema, the case (and the result) as answer."""
    out = schemas.CaseActionOut[spec.response]  # type: ignore[name-defined]

    def handle(message_id: int, data: cases.CaseRequest, user: User, platform: Platform) -> BaseModel:
        with platform.write() as session:
            actor = session.get(User, user.id)
            assert actor is not None
            result, after = replies.act_and_view(session, actor, message_id, data, platform.now())
            view = case_out(after, platform, due_soon_days(session), replies.pending_review(session, after.message))
            return out(**view.model_dump(), result=result, readable=after.readable)

    add_action_route(router, spec, path="/cases/{message_id}", id_name="message_id", out=out, kind="case",
                     tag="officials", handle=handle)  # fmt: skip


for _spec in cases.CASE_ACTIONS.values():
    _case_action_route(_spec)


@router.post("/cases/{message_id}/{action}", tags=["officials"], responses={422: {"description": "未知操作"}})
def unknown_case_action(message_id: PathId, action: str, user: ApiOfficial) -> None:
    """Any other action name: 422 (the actions are the routes above, one per action)."""
    raise ValidationFailed({"action": "未知操作"})


@router.get("/cases/{message_id}/contact", tags=["officials"])
def case_contact(message_id: PathId, user: ApiOfficial, platform: PlatformDep) -> dict[str, str]:
    """The citizen's contact, for the handling office only; the read is audited."""
    with platform.write() as session:
        return {"contact_phone": cases.reveal_contact(session, platform.cipher, user, message_id)}


@router.get("/extensions", response_model=list[cases.PendingExtension], tags=["officials"])
def pending_extensions(user: ApiOfficial, session: SessionDep) -> list[cases.PendingExtension]:
    """Pending deadline extensions: the office head's office's, or all for dispatchers when the centre decides."""
    return cases.pending_extensions(session, user)


@router.get("/transfer-requests", response_model=list[cases.PendingTransfer], tags=["officials"])
def pending_transfers(user: ApiOfficial, session: SessionDep) -> list[cases.PendingTransfer]:
    """Transfer requests (退单) waiting for the dispatch centre (dispatchers); decided by ``decide_transfer``."""
    return cases.pending_transfers(session, user)


@router.post("/extensions/{extension_id}/decide", response_model=schemas.DecisionOut, tags=["officials"])
def decide(
    extension_id: PathId, data: cases.ExtensionDecision, user: ApiOfficial, platform: PlatformDep
) -> schemas.DecisionOut:
    """The office head (or, by policy, a dispatcher) approves or denies an extension (``status``: approved/denied)."""
    with platform.write() as session:
        actor = session.get(User, user.id)
        assert actor is not None
        decided = cases.decide_extension(session, actor, extension_id, data, platform.now())
        return schemas.DecisionOut(status=decided.status)
