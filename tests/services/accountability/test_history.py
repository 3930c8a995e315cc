"""The case history as data: import --events and export --events through the CLI on a real database,
and the platform's SQL rates against the rates of its exported history."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from massline.analysis.accountability import Params, analyse, read_events
from massline.cli import main
from massline.config import get_settings
from massline.models import Message, MessageEvent
from massline.platform import Platform
from massline.services import casework
from massline.services.accountability import office_followup_counts, platform_analysis
from massline.services.intake import deployment_timezone

JSJ, RSJ, DC = "测试市住房和城乡建设局", "测试市人力资源和社会保障局", "东城区人民政府"
HEADER = "案件编号,时间,事件,单位,详情"
HISTORY = f"""{HEADER}
H1,2026-03-01 09:00:00,提交,,类型=投诉;领域=城乡建设
H1,2026-03-01 10:00:00,派单,{JSJ},期限=5
H1,2026-03-02 09:00:00,签收,{JSJ},
H1,2026-03-02 12:00:00,转办,{RSJ},期限=5
H1,2026-03-04 12:00:00,签收,{RSJ},
H1,2026-03-06 12:00:00,延期,{RSJ},天数=3
H1,2026-03-09 12:00:00,答复,{RSJ},
H1,2026-03-12 12:00:00,回访,,有效=是;联系=是;解决=否;满意=基本满意
H1,2026-03-12 13:00:00,重办,{RSJ},
H1,2026-03-13 13:00:00,答复,{RSJ},
H1,2026-03-16 12:00:00,回访,,有效=是;联系=否;解决=是;满意=满意
H1,2026-03-16 13:00:00,办结,{RSJ},
H2,2026-03-03 09:00:00,提交,,类型=求助;领域=教育文体
H2,2026-03-03 10:00:00,派单,{DC},期限=10
H2,2026-03-03 11:00:00,签收,{DC},
H2,2026-03-04 11:00:00,改类,{DC},类型=咨询
H2,2026-03-05 11:00:00,答复,{DC},
H2,2026-03-06 11:00:00,回访,,有效=否;联系=否;解决=否;满意=不满意
H2,2026-03-07 11:00:00,回访,,有效=是;联系=是;解决=是;满意=满意
H2,2026-03-07 12:00:00,办结,{DC},
H3,2026-03-05 09:00:00,提交,,类型=咨询;领域=城乡建设
H3,2026-03-05 10:00:00,派单,{JSJ},期限=3
H3,2026-03-05 11:00:00,签收,{JSJ},
H3,2026-03-06 11:00:00,办结,{JSJ},
"""


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, deployed: Platform) -> Iterator[Platform]:
    s = deployed.settings
    monkeypatch.setenv("MASSLINE_INSTANCE_DIR", str(s.instance_dir))
    monkeypatch.setenv("MASSLINE_DATABASE_URL", s.database_url)
    get_settings.cache_clear()
    yield deployed
    get_settings.cache_clear()


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _lines(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [",".join(r) for r in csv.reader(f)]


def test_import_then_export_gives_the_same_history(cli_env: Platform, tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_text(HISTORY, encoding="utf-8")
    result = run("import", "--events", str(tmp_path / "in.csv"))
    assert result.exit_code == 0, result.output
    assert "imported 3 cases with 24 events" in result.output
    assert run("export", "--events", str(tmp_path / "out.csv")).exit_code == 0
    with cli_env.read() as s:
        codes = {eid: code for eid, code in s.execute(select(Message.external_id, Message.tracking_code))}
        assert s.scalar(select(func.count()).where(Message.is_public.is_(True))) == 0
        assert s.scalar(select(Message.status).where(Message.external_id == "H1")) == "closed"
        assert s.scalar(select(Message.kind).where(Message.external_id == "H2")) == "咨询"
        assert s.scalar(select(func.count()).where(MessageEvent.type == "kind_changed")) == 1
    expected = [line for line in HISTORY.strip().splitlines()]
    for case, code in codes.items():
        expected = [f"{code}{line[len(case) :]}" if line.startswith(f"{case},") else line for line in expected]
    assert _lines(tmp_path / "out.csv") == expected
    again = run("import", "--events", str(tmp_path / "in.csv"))
    assert again.exit_code == 1 and "第 2 行：案件“H1”已导入过" in again.output


def test_sql_rates_equal_the_rates_of_the_exported_history(cli_env: Platform, tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_text(HISTORY, encoding="utf-8")
    assert run("import", "--events", str(tmp_path / "in.csv")).exit_code == 0
    assert run("export", "--events", str(tmp_path / "out.csv")).exit_code == 0
    from_file = analyse(read_events(tmp_path / "out.csv"), Params())
    with cli_env.read() as s:
        sql = office_followup_counts(s)
        tz = deployment_timezone(s, cli_env.settings.timezone)
        platform = platform_analysis(s, tz, cli_env.now())
    assert set(sql) == {RSJ, DC}
    assert (sql[RSJ].followups, sql[RSJ].contacted, sql[RSJ].solved) == (2, 1, 1)
    assert (sql[RSJ].satisfied, sql[RSJ].basically_satisfied) == (1, 1)
    for office, counts in sql.items():
        t = from_file.tallies[office]
        assert counts.rates(Params())["满意率"] == pytest.approx(t.satisfaction_rate)
        assert (counts.followups, counts.contacted, counts.solved) == (t.followups, t.contacted, t.solved)
        assert platform.tallies[office].followups == t.followups


@pytest.mark.parametrize(("row", "message"), [
    ("H9,2026-03-01 10:00:00,派单,不存在的局,期限=5", "第 2 行：案件“H9”的第一个事件应为提交，而不是派单"),
    ("H9,2026-03-01 10:00:00,提交,,类型=投诉;领域=城乡建设\nH9,2026-03-01 11:00:00,派单,不存在的局,期限=5",
     "第 3 行：单位“不存在的局”不存在"),
    ("H9,2026-03-01 10:00,提交,,类型=投诉;领域=城乡建设", "第 2 行：时间“2026-03-01 10:00”应为 YYYY-MM-DD HH:MM:SS"),
])  # fmt: skip
def test_a_bad_history_names_its_line_and_writes_nothing(cli_env: Platform, tmp_path: Path, row: str,
                                                         message: str) -> None:  # fmt: skip
    good = "\n".join(HISTORY.strip().splitlines()[1:4])
    (tmp_path / "in.csv").write_text(f"{HEADER}\n{row}\n{good.replace('H1', 'H8')}\n", encoding="utf-8")
    result = run("import", "--events", str(tmp_path / "in.csv"))
    assert result.exit_code == 1 and message in result.output
    with cli_env.read() as s:
        assert s.scalar(select(func.count()).select_from(Message)) == 0


def test_a_callback_records_whether_the_office_made_contact(cli_env: Platform, tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_text("\n".join(HISTORY.strip().splitlines()[:8]) + "\n", encoding="utf-8")
    assert run("import", "--events", str(tmp_path / "in.csv")).exit_code == 0
    with cli_env.write() as s:
        message = s.scalar(select(Message).where(Message.external_id == "H1"))
        assert message is not None and message.status == "replied"
        req = casework.CallbackRequest(reached=True, resolved="已解决", satisfied="满意", contacted=True)
        casework.record_callback(s, None, message, req, cli_env.now())
    assert run("export", "--events", str(tmp_path / "out.csv")).exit_code == 0
    assert _lines(tmp_path / "out.csv")[-2].endswith(",回访,,有效=是;联系=是;解决=是;满意=满意")


def test_the_parsed_history_is_kept_until_an_event_or_the_configuration_changes(cli_env: Platform,
                                                                                tmp_path: Path) -> None:  # fmt: skip
    from massline.services.accountability import history_events
    from massline.services.deployment import deployment_zone
    from massline.services.events import add_event
    from massline.services.routing import config_version

    (tmp_path / "in.csv").write_text(HISTORY, encoding="utf-8")
    assert run("import", "--events", str(tmp_path / "in.csv")).exit_code == 0
    with cli_env.read() as s:
        tz = deployment_zone(s)
        first = history_events(s, tz)
        assert len(first) == 24 and history_events(s, tz) is first  # the same parse, not a second read
    with cli_env.write() as s:
        m = s.scalar(select(Message).where(Message.external_id == "H3"))
        add_event(s, m, "kind_changed", cli_env.now(), public=False, old="咨询", new="建言")
    with cli_env.read() as s:
        second = history_events(s, tz)
        assert second is not first and len(second) == 25 and second[-1].name == "改类"
    from massline.services.deployment.changes import set_setting

    with cli_env.write() as s:
        before = config_version(s)
        set_setting(s, "config_version", "changed")
    with cli_env.read() as s:
        assert before != "changed" and history_events(s, tz) is not second
