"""A lean FastAPI route for a hot JSON endpoint: pydantic parses the body, the answer is JSON bytes.

FastAPI's generic request handling (two exit stacks, dependency solving,
``json.loads`` then validation of the dict, validation of the returned model
again, ``jsonable_encoder`` then ``json.dumps``) cost the submission endpoint
more than half of its time on the event loop. ``JSONBodyRoute`` handles the
common case directly:

* the body is read from ``receive`` and validated by the body model's own
  ``model_validate_json`` (one pass, in Rust);
* the endpoint is awaited with the model (and the ``Request`` if it asks for it);
* the returned response model is serialized straight to JSON bytes.

Everything else goes FastAPI's generic way, with the body replayed: a body
that does not validate (so every 422 keeps FastAPI's wording, through the
app's handler), a missing or non-JSON content type, an empty body. The route
is a normal ``APIRoute`` otherwise: same path matching, middleware, exception
handlers and OpenAPI description. It accepts only endpoints of that shape:
``async def f(<body>: Model[, request: Request]) -> ResponseModel`` without
dependencies (routers that add dependencies are not supported).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from starlette.requests import ClientDisconnect, Request
from starlette.types import Message, Receive, Scope, Send

JSON_TYPE = b"application/json"


def _is_json(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return value.split(b";", 1)[0].strip().lower() == JSON_TYPE
    return False


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives ``body`` once, then defers to the real one (disconnects)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


class JSONBodyRoute(APIRoute):
    """An ``APIRoute`` whose valid JSON requests skip FastAPI's generic handler (see the module)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        d = self.dependant
        body = d.body_params
        model = body[0].field_info.annotation if len(body) == 1 else None
        response = self.response_model
        if (
            not (isinstance(model, type) and issubclass(model, BaseModel))
            or self._embed_body_fields
            or not (isinstance(response, type) and issubclass(response, BaseModel))
            or d.dependencies
            or d.path_params
            or d.query_params
            or d.header_params
            or d.cookie_params
            or d.response_param_name
            or d.background_tasks_param_name
        ):
            raise TypeError(f"JSONBodyRoute {path}: needs async f(<body>: Model[, request: Request]) -> Model")
        self.body_model: type[BaseModel] = model
        self.body_name = body[0].name
        self.request_name = d.request_param_name
        self.response_type: type[BaseModel] = response
        self.lean_status = self.status_code or 200

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve a valid JSON request directly; anything else the generic way."""
        if scope["method"] not in (self.methods or ()) or not _is_json(scope):
            await super().handle(scope, receive, send)
            return
        body = await self._read_body(receive)
        try:
            data = self.body_model.model_validate_json(body) if body else None
        except ValidationError:
            data = None
        if data is None:  # FastAPI reports the problem in its own words
            await super().handle(scope, _replay(body, receive), send)
            return
        kwargs: dict[str, Any] = {self.body_name: data}
        if self.request_name:
            kwargs[self.request_name] = Request(scope, receive, send)
        result = await self.endpoint(**kwargs)
        if not isinstance(result, self.response_type):
            raise TypeError(f"{self.path} returned {type(result).__name__}, not {self.response_type.__name__}")
        content = result.__pydantic_serializer__.to_json(result)
        await send(
            {
                "type": "http.response.start",
                "status": self.lean_status,
                "headers": [(b"content-length", str(len(content)).encode()), (b"content-type", JSON_TYPE)],
            }
        )
        await send({"type": "http.response.body", "body": content})

    @staticmethod
    async def _read_body(receive: Receive) -> bytes:
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientDisconnect()
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                return b"".join(chunks)
