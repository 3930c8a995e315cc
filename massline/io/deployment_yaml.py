"""The deployment file: one YAML document that configures a Massline deployment.

``load_deployment(path)`` reads and validates the file and returns a
:class:`DeploymentSpec`; nothing here touches the database.  Every problem
found is reported at once in a :class:`DeploymentError`, one line each, as
``FILE:LINE: field.path: message`` in Chinese and English, so an administrator
can fix the file in one pass.  The format is documented in
``docs/configuration.md``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    BaseModel,
    ValidationError,
)

from massline.io.deployment_checks import (
    _check_deadlines,
    _check_offices,
    _check_regions,
    _check_users,
    _hint,
    _resolve_taxonomy,
    default_taxonomy,
    load_taxonomy_csv,
)
from massline.io.deployment_spec import (
    _USERNAME_PATTERN,
    CODE_RE,
    KINDS,
    REGION_LEVELS,
    ROLES,
    USERNAME_RE,
    CaseworkSpec,
    CategoryNode,
    DeadlineRule,
    DeadlineSpec,
    DeploymentError,
    DeploymentInfo,
    DeploymentSpec,
    FieldPath,
    LeaderSpec,
    OfficeSpec,
    Problem,
    RegionSpec,
    ResearchSpec,
    UserSpec,
    _format_path,
    _Report,
)
from massline.io.profiles import ProfileError, deployment_profile
from massline.io.supervision_checks import check_supervision

__all__ = [
    "CODE_RE",
    "KINDS",
    "REGION_LEVELS",
    "ROLES",
    "CaseworkSpec",
    "CategoryNode",
    "DeadlineRule",
    "DeadlineSpec",
    "DeploymentError",
    "DeploymentInfo",
    "DeploymentSpec",
    "LeaderSpec",
    "OfficeSpec",
    "Problem",
    "RegionSpec",
    "ResearchSpec",
    "USERNAME_RE",
    "UserSpec",
    "default_taxonomy",
    "load_deployment",
    "load_taxonomy_csv",
    "parse_deployment",
]


#: the longest ``language.rules`` stored with the configuration (as JSON); longer ones go in a profile file
RULES_MAX = 2000

def _compose(text: str, source: str) -> tuple[Any, dict[FieldPath, int], list[Problem]]:
    """Parse YAML, returning the data, a path → line map and duplicate-key problems."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        detail = exc.problem or "syntax error"
        if exc.context and exc.context_mark is not None:
            detail = f"{detail}, {exc.context} (line {exc.context_mark.line + 1})"
        problem = Problem(source, line, "", f"YAML 语法错误: {detail} (invalid YAML syntax)")
        raise DeploymentError([problem]) from None
    finally:
        loader.dispose()
    lines: dict[FieldPath, int] = {}
    problems: list[Problem] = []
    if node is None:
        return data, lines, problems
    lines[()] = node.start_mark.line + 1
    stack: list[tuple[FieldPath, yaml.Node]] = [((), node)]
    while stack:
        path, current = stack.pop()
        if isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in current.value:
                key = str(key_node.value)
                line = key_node.start_mark.line + 1
                if key in seen:
                    problems.append(
                        Problem(
                            source,
                            line,
                            _format_path((*path, key)),
                            f"重复的键（第 {seen[key]} 行已出现） (duplicate key, first on line {seen[key]})",
                        )
                    )
                    continue
                seen[key] = line
                lines[(*path, key)] = line
                stack.append(((*path, key), value_node))
        elif isinstance(current, yaml.SequenceNode):
            for index, item in enumerate(current.value):
                lines[(*path, index)] = item.start_mark.line + 1
                stack.append(((*path, index), item))
    return data, lines, problems


# ------------------------------------------------------------------------- taxonomy


_SIMPLE_MESSAGES = {
    "missing": "缺少必填字段 (required field is missing)",
    "string_type": "应为文本；数字等请加引号 (expected text; quote numbers)",
    "int_type": "应为整数 (expected a whole number)",
    "int_parsing": "应为整数 (expected a whole number)",
    "int_from_float": "应为整数 (expected a whole number)",
    "bool_type": "应为 true 或 false (expected true or false)",
    "bool_parsing": "应为 true 或 false (expected true or false)",
    "list_type": "应为列表 (expected a list)",
    "model_type": "应为键值映射 (expected a mapping of key: value)",
    "model_attributes_type": "应为键值映射 (expected a mapping of key: value)",
    "dict_type": "应为键值映射 (expected a mapping of key: value)",
    "string_too_short": "不能为空 (must not be empty)",
    "too_short": "至少需要一项 (needs at least one entry)",
}
_LITERAL_NAMES = {"kind": "留言类型", "role": "角色", "level": "辖区层级"}


def _pydantic_message(error: Any, parent_keys: list[str]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "extra_forbidden":
        key = str(error["loc"][-1]) if error["loc"] else ""
        return f'未知字段 "{key}" (unknown key)' + _hint(key, parent_keys)
    if kind == "literal_error":
        name = _LITERAL_NAMES.get(str(error["loc"][-1]), "值")
        return f'未知的{name} "{value}"，可选: {ctx.get("expected", "")} (invalid value; expected one of these)'
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == _USERNAME_PATTERN:
            return f'用户名 "{value}" 只能包含小写字母、数字和 . _ - (username may use a-z 0-9 . _ -)'
        return f'代码 "{value}" 只能包含小写字母、数字和连字符 (code may use a-z, 0-9 and "-")'
    if kind == "greater_than":
        return f"必须大于 {ctx.get('gt')} (must be greater than {ctx.get('gt')})"
    if kind == "greater_than_equal":
        return f"不能小于 {ctx.get('ge')} (must be at least {ctx.get('ge')})"
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    return _SIMPLE_MESSAGES.get(kind, str(error["msg"]))


def _allowed_keys(loc: FieldPath) -> list[str]:
    """The field names allowed where an unknown key ``loc`` was found."""
    model: type[BaseModel] = DeploymentSpec
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return []
        annotation = field.annotation
        nested = _model_in(annotation)
        if nested is None:
            return []
        model = nested
    return list(model.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def parse_deployment(text: str, source: str = "<string>", base_dir: str | Path | None = None) -> DeploymentSpec:
    """Parse and validate a deployment YAML document.

    ``source`` names the file in error messages; a taxonomy CSV path is
    resolved against ``base_dir`` (default: the current directory).
    Raises :class:`DeploymentError` listing every problem found.
    """
    data, lines, duplicate_keys = _compose(text, source)
    report = _Report(source, lines)
    report.problems.extend(duplicate_keys)
    if not isinstance(data, dict):
        report.add(
            (),
            "文件应为键值映射，从 deployment: 开始 (expected a mapping starting with deployment:)",
        )
        raise DeploymentError(report.problems)

    taxonomy, categories = _resolve_taxonomy(
        data.get("taxonomy"), Path(base_dir) if base_dir is not None else Path(), report
    )
    taxonomy_failed = taxonomy is None
    region_codes = _check_regions(data, report)
    office_codes, dispatch_offices = _check_offices(data, region_codes, categories, report)
    _check_users(data, region_codes, office_codes, dispatch_offices, report)
    check_supervision(data, region_codes, office_codes, report)
    _check_deadlines(data, categories, report)

    resolved = {**data, "taxonomy": taxonomy if taxonomy is not None else []}
    spec: DeploymentSpec | None = None
    try:
        spec = DeploymentSpec.model_validate(resolved)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            if taxonomy_failed and loc[:1] == ("taxonomy",):
                continue
            report.add(loc, _pydantic_message(error, _allowed_keys(loc)))
    if spec is not None and not report.problems:
        try:
            deployment_profile(spec, base_dir)
        except ProfileError as exc:
            report.add(("language",), f"语言配置有误 (bad language: {exc})")
        else:
            spec = _self_contained(spec, base_dir)
        if len(json.dumps(spec.language.rules, ensure_ascii=False, sort_keys=True)) > RULES_MAX:
            report.add(
                ("language", "rules"),
                f"语言规则过长，请写入单独的配置文件并用 profile 指定 (rules longer than {RULES_MAX} characters: "
                "put them in a profile file)",
            )
    if report.problems or spec is None:
        raise DeploymentError(report.problems)
    return spec


def load_deployment(path: str | Path) -> DeploymentSpec:
    """Read and validate the deployment file at ``path``."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise DeploymentError([Problem(str(path), 1, "", f"无法读取文件 (cannot read the file: {exc})")]) from exc
    return parse_deployment(text, source=str(path), base_dir=file.parent)


def _self_contained(spec: DeploymentSpec, base_dir: str | Path | None) -> DeploymentSpec:
    """The spec with a profile file named by its absolute path (it is stored with the configuration)."""
    name = spec.language.profile
    candidate = Path(base_dir or ".") / name
    if not (name.endswith((".yaml", ".yml")) and candidate.is_file()):
        return spec
    language = spec.language.model_copy(update={"profile": str(candidate.resolve())})
    return spec.model_copy(update={"language": language})
