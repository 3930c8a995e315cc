"""The research ledger: days from activity (runs with idle gaps, the credit per run), from manual
entries (online and offline), the quota of the leader's level and the hours-to-days conversion."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from massline.models import ResearchActivity, SiteSetting, User
from massline.platform import Platform
from massline.services import research
from massline.services.errors import ValidationFailed
from massline.services.policy import ResearchPolicy, research_policy

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Beijing


def _user(s, username: str) -> User:
    user = s.scalar(select(User).where(User.username == username))
    assert user is not None
    return user


def _note(p: Platform, username: str, minutes: list[float], kind: str = "reading") -> None:
    with p.write() as s:
        uid, policy = _user(s, username).id, research_policy(s)
        for m in minutes:
            research.do_note_activity(s, uid, kind, T0 + timedelta(minutes=m), policy)


def _ledger(p: Platform, username: str, year: int = 2026) -> research.Ledger:
    with p.read() as s:
        return research.ledger(s, _user(s, username), year, research_policy(s), UTC)


def test_activity_counts_gaps_within_the_idle_cutoff_and_a_credit_per_run(deployed: Platform) -> None:
    # run 1: 0, 4, 9 (gaps 4 and 5 minutes) -> 9 min; a 30-minute pause ends it (idle, not counted);
    # run 2: 39, 41 -> 2 min; 11 minutes later (> 10) run 3: an isolated event -> 0 min.
    _note(deployed, "mayor", [0, 4, 9, 39, 41])
    _note(deployed, "mayor", [52], kind="replying")
    with deployed.read() as s:
        runs = list(s.scalars(select(ResearchActivity).order_by(ResearchActivity.id)))
    assert [(r.seconds, r.events) for r in runs] == [(540, 3), (120, 2), (0, 1)]
    assert runs[2].replying == 1 and runs[0].reading == 3
    figures = _ledger(deployed, "mayor")
    # 9 + 2 + 0 minutes, plus 1 minute credit for each of the 3 runs = 14 minutes
    assert figures.activity_runs == 3
    assert figures.activity_hours == pytest.approx(14 / 60)
    assert figures.activity_kinds == {"reading": 5, "analysis": 0, "replying": 1, "meeting": 0}
    assert figures.offline_days == 0 and figures.online_days == pytest.approx(round(14 / 60 / 8, 2))
    assert _ledger(deployed, "mayor", 2025).activity_runs == 0  # another year counts nothing
    assert _ledger(deployed, "dc.leader").activity_runs == 0  # another leader's activity is theirs


def test_entries_count_online_and_offline_toward_one_quota(deployed: Platform) -> None:
    now = datetime(2026, 6, 30, 4, tzinfo=UTC)
    entries = [("field_visit", 8 * 20, False), ("survey", 8 * 5, True), ("live_qa", 12, True)]
    with deployed.write() as s:
        mayor = _user(s, "mayor")
        for kind, hours, online in entries:
            research.check_add_entry(s, mayor, research.EntryInput(
                kind=kind, title="老旧小区加装电梯", held_on=date(2026, 5, 6), hours=min(hours, 24), online=online,
                findings="居民对加装电梯的费用分摊意见不一。", outcome="形成费用分摊指引"), now)  # fmt: skip
    figures = _ledger(deployed, "mayor")
    # 24 h offline (the form caps an entry at 24 h) = 3 days; 24 + 12 h online = 4.5 days
    assert figures.offline_days == 3 and figures.online_days == 4.5 and figures.total_days == 7.5
    assert figures.level == "city_county" and figures.quota_days == 60 and figures.remaining_days == 52.5
    assert not figures.met


def test_quota_of_the_level_and_hours_per_day_come_from_the_deployment(deployed: Platform) -> None:
    policy = ResearchPolicy(provincial_days=2, city_county_days=5, hours_per_day=6)
    with deployed.write() as s:
        s.merge(SiteSetting(key="research_policy", value=policy.model_dump_json()))
        mayor = _user(s, "mayor")
        mayor.research_level = "provincial"
        research.check_add_entry(s, mayor, research.EntryInput(
            kind="field_visit", title="防汛检查", held_on=date(2026, 7, 1), hours=12, online=False,
            findings="堤防有两处渗水，已安排加固。"), datetime(2026, 7, 2, tzinfo=UTC))  # fmt: skip
    figures = _ledger(deployed, "mayor")
    assert figures.level == "provincial" and figures.quota_days == 2
    assert figures.offline_days == 2 and figures.met and figures.remaining_days == 0
    with deployed.read() as s:
        assert research.leader_level(_user(s, "dc.leader")) == "city_county"  # a district: city/county


def test_entry_validation_names_the_field_in_chinese_and_writes_nothing(deployed: Platform) -> None:
    bad = research.EntryInput(kind="party", title="x", held_on=date(2026, 8, 1), hours=2, online=True,
                              findings="了解到一些情况。", message_id=999999)  # fmt: skip
    with pytest.raises(ValidationFailed) as exc, deployed.write() as s:
        research.check_add_entry(s, _user(s, "mayor"), bad, datetime(2026, 7, 2, tzinfo=UTC))
    assert exc.value.errors == {"kind": "请选择调研方式", "held_on": "调研日期不能晚于今天",
                                "message_id": "找不到该留言，或您无权查看"}  # fmt: skip
    with deployed.read() as s:
        assert research.entries_of(s, _user(s, "mayor").id, 2026) == []


@pytest.mark.parametrize(("method", "path", "kind"), [
    ("GET", "/staff", "reading"), ("GET", "/staff/cases/5", "reading"), ("POST", "/staff/cases/5/reply", "replying"),
    ("GET", "/staff/issues/3", "analysis"), ("GET", "/staff/dashboard", "analysis"), ("GET", "/staff/alerts", "analysis"),
    ("GET", "/staff/research", None), ("GET", "/staff/admin/users", None), ("GET", "/staff/password", None),
    ("GET", "/", None), ("GET", "/board", None),
])  # fmt: skip
def test_activity_kinds_of_requests(method: str, path: str, kind: str | None) -> None:
    assert research.activity_kind(method, path) == kind
