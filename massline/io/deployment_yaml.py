"""The deployment file: one YAML document that configures a Massline deployment.

``load_deployment(path)`` reads and validates the file and returns a
:class:`DeploymentSpec`; nothing here touches the database.  Every problem
found is reported at once in a :class:`DeploymentError`, one line each, as
``FILE:LINE: field.path: message`` in Chinese and English, so an administrator
can fix the file in one pass.  The format is documented in
``docs/configuration.md``.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

__all__ = [
    "CODE_RE",
    "KINDS",
    "REGION_LEVELS",
    "ROLES",
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
    "USERNAME_RE",
    "UserSpec",
    "default_taxonomy",
    "load_deployment",
    "load_taxonomy_csv",
    "parse_deployment",
]

KINDS: tuple[str, ...] = ("投诉", "求助", "咨询", "建言", "表扬", "举报")
ROLES: tuple[str, ...] = (
    "citizen",
    "official",
    "dispatcher",
    "office_head",
    "leader",
    "supervisor",
    "admin",
)
REGION_LEVELS: tuple[str, ...] = (
    "province",
    "city",
    "district",
    "county",
    "street",
    "town",
    "community",
)
# A child region must have a strictly greater rank than its parent.
_LEVEL_RANK = {
    "province": 0,
    "city": 1,
    "district": 2,
    "county": 2,
    "street": 3,
    "town": 3,
    "community": 4,
}
_ROLES_NEEDING_OFFICE = ("official", "dispatcher", "office_head")
_ROLES_NEEDING_REGION = ("leader",)
_TAXONOMY_HEADER = ["一级分类", "二级分类", "三级分类"]
_TAXONOMY_DEPTH = 3
_CODE_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_USERNAME_PATTERN = r"^[a-z0-9._-]+$"
CODE_RE = re.compile(_CODE_PATTERN)
"""What a region or office code looks like: ``jz-dc``, ``jz-12345``."""
USERNAME_RE = re.compile(_USERNAME_PATTERN)
"""What a username looks like: ``wang.dispatch``."""

Kind = Literal["投诉", "求助", "咨询", "建言", "表扬", "举报"]
Role = Literal["citizen", "official", "dispatcher", "office_head", "leader", "supervisor", "admin"]
RegionLevel = Literal["province", "city", "district", "county", "street", "town", "community"]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Code = Annotated[str, StringConstraints(pattern=_CODE_PATTERN)]
Username = Annotated[str, StringConstraints(pattern=_USERNAME_PATTERN)]
FieldPath = tuple[str | int, ...]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DeploymentInfo(_Spec):
    """The ``deployment:`` section: the platform's public name and time zone."""

    name: Text
    timezone: str = "Asia/Shanghai"

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        # Without a time-zone database (bare Windows Python) nothing can be checked.
        if zoneinfo.available_timezones() and value not in zoneinfo.available_timezones():
            raise ValueError(f'未知的时区 "{value}" (unknown time zone, e.g. Asia/Shanghai)')
        return value


class CategoryNode(_Spec):
    """One node of the three-level taxonomy (一级/二级/三级分类)."""

    name: Text
    children: list[CategoryNode] = []

    @field_validator("name")
    @classmethod
    def _no_slash(cls, value: str) -> str:
        if "/" in value:
            raise ValueError('分类名称不能包含 "/" (a category name cannot contain "/")')
        return value


class RegionSpec(_Spec):
    """A jurisdiction (辖区) and the regions under it."""

    code: Code
    name: Text
    level: RegionLevel
    aliases: list[Text] = []
    children: list[RegionSpec] = []


class LeaderSpec(_Spec):
    """A leader of an office whom citizens may address by title."""

    title: Text
    name: Text


class OfficeSpec(_Spec):
    """An office (单位) that answers messages in a region for some categories.

    ``categories`` empty means a general office (all categories in its region).
    """

    code: Code
    name: Text
    region: str
    categories: list[str] = []
    dispatch: bool = False
    aliases: list[Text] = []
    leaders: list[LeaderSpec] = []


class UserSpec(_Spec):
    """An account created by the deployment; passwords are never in the file."""

    username: Username
    name: Text
    role: Role
    office: str | None = None
    region: str | None = None
    title: Text | None = None


class DeadlineRule(_Spec):
    """Answer within ``days`` for messages of a category and/or kind."""

    category: str | None = None
    kind: Kind | None = None
    days: int = Field(gt=0)

    @model_validator(mode="after")
    def _category_or_kind(self) -> DeadlineRule:
        if self.category is None and self.kind is None:
            raise ValueError("规则至少需要 category 或 kind 之一 (a rule needs a category, a kind or both)")
        return self


class DeadlineSpec(_Spec):
    """Answer deadlines: a default and more specific rules."""

    default_days: int = Field(default=15, gt=0)
    rules: list[DeadlineRule] = []
    due_soon_days: int = Field(default=2, ge=0)

    def days_for(self, category: str | None, kind: str | None) -> int:
        """Deadline in days for a message of ``category`` (a path) and ``kind``.

        The most specific rule wins: category and kind, then category, then
        kind, then ``default_days``.  A rule's category matches the message's
        category path and everything under it; the longest match wins.
        """
        best: tuple[int, int, int] | None = None  # (tier, category depth, days)
        for rule in self.rules:
            if rule.kind is not None and rule.kind != kind:
                continue
            depth = 0
            if rule.category is not None:
                if category is None or not _under(category, rule.category):
                    continue
                depth = rule.category.count("/") + 1
            tier = (rule.category is not None) * 2 + (rule.kind is not None)
            candidate = (tier, depth, rule.days)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
        return self.default_days if best is None else best[2]


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


class DeploymentSpec(_Spec):
    """A validated deployment, with the taxonomy resolved to a tree."""

    deployment: DeploymentInfo
    taxonomy: list[CategoryNode] = Field(min_length=1)
    regions: list[RegionSpec] = Field(min_length=1)
    offices: list[OfficeSpec] = []
    users: list[UserSpec] = []
    deadlines: DeadlineSpec = DeadlineSpec()

    def iter_regions(self) -> Iterator[tuple[RegionSpec, str | None]]:
        """Yield ``(region, parent_code)`` depth first, parents before children."""
        stack: list[tuple[RegionSpec, str | None]] = [(r, None) for r in reversed(self.regions)]
        while stack:
            region, parent = stack.pop()
            yield region, parent
            stack.extend((child, region.code) for child in reversed(region.children))

    def category_paths(self) -> list[str]:
        """Every taxonomy node as a path ``一级/二级/三级``, depth first."""
        return _category_paths(self.taxonomy)


def _category_paths(nodes: list[CategoryNode], prefix: str = "") -> list[str]:
    paths: list[str] = []
    for node in nodes:
        path = f"{prefix}{node.name}"
        paths.append(path)
        paths.extend(_category_paths(node.children, path + "/"))
    return paths


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class Problem:
    """One validation problem, located in the source file."""

    source: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        if self.path:
            return f"{self.source}:{self.line}: {self.path}: {self.message}"
        return f"{self.source}:{self.line}: {self.message}"


class DeploymentError(ValueError):
    """The deployment file is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.source, p.line))
        super().__init__("\n".join(str(p) for p in self.problems))


def _format_path(path: FieldPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


class _Report:
    """Collects problems, locating each field path on a line of the YAML file."""

    def __init__(self, source: str, lines: dict[FieldPath, int]) -> None:
        self.source = source
        self.lines = lines
        self.problems: list[Problem] = []

    def line_of(self, path: FieldPath) -> int:
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1

    def add(self, path: FieldPath, message: str) -> None:
        self.problems.append(Problem(self.source, self.line_of(path), _format_path(path), message))

    def add_at(self, source: str, line: int, path: str, message: str) -> None:
        self.problems.append(Problem(source, line, path, message))


# ----------------------------------------------------------------------------- YAML


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


def load_taxonomy_csv(path: str | Path) -> list[CategoryNode]:
    """Read a taxonomy CSV with the columns 一级分类, 二级分类, 三级分类."""
    text = Path(path).read_text(encoding="utf-8-sig")
    report = _Report(str(path), {})
    nodes = _parse_taxonomy_csv(text, str(path), report)
    if report.problems:
        raise DeploymentError(report.problems)
    return nodes


def default_taxonomy() -> list[CategoryNode]:
    """The taxonomy shipped with Massline (``massline/data/taxonomy.csv``)."""
    resource = resources.files("massline").joinpath("data/taxonomy.csv")
    report = _Report("taxonomy.csv", {})
    nodes = _parse_taxonomy_csv(resource.read_text(encoding="utf-8-sig"), "taxonomy.csv", report)
    if report.problems:
        raise DeploymentError(report.problems)
    return nodes


def _parse_taxonomy_csv(text: str, source: str, report: _Report) -> list[CategoryNode]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if [cell.strip() for cell in header or []] != _TAXONOMY_HEADER:
        report.add_at(
            source,
            1,
            "",
            "表头应为 一级分类,二级分类,三级分类 (header must be 一级分类,二级分类,三级分类)",
        )
        return []
    tree: dict[str, dict[str, list[str]]] = {}
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        cells = [cell.strip() for cell in row]
        if len(cells) != _TAXONOMY_DEPTH or not all(cells) or any("/" in c for c in cells):
            report.add_at(
                source,
                reader.line_num,
                "",
                '每行应有三个非空、不含 "/" 的分类名称 (each row needs three non-empty category names without "/")',
            )
            continue
        leaves = tree.setdefault(cells[0], {}).setdefault(cells[1], [])
        if cells[2] in leaves:
            report.add_at(
                source,
                reader.line_num,
                "",
                f"重复的分类 (duplicate row {'/'.join(cells)})",
            )
            continue
        leaves.append(cells[2])
    return [
        CategoryNode(
            name=first,
            children=[
                CategoryNode(name=second, children=[CategoryNode(name=leaf) for leaf in leaves])
                for second, leaves in seconds.items()
            ],
        )
        for first, seconds in tree.items()
    ]


def _resolve_taxonomy(raw: Any, base_dir: Path, report: _Report) -> tuple[Any, list[str] | None]:
    """Turn the ``taxonomy:`` value into a list of nodes (or raw inline data).

    Returns the value to validate and the category paths it defines (``None``
    when they cannot be known, so category references are not checked).
    """
    path: FieldPath = ("taxonomy",)
    if raw is None or raw == "default":
        nodes = default_taxonomy()
        return nodes, _category_paths(nodes)
    if isinstance(raw, str):
        csv_path = (base_dir / raw).resolve()
        if not csv_path.is_file():
            report.add(path, f'找不到分类文件 "{raw}" (taxonomy CSV not found: {csv_path})')
            return None, None
        nodes = _parse_taxonomy_csv(csv_path.read_text(encoding="utf-8-sig"), raw, report)
        return nodes or None, _category_paths(nodes) if nodes else None
    if isinstance(raw, list):
        return raw, _inline_taxonomy_paths(raw, path, report)
    report.add(
        path,
        '应为 "default"、CSV 文件路径或分类列表 (expected "default", a CSV path or a list)',
    )
    return None, None


def _inline_taxonomy_paths(nodes: list[Any], path: FieldPath, report: _Report) -> list[str]:
    paths: list[str] = []
    stack: list[tuple[Any, FieldPath, str, int]] = [(nodes, path, "", 1)]
    while stack:
        items, items_path, prefix, depth = stack.pop()
        seen: set[str] = set()
        for index, item in _dicts(items):
            name = item.get("name")
            if not isinstance(name, str):
                continue
            if name in seen:
                report.add(
                    (*items_path, index, "name"),
                    f'同级分类重名 "{name}" (duplicate category)',
                )
            seen.add(name)
            paths.append(prefix + name)
            children = item.get("children")
            if children and depth >= _TAXONOMY_DEPTH:
                report.add(
                    (*items_path, index, "children"),
                    "分类最多三级 (the taxonomy has at most three levels)",
                )
            elif isinstance(children, list):
                stack.append(
                    (
                        children,
                        (*items_path, index, "children"),
                        f"{prefix}{name}/",
                        depth + 1,
                    )
                )
    return paths


# ----------------------------------------------------------------------- validation


def _dicts(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield index, item


def _str(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) else None


def _hint(value: str, choices: list[str] | set[str]) -> str:
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.6)
    return f'；是否应为 "{close[0]}"? (did you mean "{close[0]}"?)' if close else ""


def _check_regions(data: dict[str, Any], report: _Report) -> set[str]:
    codes: dict[str, int] = {}
    stack: list[tuple[Any, FieldPath, str | None]] = [(data.get("regions"), ("regions",), None)]
    while stack:
        items, path, parent_level = stack.pop()
        for index, item in _dicts(items):
            here = (*path, index)
            code = _str(item, "code")
            if code is not None:
                if code in codes:
                    report.add(
                        (*here, "code"),
                        f'重复的辖区代码 "{code}"（第 {codes[code]} 行已定义） '
                        f"(duplicate region code, first defined on line {codes[code]})",
                    )
                else:
                    codes[code] = report.line_of((*here, "code"))
            level = _str(item, "level")
            if level in _LEVEL_RANK and parent_level in _LEVEL_RANK:
                if _LEVEL_RANK[level] <= _LEVEL_RANK[parent_level]:
                    report.add(
                        (*here, "level"),
                        f'层级 "{level}" 不能位于 "{parent_level}" 之下 '
                        f"(a {level} cannot be under a {parent_level}; "
                        "order is province > city > district|county > "
                        "street|town > community)",
                    )
            stack.append((item.get("children"), (*here, "children"), level))
    return set(codes)


def _check_category_ref(value: Any, path: FieldPath, categories: list[str] | None, report: _Report) -> None:
    if categories is None or not isinstance(value, str) or value in categories:
        return
    report.add(
        path,
        f'未知的分类 "{value}" (unknown category; use a first-level name such as '
        '"城乡建设" or a path such as "城乡建设/住房保障与房地产")' + _hint(value, categories),
    )


def _check_offices(
    data: dict[str, Any],
    regions: set[str],
    categories: list[str] | None,
    report: _Report,
) -> tuple[set[str], set[str]]:
    codes: dict[str, int] = {}
    dispatch: set[str] = set()
    for index, office in _dicts(data.get("offices")):
        here: FieldPath = ("offices", index)
        code = _str(office, "code")
        if code is not None:
            if code in codes:
                report.add(
                    (*here, "code"),
                    f'重复的单位代码 "{code}"（第 {codes[code]} 行已定义） '
                    f"(duplicate office code, first defined on line {codes[code]})",
                )
            else:
                codes[code] = report.line_of((*here, "code"))
            if office.get("dispatch") is True:
                dispatch.add(code)
        region = _str(office, "region")
        if region is not None and region not in regions:
            report.add(
                (*here, "region"),
                f'未知的辖区代码 "{region}" (unknown region code)' + _hint(region, regions),
            )
        categories_value = office.get("categories")
        if isinstance(categories_value, list):
            for j, category in enumerate(categories_value):
                _check_category_ref(category, (*here, "categories", j), categories, report)
        titles: set[str] = set()
        for j, leader in _dicts(office.get("leaders")):
            title = _str(leader, "title")
            if title is not None and title in titles:
                report.add(
                    (*here, "leaders", j, "title"),
                    f'同一单位内领导职务重复 "{title}" (duplicate leader title in this office)',
                )
            if title is not None:
                titles.add(title)
    return set(codes), dispatch


def _check_users(
    data: dict[str, Any],
    regions: set[str],
    offices: set[str],
    dispatch_offices: set[str],
    report: _Report,
) -> None:
    usernames: dict[str, int] = {}
    for index, user in _dicts(data.get("users")):
        here: FieldPath = ("users", index)
        username = _str(user, "username")
        if username is not None:
            if username in usernames:
                report.add(
                    (*here, "username"),
                    f'重复的用户名 "{username}"（第 {usernames[username]} 行已定义） '
                    "(duplicate username, first defined on line "
                    f"{usernames[username]})",
                )
            else:
                usernames[username] = report.line_of((*here, "username"))
        role = _str(user, "role")
        office = _str(user, "office")
        region = _str(user, "region")
        if role in _ROLES_NEEDING_OFFICE and user.get("office") is None:
            report.add(
                (*here, "office"),
                f'角色 {role} 必须指定所属单位 office (role "{role}" needs an office)',
            )
        if role in _ROLES_NEEDING_REGION and user.get("region") is None:
            report.add(
                (*here, "region"),
                f'角色 {role} 必须指定辖区 region (role "{role}" needs a region)',
            )
        if office is not None and office not in offices:
            report.add(
                (*here, "office"),
                f'未知的单位代码 "{office}" (unknown office code)' + _hint(office, offices),
            )
        elif role == "dispatcher" and office is not None and office not in dispatch_offices:
            report.add(
                (*here, "office"),
                f'调度员必须属于调度中心（dispatch: true 的单位），"{office}" 不是 '
                "(a dispatcher must belong to a dispatch office; "
                f'"{office}" is not one)',
            )
        if region is not None and region not in regions:
            report.add(
                (*here, "region"),
                f'未知的辖区代码 "{region}" (unknown region code)' + _hint(region, regions),
            )


def _check_deadlines(data: dict[str, Any], categories: list[str] | None, report: _Report) -> None:
    deadlines = data.get("deadlines")
    if not isinstance(deadlines, dict):
        return
    seen: dict[tuple[Any, Any], int] = {}
    for index, rule in _dicts(deadlines.get("rules")):
        here: FieldPath = ("deadlines", "rules", index)
        _check_category_ref(rule.get("category"), (*here, "category"), categories, report)
        key = (rule.get("category"), rule.get("kind"))
        if not all(isinstance(k, str | None) for k in key):
            continue
        if key in seen:
            report.add(
                here,
                f"与第 {seen[key]} 行的规则重复 (duplicates the rule on line {seen[key]})",
            )
        else:
            seen[key] = report.line_of(here)


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
