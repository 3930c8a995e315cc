"""The casework policy edited in the browser (办理规则): the deployment file's ``casework:`` section,
stored as the JSON site setting ``casework_policy`` and validated by ``CaseworkSpec`` like the file.
A later configuration load writes the file's section (its defaults when the file has none) over it."""

from __future__ import annotations

import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from massline.models import User
from massline.services.deployment.changes import configuration_changed, require_admin, set_setting
from massline.services.errors import ValidationFailed
from massline.services.policy import CaseworkPolicy, casework_policy

#: each field's Chinese name, and the Chinese names of a choice's values (the file's keys are shown too)
POLICY_LABELS: dict[str, tuple[str, dict[str, str] | None]] = {
    "moderation": ("留言审核", {"pre": "先审后发（审核通过才公开）", "post": "先发后审（立即公开，事后审核）"}),
    "reply_approval": ("答复须经单位负责人审批后发布", None),
    "centre_approves_transfers": ("退单（转办）由派单中心审批", None),
    "centre_approves_extensions": ("延期由派单中心审批", None),
    "remind_before_hours": ("到期前提醒（小时，0 为不提醒）", None),
    "escalate_to_head_after_hours": ("超期后升级到单位负责人（小时）", None),
    "escalate_to_centre_after_hours": ("超期后升级到派单中心（小时，不少于升级到单位负责人的）", None),
    "close_after_days": ("答复后无人评价自动办结（天，0 为只在评价后办结）", None),
    "callback_after_days": ("答复后无人评价进入回访（天）", None),
    "callback_max_tries": ("回访未接通几次后办结（次）", None),
}


@dataclass(frozen=True)
class PolicyField:
    """One field of the policy form: its key, Chinese label, kind (``bool``, ``choice`` or ``text``: a number typed in),
    current value and, for a choice, the values with their labels."""

    key: str
    label: str
    kind: str
    value: Any
    choices: dict[str, str]


def _kind(annotation: Any) -> tuple[str, dict[str, str]]:
    if annotation is bool:
        return "bool", {}
    if typing.get_origin(annotation) is typing.Literal:
        return "choice", {str(v): str(v) for v in typing.get_args(annotation)}
    return "text", {}


def policy_fields(session: Session, actor: User) -> list[PolicyField]:
    """The policy in force, field by field, for the admin's form (admins only)."""
    require_admin(actor)
    policy = casework_policy(session)
    fields = []
    for key, info in CaseworkPolicy.model_fields.items():
        label, names = POLICY_LABELS.get(key, (key, None))
        kind, choices = _kind(info.annotation)
        named = {k: (names or {}).get(k, k) for k in choices}
        fields.append(PolicyField(key, label, kind, getattr(policy, key), named))
    return fields


def _errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors():
        key = str(error["loc"][0]) if error["loc"] else "escalate_to_centre_after_hours"
        label = POLICY_LABELS.get(key, (key, None))[0].split("（")[0]
        if not error["loc"]:  # the model's own check: the centre after the head
            errors[key] = "升级到派单中心的时限不能少于升级到单位负责人的时限"
        elif error["type"] == "greater_than_equal":
            errors[key] = f"{label}不能小于 0"
        elif error["type"].startswith("int"):
            errors[key] = f"{label}须为整数"
        else:
            errors[key] = f"{label}的取值不正确"
    return errors


def check_set_casework_policy(session: Session, actor: User, form: Mapping[str, str]) -> dict[str, list[Any]]:
    """Replace the casework policy with ``form`` (a check box field is true when its value is "1";
    another field the form does not send keeps its value), validated like the deployment file's
    ``casework:``; audited ``casework_policy_updated`` with each changed field as ``[before, after]``,
    which is returned (admins only)."""
    require_admin(actor)
    before = casework_policy(session).model_dump()
    data: dict[str, Any] = {}
    for key, info in CaseworkPolicy.model_fields.items():
        if info.annotation is bool:
            data[key] = form.get(key) == "1"
        else:
            data[key] = form[key].strip() if key in form else before[key]
    try:
        policy = CaseworkPolicy.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(_errors(exc)) from None
    after = policy.model_dump()
    changed = {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}
    if changed:
        set_setting(session, "casework_policy", policy.model_dump_json())
        configuration_changed(session, actor, "casework_policy_updated", "deployment", None, **changed)
    return changed
