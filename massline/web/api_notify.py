"""The API's 忘记查询密码 (``POST /api/v1/track/recover``): the same service, answer and limits as
the page (``web/citizen_notify.py``, docs/notifications.md)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from massline.services import notify
from massline.services.access import tracking_code_key
from massline.services.errors import ValidationFailed
from massline.services.intake import new_secret
from massline.web.citizen_notify import limit_contact_code
from massline.web.deps import PlatformDep
from massline.web.ids import Key

router = APIRouter(prefix="/api/v1")


class RecoverRequest(BaseModel):
    """A tracking code whose secret is forgotten."""

    tracking_code: Key = Field(description="查询码 (any case, spaces and dashes ignored)")


class Accepted(BaseModel):
    """What the citizen is told, whatever happened."""

    detail: str


@router.post("/track/recover", status_code=202, response_model=Accepted, tags=["citizens"])
def recover(data: RecoverRequest, request: Request, platform: PlatformDep) -> Accepted:
    """Send a new secret to the contact left with the message; the old one stops working.

    The answer is the same whether or not the code exists or has a contact (rate-limited per
    address and per tracking code: 429 beyond).
    """
    code = tracking_code_key(data.tracking_code)
    if not code:
        raise ValidationFailed({"tracking_code": "请填写查询码"})
    limit_contact_code(request, platform, "code:" + code)
    with platform.write() as session:
        notify.check_recover_secret(session, platform.cipher, platform.links, code, platform.now(), new_secret())
    return Accepted(detail=notify.RECOVERY_SENT)
