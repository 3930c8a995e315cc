"""Cross-checks of a deployment file that pydantic cannot express, and the taxonomy loader."""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from massline.io.deployment_spec import (
    _LEVEL_RANK,
    _ROLES_NEEDING_OFFICE,
    _ROLES_NEEDING_REGION,
    _TAXONOMY_DEPTH,
    _TAXONOMY_HEADER,
    CategoryNode,
    DeploymentError,
    FieldPath,
    _category_paths,
    _Report,
)


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
