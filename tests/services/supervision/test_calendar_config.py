"""The deployment's ``calendar:`` (public holidays, adjusted working days) in the supervision deadlines and
the interviews' answer period; the ``supervision:`` section's office codes checked when the file loads."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from massline.cli import main
from massline.config import Settings, get_settings
from massline.io.deployment_yaml import DeploymentError, load_deployment, parse_deployment
from massline.models import SiteSetting, SupervisionReport
from massline.platform import Platform
from massline.services.deployment import check_apply_deployment
from massline.services.policy import CalendarPolicy, calendar_policy
from massline.services.publishing import add_working_days
from massline.services.supervision import check_file_report
from massline.services.supervision.filing import ReportInput
from tests.supervision_helpers import deploy_supervision

DATA = Path(__file__).parents[2] / "data"
SUPERVISION = (DATA / "supervision.yaml").read_text(encoding="utf-8")
# 2026: National Day, Thursday 1 October to Wednesday 7 October off; Saturday 10 October worked (调休)
CALENDAR = """
calendar:
  holidays: [2026-10-01, 2026-10-02, 2026-10-05, 2026-10-06, 2026-10-07]
  workdays: [2026-10-10]
"""


def test_the_calendar_counts_holidays_and_adjusted_working_days() -> None:
    cal = load_deployment(DATA / "mini.yaml").calendar
    assert cal == CalendarPolicy() and cal.working_day_after(date(2026, 9, 30), 1) == date(2026, 10, 1)
    cal = parse_deployment(SUPERVISION + CALENDAR, "supervision.yaml").calendar
    assert cal.working_day_after(date(2026, 9, 30), 1) == date(2026, 10, 8)  # Thursday after the holiday
    assert cal.working_day_after(date(2026, 9, 30), 3) == date(2026, 10, 10)  # the Saturday worked
    assert cal.working_day_after(date(2026, 9, 30), 4) == date(2026, 10, 12)
    with pytest.raises(DeploymentError, match="2026-10-10 不能既是节假日又是调休工作日"):
        parse_deployment(SUPERVISION + CALENDAR.replace("2026-10-07]", "2026-10-07, 2026-10-10]"), "s.yaml")
    with pytest.raises(DeploymentError, match="calendar"):
        parse_deployment(SUPERVISION + "calendar:\n  holidays: [国庆节]\n", "s.yaml")


def test_supervision_deadlines_and_interview_answers_skip_the_holiday(platform: Platform) -> None:
    deploy_supervision(platform)
    with platform.write() as s:
        check_apply_deployment(s, parse_deployment(SUPERVISION + CALENDAR, "supervision.yaml"),
                               passwords=platform.passwords)
        assert calendar_policy(s).holidays[0] == date(2026, 10, 1)
        before = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in China, the day before
        check_file_report(s, ReportInput(accused_office="cs-jsj", body="某局工作人员在审批中索要好处费，拖延办理。"),
                          before)
        report = s.scalar(select(SupervisionReport))
        assert report is not None
        # 5 working days: 8, 9, 10 (Saturday worked), 12, 13 October — not 1 to 7 October
        assert report.accept_due.astimezone(UTC) == datetime(2026, 10, 13, 15, 59, 59, tzinfo=UTC)
        assert add_working_days(s, before, 1) == datetime(2026, 10, 8, 2, 0, tzinfo=UTC)


def test_unknown_supervision_offices_are_named_and_nothing_is_applied(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, tmp_path: Path, platform: Platform
) -> None:
    bad = SUPERVISION.replace("- {office: cs-dc-jw}", "- {office: cs-dc-jwx}\n    - {office: cs-jw, offices: [cs-jsjj], regions: [nowhere]}")
    with pytest.raises(DeploymentError) as caught:
        parse_deployment(bad, "supervision.yaml")
    text = str(caught.value)
    assert '未知的单位代码 "cs-dc-jwx"' in text and "cs-dc-jw" in text  # named, with the likely meant code
    assert '未知的单位代码 "cs-jsjj"' in text and '未知的辖区代码 "nowhere"' in text
    file = tmp_path / "bad.yaml"
    file.write_text(bad, encoding="utf-8")
    monkeypatch.setenv("MASSLINE_INSTANCE_DIR", str(settings.instance_dir))
    monkeypatch.setenv("MASSLINE_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(main, ["config", "load", str(file)])
    finally:
        get_settings.cache_clear()
    assert result.exit_code != 0 and "cs-dc-jwx" in result.output
    with platform.read() as s:
        assert s.get(SiteSetting, "supervision_policy") is None  # nothing applied
