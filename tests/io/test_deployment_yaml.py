"""The deployment file format, its validator, and the shipped demo data."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from massline.io.deployment_yaml import (
    KINDS,
    DeploymentError,
    DeploymentSpec,
    default_taxonomy,
    load_deployment,
    parse_deployment,
)

DATA = Path(str(resources.files("massline").joinpath("data")))
DEMO_YAML = DATA / "demo" / "deployment.yaml"
DEMO_MESSAGES = DATA / "demo" / "messages.jsonl"
SEVEN = {
    "城乡建设",
    "劳动和社会保障",
    "教育文体",
    "商贸旅游",
    "环境保护",
    "卫生计生",
    "交通运输",
}
OUTCOMES = {
    "received",
    "assigned",
    "accepted",
    "replied",
    "closed",
    "rejected",
    "reopened",
    "transferred",
}

BASE = """\
deployment:
  name: 测试市网络问政平台
regions:
  - code: t
    name: 测试市
    level: city
    children:
      - code: t-a
        name: 甲区
        level: district
        children:
          - {code: t-a-1, name: 一街道, level: street}
offices:
  - code: t-12345
    name: 热线中心
    region: t
    dispatch: true
  - code: t-zj
    name: 住建局
    region: t-a
    categories: [城乡建设, 城乡建设/住房保障与房地产]
    leaders:
      - {title: 局长, name: 张三}
users:
  - {username: d.one, name: 调度一, role: dispatcher, office: t-12345}
  - {username: boss, name: 市长, role: leader, region: t}
deadlines:
  rules:
    - {kind: 咨询, days: 5}
"""


def line_of(text: str, needle: str) -> int:
    """1-based number of the only line of ``text`` containing ``needle``."""
    found = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(found) == 1, (needle, found)
    return found[0]


def problems(text: str) -> list[tuple[int, str, str]]:
    with pytest.raises(DeploymentError) as caught:
        parse_deployment(text, source="t.yaml")
    return [(p.line, p.path, p.message) for p in caught.value.problems]


def test_base_example_is_valid() -> None:
    spec = parse_deployment(BASE)
    assert spec.deployment.timezone == "Asia/Shanghai"
    assert [(r.code, parent) for r, parent in spec.iter_regions()] == [
        ("t", None),
        ("t-a", "t"),
        ("t-a-1", "t-a"),
    ]
    assert spec.offices[0].dispatch and not spec.offices[1].dispatch
    assert spec.deadlines.default_days == 15 and spec.deadlines.due_soon_days == 2


def test_demo_deployment_parses() -> None:
    spec = load_deployment(DEMO_YAML)
    assert spec.deployment.name == "江州市网络问政平台"
    levels = [r.level for r, _ in spec.iter_regions()]
    assert levels[0] == "city"
    assert 4 <= sum(level in ("district", "county") for level in levels) <= 5
    assert sum(o.dispatch for o in spec.offices) == 1
    assert len(spec.offices) >= 15
    roles = {u.role for u in spec.users}
    assert {
        "dispatcher",
        "official",
        "office_head",
        "leader",
        "supervisor",
        "admin",
    } <= roles
    leader = next(u for u in spec.users if u.role == "leader")
    assert leader.region == "jz"


def test_default_taxonomy_has_seven_categories_three_levels_deep() -> None:
    taxonomy = default_taxonomy()
    assert {node.name for node in taxonomy} == SEVEN
    for first in taxonomy:
        assert first.children, first.name
        for second in first.children:
            assert second.children, f"{first.name}/{second.name}"
            assert all(not leaf.children for leaf in second.children)
    spec = parse_deployment(BASE)
    paths = spec.category_paths()
    assert len([p for p in paths if p.count("/") == 2]) == 250  # rows of the CSV
    assert "城乡建设/住房保障与房地产/物业服务" in paths
    assert paths[0] == "城乡建设"


def test_unknown_region_reference() -> None:
    text = BASE.replace("region: t-a\n", "region: t-x\n")
    assert problems(text) == [
        (
            line_of(text, "region: t-x"),
            "offices[1].region",
            '未知的辖区代码 "t-x" (unknown region code)；是否应为 "t-a"? (did you mean "t-a"?)',
        )
    ]


def test_duplicate_code() -> None:
    text = BASE.replace("{code: t-a-1,", "{code: t-a,")
    [(line, path, message)] = problems(text)
    assert line == line_of(text, "{code: t-a,")
    assert path == "regions[0].children[0].children[0].code"
    assert f"第 {line_of(text, '- code: t-a')} 行已定义" in message


def test_bad_level_nesting() -> None:
    text = BASE.replace("level: street}", "level: district}").replace("level: district\n", "level: street\n")
    [(line, path, message)] = problems(text)
    assert line == line_of(text, "level: district}")
    assert path == "regions[0].children[0].children[0].level"
    assert "a district cannot be under a street" in message


def test_extra_key_typo() -> None:
    text = BASE.replace("    leaders:", "    lead3rs:")
    [(line, path, message)] = problems(text)
    assert (line, path) == (line_of(text, "lead3rs"), "offices[1].lead3rs")
    assert 'did you mean "leaders"' in message


def test_missing_required_field() -> None:
    text = BASE.replace("  name: 测试市网络问政平台\n", "  timezone: Asia/Shanghai\n")
    assert problems(text) == [(1, "deployment.name", "缺少必填字段 (required field is missing)")]


def test_bad_yaml_syntax() -> None:
    text = BASE.replace("    name: 热线中心", "     name: 热线中心")  # one space too many
    assert problems(text) == [
        (
            line_of(text, "热线中心"),
            "",
            "YAML 语法错误: mapping values are not allowed here (invalid YAML syntax)",
        )
    ]
    text = BASE.replace("level: street}", "level: [street}")
    [(line, path, message)] = problems(text)
    assert path == "" and "YAML" in message
    # the parser notices later but names the line where the open bracket started
    assert f"(line {line_of(text, 'level: [street')})" in message


def test_unknown_kind_in_deadline_rules() -> None:
    text = BASE.replace("kind: 咨询", "kind: 资询")
    [(line, path, message)] = problems(text)
    assert (line, path) == (line_of(text, "kind: 资询"), "deadlines.rules[0].kind")
    assert '"资询"' in message and "'咨询'" in message


def test_every_problem_reported_in_file_line_order() -> None:
    text = (
        BASE.replace("role: dispatcher, office: t-12345", "role: dispatcher")
        .replace("role: leader, region: t", "role: leader")
        .replace("categories: [城乡建设,", "categories: [城建,")
        .replace("days: 5", "days: 0")
    )
    with pytest.raises(DeploymentError) as caught:
        parse_deployment(text, source="demo.yaml")
    lines = str(caught.value).splitlines()
    assert lines == [
        f"demo.yaml:{line_of(text, 'categories:')}: offices[1].categories[0]: " + caught.value.problems[0].message,
        f"demo.yaml:{line_of(text, 'username: d.one')}: users[0].office: "
        '角色 dispatcher 必须指定所属单位 office (role "dispatcher" needs an office)',
        f"demo.yaml:{line_of(text, 'username: boss')}: users[1].region: "
        '角色 leader 必须指定辖区 region (role "leader" needs a region)',
        f"demo.yaml:{line_of(text, 'days: 0')}: deadlines.rules[0].days: 必须大于 0 (must be greater than 0)",
    ]
    assert '未知的分类 "城建"' in lines[0]


def test_user_references_and_dispatcher_office() -> None:
    text = BASE.replace("office: t-12345}", "office: t-zj}").replace("region: t}", "region: t-b}")
    found = problems(text)
    assert [(line, path) for line, path, _ in found] == [
        (line_of(text, "d.one"), "users[0].office"),
        (line_of(text, "username: boss"), "users[1].region"),
    ]
    assert "dispatch office" in found[0][2]


def test_duplicate_yaml_key_is_reported() -> None:
    text = BASE.replace("    dispatch: true\n", "    dispatch: true\n    dispatch: false\n")
    found = problems(text)
    assert found[0][:2] == (line_of(text, "dispatch: false"), "offices[0].dispatch")
    assert "duplicate key" in found[0][2]
    # as YAML says, the last value wins: the hotline is no longer a dispatch office
    assert found[1][:2] == (line_of(text, "d.one"), "users[0].office")


def test_taxonomy_from_csv_relative_to_file(tmp_path: Path) -> None:
    (tmp_path / "cats").mkdir()
    (tmp_path / "cats" / "tax.csv").write_text(
        "一级分类,二级分类,三级分类\n民政,社会救助,低保\n民政,社会救助,特困供养\n城乡建设,其他,其他\n",
        encoding="utf-8",
    )
    deployment = tmp_path / "d.yaml"
    deployment.write_text(
        BASE.replace("deadlines:", "taxonomy: cats/tax.csv\ndeadlines:"),
        encoding="utf-8",
    )
    with pytest.raises(DeploymentError) as caught:
        load_deployment(deployment)
    # the file's taxonomy has no 住房保障与房地产 under 城乡建设
    assert [p.path for p in caught.value.problems] == ["offices[1].categories[1]"]

    deployment.write_text(
        BASE.replace("deadlines:", "taxonomy: cats/tax.csv\ndeadlines:").replace(", 城乡建设/住房保障与房地产", ""),
        encoding="utf-8",
    )
    spec = load_deployment(deployment)
    assert spec.category_paths() == [
        "民政",
        "民政/社会救助",
        "民政/社会救助/低保",
        "民政/社会救助/特困供养",
        "城乡建设",
        "城乡建设/其他",
        "城乡建设/其他/其他",
    ]


def test_inline_taxonomy_and_its_depth_limit() -> None:
    inline = (
        "taxonomy:\n"
        "  - name: 城乡建设\n"
        "    children:\n"
        "      - name: 住房保障与房地产\n"
        "        children:\n"
        "          - name: 物业服务\n"
        "            children: [{name: 太深}]\n"
    )
    text = BASE.replace("deadlines:", inline + "deadlines:")
    [(line, path, message)] = problems(text)
    assert (line, path) == (
        line_of(text, "太深"),
        "taxonomy[0].children[0].children[0].children",
    )
    assert "at most three levels" in message
    spec = parse_deployment(text.replace("\n            children: [{name: 太深}]", ""))
    assert spec.category_paths() == [
        "城乡建设",
        "城乡建设/住房保障与房地产",
        "城乡建设/住房保障与房地产/物业服务",
    ]


def test_deadline_rules_most_specific_wins() -> None:
    spec = load_deployment(DEMO_YAML)
    days = spec.deadlines.days_for
    assert days("卫生计生/医政监管/医疗收费", "求助") == 3  # category + kind
    assert days("卫生计生", "咨询") == 5  # kind only: 咨询
    assert days("城乡建设/住房保障与房地产", "咨询") == 20  # category beats kind
    assert days("交通运输", "投诉") == 15  # default
    assert days(None, "咨询") == 5


def demo_messages() -> list[dict[str, Any]]:
    lines = DEMO_MESSAGES.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_demo_messages_count_and_fields() -> None:
    messages = demo_messages()
    assert len(messages) >= 320
    kinds = {m["kind"] for m in messages}
    assert kinds == set(KINDS)
    assert {m["category"] for m in messages} == SEVEN
    for m in messages:
        assert m["kind"] in KINDS, m["title"]
        assert m["outcome"] in OUTCOMES, m["title"]
        assert 0 <= m["days_ago"] <= 59 and 0 <= m["hour"] <= 23
        assert 0 <= m["supports"] <= 40
        assert isinstance(m["public"], bool)
        if m["outcome"] == "rejected":
            assert m["reject_reason"]
        if m["outcome"] == "transferred":
            assert m["transfer_reason"]
        if m.get("rating"):
            assert 1 <= m["rating"]["score"] <= 5
            assert m["outcome"] in ("closed", "reopened")
        if m["outcome"] == "reopened":
            assert m["rating"]["score"] <= 2


def test_demo_messages_refer_to_the_demo_deployment() -> None:
    spec: DeploymentSpec = load_deployment(DEMO_YAML)
    regions = {r.code for r, _ in spec.iter_regions()}
    offices = {o.code: {leader.title for leader in o.leaders} for o in spec.offices}
    categories = set(spec.category_paths())
    assert {m["region"] for m in demo_messages()} == set(regions)  # every region used
    for m in demo_messages():
        assert m["region"] in regions, m["title"]
        assert m["category"] in categories, m["title"]
        addressee = m["addressee"]
        if addressee is not None:
            assert addressee["office"] in offices, m["title"]
            if "leader" in addressee:
                assert addressee["leader"] in offices[addressee["office"]], m["title"]
