"""Online research over HTTP: workbench pages noted as activity (throttled, never for public pages),
manual entries through the form, who may read a ledger and the yearly report, and
``massline research report``."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from massline.cli import main
from massline.config import Settings, get_settings
from massline.models import AuditLog, ResearchActivity, ResearchEntry, User
from massline.platform import Platform
from tests.conftest import PASSWORD
from tests.web_helpers import Browser, login

NOW = datetime(2026, 5, 10, 2, 0, tzinfo=UTC)


def _runs(p: Platform) -> list[tuple[int, int, int, int]]:
    with p.read() as s:
        rows = s.scalars(select(ResearchActivity).order_by(ResearchActivity.id))
        return [(r.seconds, r.events, r.reading, r.analysis) for r in rows]


def _uid(p: Platform, username: str) -> int:
    with p.read() as s:
        uid = s.scalar(select(User.id).where(User.username == username))
        assert uid is not None
        return uid


def test_workbench_pages_are_noted_as_activity_public_pages_are_not(
    deployed: Platform, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [NOW]
    monkeypatch.setattr(deployed, "now", lambda: clock[0])
    citizen = Browser(url)
    assert citizen.get("/").status_code == 200 and citizen.get("/issues").status_code == 200
    assert _runs(deployed) == []  # nothing for citizens and public pages
    mayor = Browser(url)
    login(mayor, "mayor", PASSWORD)
    assert _runs(deployed) == []  # the login page does not count
    assert mayor.get("/staff").status_code == 200
    assert _runs(deployed) == [(0, 1, 1, 0)]
    clock[0] = NOW + timedelta(seconds=20)
    assert mayor.get("/staff/dashboard").status_code == 200
    assert _runs(deployed) == [(0, 1, 1, 0)]  # within the minute: no write
    clock[0] = NOW + timedelta(minutes=4)
    assert mayor.get("/staff/issues").status_code == 200
    assert _runs(deployed) == [(240, 2, 1, 1)]  # the 4 minutes since the last write count
    assert mayor.get("/staff/password").status_code == 200  # not research
    clock[0] = NOW + timedelta(minutes=30)
    assert mayor.get("/staff/alerts").status_code == 200
    assert _runs(deployed) == [(240, 2, 1, 1), (0, 1, 0, 1)]  # 26 idle minutes: a new run
    page = mayor.get("/staff/research").text
    assert 'id="activity-runs">2<' in page and 'id="activity-hours">0.1<' in page  # (4 + 2 x 1 min) / 60


def test_manual_entries_through_the_form(deployed: Platform, url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deployed, "now", lambda: NOW)
    mayor = Browser(url)
    login(mayor, "mayor", PASSWORD)
    good = {"kind": "field_visit", "title": "城北片区防汛实地调研", "held_on": "2026-05-06", "hours": "16",
            "online": "0", "findings": "两处排水口堵塞，居民反映积水严重。", "outcome": "列入防汛整改清单"}  # fmt: skip
    bad = mayor.post_form("/staff/research/entries", {**good, "hours": "abc", "online": ""}, form_page="/staff/research")
    assert bad.status_code == 422
    assert "时长（小时）须为数字" in bad.text and "网上或线下" in bad.text and "城北片区防汛实地调研" in bad.text
    with deployed.read() as s:
        assert s.scalar(select(ResearchEntry.id)) is None  # nothing half-written
    r = mayor.post_form("/staff/research/entries", good, form_page="/staff/research")
    assert r.status_code == 303 and r.headers["location"] == "/staff/research?year=2026"
    page = mayor.get(r.headers["location"]).text
    assert 'id="offline-days">2.0<' in page and 'id="quota-days">60<' in page and "列入防汛整改清单" in page
    with deployed.read() as s:
        assert s.scalar(select(AuditLog.action).where(AuditLog.object_type == "research_entry")) == "research_entry_added"


def test_who_may_read_a_ledger_and_the_report(deployed: Platform, url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deployed, "now", lambda: NOW)
    leader = _uid(deployed, "dc.leader")
    expected = {"dc.leader": (200, 403), "mayor": (404, 403), "jsj.a": (404, 403), "jsj.head": (404, 403),
                "disp": (404, 403), "sup": (200, 200), "admin": (200, 200)}  # fmt: skip
    for username, (ledger_code, report_code) in expected.items():
        browser = Browser(url)
        login(browser, username, PASSWORD)
        assert browser.get(f"/staff/research/{leader}").status_code == ledger_code, username
        assert browser.get("/staff/research/report?year=2026").status_code == report_code, username
        assert browser.get("/staff/research/report.csv?year=2026").status_code == report_code, username
        assert browser.get("/staff/research").status_code == 200  # one's own ledger
    sup = Browser(url)
    login(sup, "sup", PASSWORD)
    rows = list(csv.reader(io.StringIO(sup.get("/staff/research/report.csv?year=2026").text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["姓名", "账号", "级别"]
    assert {(r[1], r[4]) for r in rows[1:]} == {("mayor", "60"), ("dc.leader", "60")}  # the leaders, their quota


def test_research_report_command(deployed: Platform, settings: Settings, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setenv("MASSLINE_INSTANCE_DIR", str(settings.instance_dir))
    monkeypatch.setenv("MASSLINE_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    result = CliRunner().invoke(main, ["research", "report", "--year", "2026", "--out", str(tmp_path / "out")])
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "2 leaders, 0 met the quota" in result.output
    html = (tmp_path / "out" / "research-2026.html").read_text(encoding="utf-8")
    assert "2026年度领导干部调研情况" in html and "市领导" in html and "<script" not in html
    assert (tmp_path / "out" / "research-2026.csv").read_text(encoding="utf-8").startswith("\ufeff姓名,账号")


def test_ledger_and_entries_over_the_api(deployed: Platform, api, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import token_for

    monkeypatch.setattr(deployed, "now", lambda: NOW)
    mayor, sup, clerk = token_for(api, "mayor"), token_for(api, "sup"), token_for(api, "jsj.a")
    entry = {"kind": "live_qa", "title": "在线答问：学校周边交通", "held_on": "2026-05-08", "hours": 2, "online": True,
             "findings": "家长反映放学时段拥堵。", "outcome": "增设临时停车点"}  # fmt: skip
    r = api.post("/api/v1/research/entries", json={**entry, "kind": "chat", "issue_id": 0}, headers=mayor)
    assert r.status_code == 422 and r.json()["errors"]["issue_id"] == "编号须在 1 到 2147483647 之间"
    r = api.post("/api/v1/research/entries", json={**entry, "kind": "chat"}, headers=mayor)
    assert r.status_code == 422 and r.json()["errors"] == {"kind": "请选择调研方式"}
    r = api.post("/api/v1/research/entries", json=entry, headers=mayor)
    assert r.status_code == 201 and r.json()["kind_label"] == "在线答问" and r.json()["hours"] == 2
    own = api.get("/api/v1/research/ledger", headers=mayor).json()
    assert (own["year"], own["online_days"], own["quota_days"], own["met"]) == (2026, 0.25, 60, False)
    assert [e["title"] for e in own["entries"]] == ["在线答问：学校周边交通"]
    mayor_id = own["user_id"]
    assert api.get(f"/api/v1/research/ledger?user_id={mayor_id}", headers=sup).json()["online_days"] == 0.25
    assert api.get(f"/api/v1/research/ledger?user_id={mayor_id}", headers=clerk).status_code == 404
    assert api.get("/api/v1/research/ledger?year=1999", headers=mayor).status_code == 422
