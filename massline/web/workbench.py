"""Officials' workbench pages (placeholder until the workbench lands)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
