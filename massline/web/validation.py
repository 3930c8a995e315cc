"""Validation errors of request schemas in Chinese, field by field.

FastAPI reports an invalid body in pydantic's English; the API and the forms
answer in Chinese, naming each field (with pydantic's wording kept in
brackets for API clients). A field's ``title`` names it in the message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar, get_origin

from pydantic import BaseModel, ValidationError

from massline.services.errors import ValidationFailed
from massline.web.ids import checked_ids, id_error

M = TypeVar("M", bound=BaseModel)

_TYPES = {
    "int_parsing": "{t}须为整数",
    "int_type": "{t}须为整数",
    "int_from_float": "{t}须为整数",
    "string_type": "{t}须为文本",
    "bool_parsing": "{t}须为 true 或 false",
    "bool_type": "{t}须为 true 或 false",
    "list_type": "{t}须为列表",
    "date_parsing": "{t}格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "{t}格式应为 YYYY-MM-DD",
    "date_type": "{t}格式应为 YYYY-MM-DD",
    "greater_than_equal": "{t}不能小于 {ge}",
    "less_than_equal": "{t}不能大于 {le}",
    "string_too_short": "{t}至少 {min_length} 个字",
    "string_too_long": "{t}不能超过 {max_length} 个字",
    "model_attributes_type": "请求体须为 JSON 对象",
    "dict_type": "请求体须为 JSON 对象",
    "json_invalid": "请求体不是有效的 JSON",
    "key_characters": "{t}含有不允许的字符",
    "string_unicode": "{t}含有不允许的字符",
}


def chinese_message(error: Mapping[str, Any], title: str | None = None) -> str:
    """One pydantic error in Chinese, naming the field by ``title`` (or "此项")."""
    kind = str(error.get("type", ""))
    if kind == "missing":
        return f"请填写{title}" if title else "缺少此项"
    if kind == "extra_forbidden":
        return "本操作不接受此项"
    template = _TYPES.get(kind)
    if template is None:
        return f"{title or '此项'}格式不正确"
    ctx = {k: v for k, v in (error.get("ctx") or {}).items() if isinstance(k, str)}
    try:
        return template.format(t=title or "此项", **ctx)
    except (KeyError, IndexError):
        return f"{title or '此项'}格式不正确"


def _title(model: type[BaseModel] | None, loc: Sequence[Any]) -> str | None:
    if model is None or not loc:
        return None
    field = model.model_fields.get(str(loc[0]))
    return field.title if field is not None else None


def field_errors(
    errors: Iterable[Mapping[str, Any]], model: type[BaseModel] | None = None, *, skip: int = 0, english: bool = False
) -> dict[str, str]:
    """Field name → Chinese message for each error (``skip`` leading parts of each location, e.g. "body");
    ``english`` appends pydantic's own words in brackets."""
    out: dict[str, str] = {}
    for e in errors:
        loc = list(e.get("loc", ()))[skip:]
        name = ".".join(str(p) for p in loc) or "body"
        text = id_error(e, loc) or chinese_message(e, _title(model, loc))
        out.setdefault(name, f"{text} ({e.get('msg', '')})" if english else text)
    return out


def form_errors(exc: ValidationError, model: type[BaseModel]) -> dict[str, str]:
    """The errors of a form validated against ``model``, in Chinese."""
    return field_errors(exc.errors(), model)


def request_from_form(model: type[M], form: Any) -> M:
    """``model`` from a posted form: only its own fields; an empty optional or non-text field counts as
    not given (so it takes its default, or is reported as missing); list fields take every value.
    Id fields are checked as ``ids.BodyId``. Raises ``ValidationFailed`` with the Chinese messages."""
    model = checked_ids(model)
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if get_origin(info.annotation) is list:
            values = [v for v in form.getlist(name) if v != ""]
            if values:
                data[name] = values
            continue
        value = form.get(name)
        if value is None or (value == "" and (not info.is_required() or info.annotation is not str)):
            continue
        data[name] = value
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(form_errors(exc, model)) from None
