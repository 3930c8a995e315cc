"""The one id type of the web layer: every record id a route reads — in its path, its query or its body —
is checked here, before any service sees it.

Ids are the ``Integer`` primary keys of the models: 64-bit on SQLite but 32-bit on PostgreSQL, so an id
outside ``1..ID_MAX`` names no record on any database. Such an id is refused with 422 and a Chinese
message (``编号须在 1 到 2147483647 之间``) instead of reaching the database driver (where SQLite raised
``OverflowError`` and PostgreSQL "integer out of range", both answered 500).

- ``PathId``: a path (or query) parameter, e.g. ``message_id: PathId``;
- ``BodyId``: a field of a request body, e.g. ``addressee_leader: BodyId | None``;
- ``Key``: a text that finds a record by equality (tracking code, secret, username, password, client token);
  a NUL or a lone surrogate in it is refused with 422 (no stored key holds one, and the database drivers
  fail on them);
- ``checked_ids(model)``: a service's request schema (the typed case and issue actions) with its id fields
  (``*_id``, ``*_ids`` and those in ``ID_FIELDS``) as ``BodyId``; the API routes and the staff pages parse
  action bodies and forms with it.
"""

from __future__ import annotations

import types
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

from fastapi import Path
from pydantic import AfterValidator, BaseModel, Field, StringConstraints, create_model
from pydantic_core import PydanticCustomError

ID_MAX = 2**31 - 1
ID_TITLE = "编号"
ID_MESSAGE = f"编号须在 1 到 {ID_MAX} 之间"

PathId = Annotated[int, Path(ge=1, le=ID_MAX, title=ID_TITLE, description=f"record id, 1–{ID_MAX}")]
BodyId = Annotated[int, Field(ge=1, le=ID_MAX)]

KEY_MAX = 200


def _clean_key(value: str) -> str:
    if "\x00" in value or any("\ud800" <= c <= "\udfff" for c in value):
        raise PydanticCustomError("key_characters", "contains a NUL or a lone surrogate")
    return value


Key = Annotated[str, StringConstraints(max_length=KEY_MAX), AfterValidator(_clean_key)]

# id fields whose name does not say so: MergeRequest.other (the issue merged in), MessageCreate.addressee_leader
ID_FIELDS = frozenset({"other", "addressee_leader"})
M = TypeVar("M", bound=BaseModel)


def is_id_field(name: str) -> bool:
    """Whether a request field named ``name`` holds record ids."""
    return name.endswith(("_id", "_ids")) or name == "id" or name in ID_FIELDS


def id_error(error: Mapping[str, Any], loc: Sequence[Any]) -> str | None:
    """``ID_MESSAGE`` when the pydantic ``error`` at ``loc`` (without "body"/"path") is an id out of range."""
    out_of_range = error.get("type") in ("greater_than_equal", "less_than_equal")
    return ID_MESSAGE if out_of_range and loc and is_id_field(str(loc[0])) else None


def _checked(annotation: Any) -> Any:
    """``annotation`` with its ints as ``BodyId`` (int, int | None, list[int])."""
    if annotation is int:
        return BodyId
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is list and args == (int,):
        return list[BodyId]
    if origin in (Union, types.UnionType) and int in args:  # int | None
        return Union[tuple(BodyId if a is int else a for a in args)]  # noqa: UP007
    return annotation


_CHECKED: dict[type[BaseModel], type[BaseModel]] = {}


def checked_ids(model: type[M]) -> type[M]:
    """``model`` with every id field checked as ``BodyId`` (a subclass: the services take it as ``model``)."""
    if model not in _CHECKED:
        _CHECKED[model] = _with_checked_ids(model)
    return _CHECKED[model]  # type: ignore[return-value]


def _with_checked_ids(model: type[BaseModel]) -> type[BaseModel]:
    fields: dict[str, Any] = {
        name: (_checked(info.annotation), info)
        for name, info in model.model_fields.items()
        if is_id_field(name) and _checked(info.annotation) is not info.annotation
    }
    if not fields:
        return model
    return create_model(
        model.__name__, __base__=model, __doc__=model.__doc__, __module__=model.__module__, **fields
    )
