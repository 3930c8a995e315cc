"""Validation errors of requests in Chinese, field by field.

FastAPI and pydantic report an invalid request in English; the API and the
pages answer in Chinese only, naming each field: by its ``title`` in the
request schema, else by :data:`FIELD_LABELS` (query, form and header
parameters, schemas without titles). :func:`chinese_message` has one wording
per pydantic error type; a message a validator of ours raised (already
Chinese) is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeVar, get_origin

from pydantic import BaseModel, ValidationError

from massline.services.errors import ValidationFailed
from massline.web.ids import ID_TITLE, checked_ids, id_error, is_id_field

M = TypeVar("M", bound=BaseModel)

#: the Chinese name of a request field (body, query, form or header) whose schema gives no ``title``
FIELD_LABELS = {
    "title": "标题", "body": "内容", "kind": "类型", "region": "区域", "category": "领域",
    "addressee": "留言对象", "addressee_office": "留言对象单位", "addressee_leader": "留言对象领导",
    "author_name": "称呼", "contact_phone": "联系电话", "contact_email": "电子邮箱", "notify": "办理进度通知",
    "contact": "联系方式", "code": "验证码", "is_public": "是否公开", "form_token": "表单标识",
    "tracking_code": "查询码", "secret": "密码", "score": "评分", "comment": "评价意见", "reopen": "是否重新办理",
    "reason": "理由", "username": "用户名", "password": "密码", "client_token": "支持者标识", "next": "跳转地址",
    "csrf_token": "页面校验码", "idempotency-key": "幂等键（Idempotency-Key）", "q": "关键词", "page": "页码",
    "page_size": "每页条数", "status": "状态", "due": "期限", "mine": "只看我的", "order": "排序",
    "new_days": "新增天数", "top": "条数", "limit": "条数", "days": "统计周期", "to": "留言对象",
    "note": "说明", "office": "单位", "approve": "是否同意", "return_to": "返回地址", "action": "操作",
    "user_id": "经办人", "stance": "态度", "due_date": "完成期限", "text": "承诺内容", "progress": "进度",
    "outcome": "审核结果", "list": "列表",
    "accused_office": "被举报单位", "accused_person": "被举报人", "reporter_name": "举报人姓名",
    "reporter_phone": "举报人电话", "receipt_code": "举报回执码", "notice": "告知内容",
}  # fmt: skip

_TYPES = {
    "string_type": "{t}须为文本",
    "string_too_short": "{t}至少 {min_length} 个字",
    "string_too_long": "{t}不能超过 {max_length} 个字",
    "string_pattern_mismatch": "{t}的取值不正确",
    "string_unicode": "{t}含有不允许的字符",
    "key_characters": "{t}含有不允许的字符",
    "int_parsing": "{t}须为整数",
    "int_type": "{t}须为整数",
    "int_from_float": "{t}须为整数",
    "int_parsing_size": "{t}超出允许范围",
    "float_parsing": "{t}须为数字",
    "float_type": "{t}须为数字",
    "finite_number": "{t}须为有限的数字",
    "greater_than": "{t}须大于 {gt}",
    "greater_than_equal": "{t}不能小于 {ge}",
    "less_than": "{t}须小于 {lt}",
    "less_than_equal": "{t}不能大于 {le}",
    "bool_parsing": "{t}须为 true 或 false",
    "bool_type": "{t}须为 true 或 false",
    "list_type": "{t}须为列表",
    "too_short": "{t}至少需要 {min_length} 项",
    "too_long": "{t}不能超过 {max_length} 项",
    "date_parsing": "{t}格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "{t}格式应为 YYYY-MM-DD",
    "date_from_datetime_inexact": "{t}格式应为 YYYY-MM-DD",
    "date_type": "{t}格式应为 YYYY-MM-DD",
    "datetime_parsing": "{t}格式应为 YYYY-MM-DDTHH:MM:SS",
    "datetime_from_date_parsing": "{t}格式应为 YYYY-MM-DDTHH:MM:SS",
    "datetime_type": "{t}格式应为 YYYY-MM-DDTHH:MM:SS",
    "enum": "{t}须为以下之一：{expected}",
    "literal_error": "{t}须为以下之一：{expected}",
    "none_required": "{t}不应填写",
    "model_attributes_type": "{whole}须为 JSON 对象",
    "model_type": "{whole}须为 JSON 对象",
    "dict_type": "{whole}须为 JSON 对象",
    "json_invalid": "请求体不是有效的 JSON",
    "json_type": "{t}须为 JSON 文本",
}
_CHOICES = re.compile(r"^\^\(\|?([\w|-]+)\)\$$")  # a Query pattern that lists the allowed values: ^(|a|b)$
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _choices(expected: Any) -> str:
    """pydantic's "'a', 'b' or 'c'" as "a、b、c"."""
    return "、".join(part.strip(" '\"") for part in re.split(r",| or ", str(expected)) if part.strip(" '\""))


def chinese_message(error: Mapping[str, Any], title: str | None = None) -> str:
    """One pydantic error in Chinese, naming the field by ``title`` (or "此项")."""
    kind = str(error.get("type", ""))
    t = title or "此项"
    ctx = {k: v for k, v in (error.get("ctx") or {}).items() if isinstance(k, str)}
    if kind == "missing":
        return f"请填写{title}" if title else "缺少此项"
    if kind == "extra_forbidden":
        return "本操作不接受此项"
    if kind in ("value_error", "assertion_error"):
        # a validator of ours: its own (Chinese) words, without pydantic's "Value error, "
        text = str(error.get("msg", "")).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        return text if _CHINESE.search(text) else f"{t}格式不正确"
    if kind == "string_pattern_mismatch" and (match := _CHOICES.match(str(ctx.get("pattern", "")))):
        return f"{t}须为以下之一：" + "、".join(match.group(1).split("|"))
    if "expected" in ctx:
        ctx["expected"] = _choices(ctx["expected"])
    template = _TYPES.get(kind)
    if template is None:
        return f"{t}格式不正确"
    try:
        return template.format(t=t, whole=title or "请求体", **ctx)
    except (KeyError, IndexError):
        return f"{t}格式不正确"


def label(name: str, model: type[BaseModel] | None = None) -> str | None:
    """The Chinese name of the request field ``name``: its title in ``model``, else :data:`FIELD_LABELS`."""
    field = model.model_fields.get(name) if model is not None else None
    if field is not None and field.title:
        return field.title
    return FIELD_LABELS.get(name.lower()) or (ID_TITLE if is_id_field(name) else None)


def _title(model: type[BaseModel] | None, loc: Sequence[Any]) -> str | None:
    return label(str(loc[0]), model) if loc and isinstance(loc[0], str) else None


def field_errors(
    errors: Iterable[Mapping[str, Any]], model: type[BaseModel] | None = None, *, skip: int = 0
) -> dict[str, str]:
    """Field name → Chinese message for each error (``skip`` leading parts of each location, e.g. "body")."""
    out: dict[str, str] = {}
    for e in errors:
        loc = [] if e.get("type") == "json_invalid" else list(e.get("loc", ()))[skip:]  # not its position
        name = ".".join(str(p) for p in loc) or "body"
        out.setdefault(name, id_error(e, loc) or chinese_message(e, _title(model, loc)))
    return out


def summary(errors: Mapping[str, str], model: type[BaseModel] | None = None) -> str:
    """The messages of ``errors`` in one line; a message that does not name its field gets the field's
    Chinese name (or, for a field without one, its name) in front."""
    parts = []
    for name, text in errors.items():
        title = label(name.split(".")[0], model)
        if title is None:
            title = name if "此项" in text else ""
        whole = "请求体" in text  # the body as a whole, not its field named "body"
        parts.append(f"{title}：{text}" if title and title not in text and not whole else text)
    return "；".join(dict.fromkeys(parts))


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
