"""The dashboard's reply quality (``services.replies.quality``): the reviews of published replies by
office and by month, with the best and the weakest replies linking to their cases, for what the viewer
may read; as a page (``/staff/dashboard/replies``) and as JSON (``GET /api/v1/replies/quality``)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from massline.services import replies
from massline.web.deps import ApiOfficial, CurrentOfficial, PlatformDep, SessionDep
from massline.web.templating import render

router = APIRouter(prefix="/staff/dashboard", include_in_schema=False)
api_router = APIRouter(prefix="/api/v1/replies")


@router.get("/replies", response_class=HTMLResponse)
def quality_page(request: Request, user: CurrentOfficial, session: SessionDep, platform: PlatformDep) -> Response:
    """Reply quality by office and by month, the best and the weakest replies (scoped to what the user reads)."""
    return render(request, "dashboard/replies.html", {
        "user": user, "nav": "dashboard", "q": replies.reply_quality(session, user, platform.now()),
    })  # fmt: skip


@api_router.get("/quality", tags=["officials"])
def quality(user: ApiOfficial, session: SessionDep, platform: PlatformDep) -> dict[str, Any]:
    """Reply quality over the last 12 months for the replies to messages you may read: `offices` and
    `months` (each `{label, count, total, criteria: {key: mean}}`), `best` and `weakest` (each
    `{message_id, title, office, total, published_at, weakest}`), `criteria` (key → Chinese name)."""
    return asdict(replies.reply_quality(session, user, platform.now()))
