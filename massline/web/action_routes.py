"""One API route per typed action (case actions, issue actions): its own body schema and answer."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from massline.models import User
from massline.platform import Platform
from massline.services.actions import Action
from massline.web.deps import ApiOfficial, PlatformDep
from massline.web.ids import PathId, checked_ids

#: answers one action: (record id, the request, the official, the platform) -> the answer
Handler = Callable[[int, Any, User, Platform], BaseModel]


def add_action_route(
    router: APIRouter, spec: Action[Any, Any], *, path: str, id_name: str, out: type[BaseModel], kind: str, tag: str,
    handle: Handler,
) -> None:  # fmt: skip
    """Add ``POST <path>/<action>`` whose body is the action's own request schema (ids checked) and
    whose answer is ``out``; ``handle`` does the work. ``kind`` names the endpoint (``case_accept``),
    ``tag`` groups it in the API documentation."""

    def endpoint(**values: Any) -> BaseModel:
        return handle(values[id_name], values["data"], values["user"], values["platform"])

    keyword = inspect.Parameter.KEYWORD_ONLY
    endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(id_name, keyword, annotation=PathId),
            inspect.Parameter("data", keyword, annotation=checked_ids(spec.request)),
            inspect.Parameter("user", keyword, annotation=ApiOfficial),
            inspect.Parameter("platform", keyword, annotation=PlatformDep),
        ],
        return_annotation=out,
    )
    endpoint.__name__ = f"{kind}_{spec.name}"
    endpoint.__doc__ = f"{spec.label}: {(spec.run.__doc__ or '').strip()}"
    router.add_api_route(
        f"{path}/{spec.name}", endpoint, methods=["POST"], response_model=out, tags=[tag],
        summary=f"{spec.label} ({spec.name})", description=endpoint.__doc__,
    )  # fmt: skip
