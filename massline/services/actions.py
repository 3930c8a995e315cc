"""Typed actions: one function per action, registered with its request and result schemas.

A domain keeps one :class:`ActionTable` (``casework.CASE_ACTIONS``,
``issues.ISSUE_ACTION_SPECS``) and registers each action function with
``TABLE.register(RequestSchema, ResultSchema, label=..., done=...)``; the
action's name is the request schema's ``action``. Pages list the table's
labels, the API makes one route per entry, and ``act`` looks the function up
by the request's type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

Req = TypeVar("Req")
Res = TypeVar("Res")
Fn = TypeVar("Fn", bound=Callable[..., Any])


@dataclass(frozen=True)
class Action(Generic[Req, Res]):
    """A registered action: its name, schemas, function, label and the sentence shown once done."""

    name: str
    request: type[Req]
    response: type[Res]
    run: Callable[..., Res]
    label: str
    done: str


class ActionTable(dict[str, Action[Any, Any]]):
    """A domain's actions by name, in the order they were registered (the order pages offer them)."""

    def register(self, request: type[Any], response: type[Any], *, label: str, done: str) -> Callable[[Fn], Fn]:
        """Register the decorated function as the action named by ``request.action``."""

        def register(fn: Fn) -> Fn:
            name: str = request.action
            if name in self:
                raise ValueError(f"action {name!r} registered twice")
            self[name] = Action(name, request, response, fn, label, done)
            return fn

        return register
