"""``massline accountability --events CSV --out DIR``: the contract other tools rely on."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from massline.analysis.accountability import write_events
from massline.cli.accountability_cmd import register

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts" / "accountability"))
from synthetic import PLANTED, generate  # noqa: E402

RATES = [
    "单位",
    "回访数",
    "响应率",
    "解决率",
    "满意率",
    "综合得分",
    "按时答复率",
    "重办率",
    "期望解决率",
    "漏斗位置",
    "排名",
]
FLAGS = ["单位", "类型", "案件数", "比率", "全体比率", "案件编号", "说明"]


@click.group()
def cli() -> None:
    """Throwaway group for the accountability command."""


register(cli)


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f))


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[list[str]], list[list[str]], object]:
    base = tmp_path_factory.mktemp("acc")
    events, truth = generate(6000, seed=5, plant=True)
    write_events(base / "events.csv", events)
    result = CliRunner().invoke(
        cli, ["accountability", "--events", str(base / "events.csv"), "--out", str(base / "out")]
    )
    assert result.exit_code == 0, result.output
    assert "30 offices" in result.output
    return _read(base / "out" / "office_rates.csv"), _read(base / "out" / "flags.csv"), truth


def test_office_rates_follow_the_contract(outputs: tuple) -> None:
    rates, _, truth = outputs
    assert rates[0] == RATES
    rows = {r[0]: dict(zip(RATES, r, strict=True)) for r in rates[1:]}
    assert len(rows) == 30
    for office, r in rows.items():
        n = truth.followups[office]
        assert int(r["回访数"]) == n
        assert r["解决率"] == f"{truth.solved[office] / n:.4f}"
        assert r["响应率"] == f"{truth.contacted[office] / n:.4f}"
        assert r["满意率"] == f"{truth.satisfaction[office] / n:.4f}"
        score = (
            0.1 * truth.contacted[office] / n + 0.5 * truth.solved[office] / n + 0.4 * truth.satisfaction[office] / n
        )
        assert abs(float(r["综合得分"]) - score) < 0.00006
        assert r["漏斗位置"] in ("高于预期", "正常", "低于预期", "样本不足")
        assert all(len(r[c].split(".")[1]) == 4 for c in ("按时答复率", "重办率", "期望解决率"))
    ranked = sorted((int(r["排名"]), -float(r["综合得分"])) for r in rows.values() if r["排名"])
    assert [s for _, s in ranked] == sorted(s for _, s in ranked)  # 排名 by 综合得分
    assert ranked[0][0] == 1


def test_flags_follow_the_contract(outputs: tuple) -> None:
    _, flags, truth = outputs
    assert flags[0] == FLAGS
    found = {(r[0], r[1]): r for r in flags[1:]}
    for check, office in PLANTED.items():
        row = found[(office, check)]
        cases = row[5].split(" ")
        assert int(row[2]) == len(cases) and truth.planted[check] <= set(cases)
        assert float(row[3]) > float(row[4]) and row[6].startswith(office)


def test_offices_with_too_few_follow_ups_get_no_rank(tmp_path: Path) -> None:
    events, _ = generate(600, seed=2)
    write_events(tmp_path / "e.csv", events)
    args = ["accountability", "--events", str(tmp_path / "e.csv"), "--out", str(tmp_path), "--min-followups", "15"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    for r in _read(tmp_path / "office_rates.csv")[1:]:
        assert (r[10] == "") == (int(r[1]) < 15)
        assert (r[9] == "样本不足") == (int(r[1]) < 15)


@pytest.mark.parametrize(("content", "message"), [
    ("案件编号,时间,事件,单位\n", "第 1 行：表头应为 案件编号,时间,事件,单位,详情"),
    ("案件编号,时间,事件,单位,详情\nA,2026-03-01 09:00:00,提交,,类型=投诉;领域=城建\nA,2026-03-01 10:00:00,派单,甲,期限=十\n",
     "第 3 行：派单的“期限”应为天数（整数），而不是“十”"),
])  # fmt: skip
def test_bad_input_names_the_line_and_writes_nothing(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "e.csv").write_text(content, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["accountability", "--events", str(tmp_path / "e.csv"), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 1
    assert message in result.output
    assert not (tmp_path / "o").exists()
