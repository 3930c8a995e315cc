"""Citizen portal pages (placeholder until the portal lands)."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

router = APIRouter()


def error_page(request: Request, message: str, status: int, headers: Mapping[str, str] | None) -> Response:
    """A plain error page in Chinese."""
    return HTMLResponse(f"<p>{message}</p>", status_code=status, headers=headers)
