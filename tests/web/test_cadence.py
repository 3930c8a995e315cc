"""The cadence ledger (issue 15): days since the last published reply per office and official, cases
opened in the workbench and not answered ("read but silent"), the silent threshold, who sees it, and
``massline research digest``."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from massline.cli import main
from massline.config import Settings, get_settings
from massline.models import ResearchCaseView, User
from massline.platform import Platform
from massline.services import research
from massline.services.casework import actions as casework
from massline.services.intake.submit import MessageInput, check_submit
from tests.conftest import PASSWORD
from tests.web_helpers import Browser, login

BODY = "幸福小区3栋电梯坏了一个月没人修，老人上下楼很困难。"


def _case(p: Platform, clerk_name: str, category: str, days_ago: float, *, replied: bool) -> int:
    at = p.now() - timedelta(days=days_ago)
    with p.write() as s:
        m = check_submit(s, p.cipher, MessageInput(title="电梯维修", body=BODY, kind="投诉", region="cs-xc-jf",
                                                   category=category), at - timedelta(hours=6)).message  # fmt: skip
        clerk = s.scalar(select(User).where(User.username == clerk_name))
        casework.do_accept(s, clerk, m, at - timedelta(hours=5))
        if replied:
            casework.check_draft_reply(s, clerk, m, "已安排维保单位维修，电梯已恢复运行。", at)
            casework.do_publish_reply(s, clerk, m, at)
        return m.id


def _views(p: Platform) -> int:
    with p.read() as s:
        return s.scalar(select(func.count()).select_from(ResearchCaseView)) or 0


@pytest.fixture
def cases(deployed: Platform) -> dict[str, int]:
    return {
        "old_reply": _case(deployed, "jsj.a", "城乡建设", 20, replied=True),  # jsj.a and 住建: silent (> 14 days)
        "recent_reply": _case(deployed, "rsj.a", "劳动和社会保障", 3, replied=True),  # 人社: not silent
        "open": _case(deployed, "jsj.a", "城乡建设", 2, replied=False),
    }


def test_read_but_silent_and_days_since_the_last_reply(deployed: Platform, url: str, cases: dict[str, int]) -> None:
    clerk = Browser(url)
    login(clerk, "jsj.a", PASSWORD)
    assert clerk.get(f"/staff/cases/{cases['open']}").status_code == 200
    assert clerk.get(f"/staff/cases/{cases['open']}").status_code == 200  # recorded once
    assert clerk.get(f"/staff/cases/{cases['old_reply']}").status_code == 200  # replied: not silent
    other = Browser(url)
    login(other, "rsj.a", PASSWORD)
    assert other.get(f"/staff/cases/{cases['open']}").status_code == 404  # not readable: not recorded
    assert other.get("/staff/cases/2147483647").status_code == 404
    assert _views(deployed) == 2

    with deployed.read() as s:
        sup = s.scalar(select(User).where(User.username == "sup"))
        offices = {oc.office.code: oc for oc in research.office_cadence(s, sup, deployed.now())}
    jsj, rsj = offices["cs-jsj"], offices["cs-rsj"]
    assert jsj.figures.silent and jsj.figures.days_since_reply == 20 and jsj.figures.replies == 1
    assert jsj.figures.median_hours == 6.0  # arrival to first reply
    assert not rsj.figures.silent and rsj.figures.days_since_reply == 3
    people = {u.username: c for u, c in jsj.officials}
    assert people["jsj.a"].silent and [c.message_id for c in people["jsj.a"].read_but_silent] == [cases["open"]]
    assert people["jsj.b"].days_since_reply is None and people["jsj.b"].silent  # never replied
    assert people["jsj.head"].read_but_silent == []


def test_who_sees_the_cadence(deployed: Platform, url: str, cases: dict[str, int]) -> None:
    expected = {"jsj.head": 200, "sup": 200, "admin": 200, "jsj.a": 403, "mayor": 403, "disp": 403}
    pages = {}
    for username, code in expected.items():
        browser = Browser(url)
        login(browser, username, PASSWORD)
        r = browser.get("/staff/research/cadence")
        assert r.status_code == code, username
        pages[username] = r.text
    assert "住房和城乡建设局" in pages["jsj.head"] and "人力资源" not in pages["jsj.head"]  # an office head: their office
    assert "住房和城乡建设局" in pages["sup"] and "人力资源" in pages["sup"] and "12345热线" not in pages["sup"]


def test_weekly_digest_command(cli_env: Platform, cases: dict[str, int]) -> None:
    result = CliRunner().invoke(main, ["research", "digest"], catch_exceptions=False)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].startswith("网上答复节奏周报") and "14 天未答复列为沉默" in lines[0]
    assert any(line.startswith("【沉默】") and "20 天前最后答复" in line for line in lines)
    assert any("人力资源" in line and not line.startswith("【沉默】") and "3 天前最后答复" in line for line in lines)


def test_weekly_digest_is_mailed(cli_env: Platform, cases: dict[str, int], settings: Settings) -> None:
    mailbox = settings.instance_dir / "outbox" / "mail.jsonl"
    bad = CliRunner().invoke(main, ["research", "digest", "--mail-to", "head@example.cn", "--mail-to", "nobody"])
    assert bad.exit_code == 2 and "邮箱地址有误" in bad.output and "nobody" in bad.output
    assert not mailbox.exists()  # nothing sent when one address is wrong
    result = CliRunner().invoke(main, ["research", "digest", "--mail-to", "head@example.cn", "--mail-to",
                                       "sup@example.cn"], catch_exceptions=False)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "mailed: head@example.cn" in result.output and "【沉默】" not in result.output  # mailed, not printed
    mails = [json.loads(line) for line in mailbox.read_text(encoding="utf-8").splitlines()]
    assert [m["to"] for m in mails] == ["head@example.cn", "sup@example.cn"]
    assert all(m["subject"].startswith("网上答复节奏周报（") for m in mails)
    assert mails[0]["body"].startswith("网上答复节奏周报") and "【沉默】" in mails[0]["body"]


@pytest.fixture
def cli_env(deployed: Platform, monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Platform:
    monkeypatch.setenv("MASSLINE_INSTANCE_DIR", str(settings.instance_dir))
    monkeypatch.setenv("MASSLINE_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    yield deployed
    get_settings.cache_clear()


def test_publishing_and_answering_count_as_speaking_in_the_cadence_ledger(
    deployed: Platform, cases: dict[str, int]
) -> None:
    from massline.models import Office
    from massline.services import publishing

    now = deployed.now()
    with deployed.write() as s:
        sup = s.scalar(select(User).where(User.username == "sup"))
        clerk = s.scalar(select(User).where(User.username == "jsj.a"))
        office = s.scalar(select(Office).where(Office.code == "cs-jsj"))
        assert sup is not None and clerk is not None and office is not None
        before = {oc.office.code: oc for oc in research.office_cadence(s, sup, now)}["cs-jsj"]
        assert before.figures.silent and dict((u.username, c.silent) for u, c in before.officials)["jsj.a"]
        ends = now - timedelta(days=3)  # an interview three days ago; a question answered yesterday
        interview = publishing.check_schedule_interview(s, clerk, office.id, publishing.InterviewInput(
            title="加装电梯在线访谈", starts_at=ends - timedelta(hours=1), ends_at=ends))
        question = publishing.check_ask(s, interview.id, "居民", "老旧小区加装电梯的补贴什么时候发放？", ends - timedelta(hours=2))
        publishing.check_answer_question(s, clerk, question.id, "补贴在验收后三十日内发放到位。", now - timedelta(days=1))
    with deployed.read() as s:
        after = {oc.office.code: oc for oc in research.office_cadence(s, sup, now)}["cs-jsj"]
        spoken = publishing.last_activity(s)
        _, silent = publishing.silent_accounts(s, sup, now)
    assert not after.figures.silent and after.figures.days_since_reply == 1  # the interview answer counts
    officials = {u.username: c for u, c in after.officials}
    assert not officials["jsj.a"].silent and officials["jsj.a"].days_since_reply == 1
    assert spoken[("official", clerk.id)] == spoken[("office", office.id)]  # one notion for both lists
    assert ("office", office.id) not in {(r.kind, r.id) for r in silent}
