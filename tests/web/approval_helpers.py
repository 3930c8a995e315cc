"""Helpers of the approval and oversight tests: switch the deployment's casework policy, start a case."""

from __future__ import annotations

from typing import Any

import httpx

from massline.models import SiteSetting
from massline.platform import Platform
from massline.services.policy import CaseworkPolicy, casework_policy
from tests.conftest import token_for
from tests.web.test_typed_actions import CASE


def set_policy(platform: Platform, **values: Any) -> None:
    """Change fields of the deployment's ``casework:`` policy, as loading a deployment file would."""
    with platform.write() as s:
        policy = CaseworkPolicy(**{**casework_policy(s).model_dump(), **values})
        row = s.get(SiteSetting, "casework_policy")
        if row is None:
            s.add(SiteSetting(key="casework_policy", value=policy.model_dump_json()))
        else:
            row.value = policy.model_dump_json()


def new_case(api: httpx.Client, accept_as: str | None = "jsj.a") -> int:
    """A new message routed to cs-jsj (住建), signed for by ``accept_as`` unless None; its id."""
    case = api.post("/api/v1/messages", json=CASE).json()
    if accept_as:
        r = api.post(f"/api/v1/cases/{case['id']}/accept", json={}, headers=token_for(api, accept_as))
        assert r.status_code == 200, r.text
    return int(case["id"])


def act(api: httpx.Client, who: str, message_id: int, action: str, **body: Any) -> httpx.Response:
    """POST one case action through the API as ``who``."""
    return api.post(f"/api/v1/cases/{message_id}/{action}", json=body, headers=token_for(api, who))


def history(api: httpx.Client, who: str, message_id: int) -> list[dict[str, Any]]:
    """The case history as ``who`` reads it through the API."""
    r = api.get(f"/api/v1/cases/{message_id}", headers=token_for(api, who))
    assert r.status_code == 200, r.text
    return list(r.json()["history"])
