"""Issues in the platform: discovery by the pipeline, merge/split surviving rebuilds, acting on an
issue (own, reply to all, commitments, resolve, recurrence, rating), heat components and alerts —
on a real database (mini deployment), through the services, the HTTP API and the CLI."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from massline.cli import main
from massline.config import get_settings
from massline.models import Alert, Issue, IssuePlaceAlias, Message, User
from massline.platform import Platform
from massline.services import alerts, pipeline
from massline.services.casework import feedback
from massline.services.intake.submit import MessageInput, Submitted, check_submit
from massline.services.issues import decisions as issue_decisions
from massline.services.issues import rebuild as issue_rebuild
from massline.services.issues import step as issues
from tests.conftest import token_for

# the same problem (a developer forcing flat buyers to buy a parking space) in two compounds,
# and a second problem in the first compound
PARKING_DC = [
    (
        "阳光花园小区开发商强制捆绑销售车位",
        "东城区阳光花园小区开发商要求业主买房必须同时购买车位，否则不给交房，请相关部门查处。",
    ),
    ("阳光花园小区捆绑销售车位问题", "我是阳光花园小区业主，开发商强制我们购买车位，一个车位十几万，不买就不交钥匙。"),
    ("阳光花园开发商逼业主买车位", "阳光花园小区的开发商逼迫业主购买地下车位，这是违法的捆绑销售。"),
]
PARKING_XC = (
    "幸福家园小区开发商强制捆绑销售车位",
    "西城区幸福家园小区开发商要求业主买房必须购买车位，否则不交房，希望查处。",
)
NOISE_DC = ("阳光花园小区夜间施工噪音扰民", "东城区阳光花园小区旁边工地每天晚上施工到凌晨，噪音太大，严重影响休息。")
GAS = ("楼道煤气味", "东城区和平街道阳光社区三栋楼道里有很浓的煤气味，请马上派人来处理，谢谢。")


def submit(p: Platform, title: str, body: str, author: str, region: str = "cs-dc", public: bool = True) -> Submitted:
    with p.write() as s:
        data = MessageInput(title=title, body=body, kind="投诉", region=region, category="城乡建设",
                            author_name=author, is_public=public)  # fmt: skip
        return check_submit(s, p.cipher, data, p.now())


def analyse(p: Platform) -> pipeline.PipelineReport:
    with p.write() as s:
        return pipeline.run_pipeline(s, pipeline.analysis_context(s, model_path=None), p.plugins.steps())


def issue_of(p: Platform, message_id: int) -> int:
    with p.read() as s:
        issue_id = s.scalar(select(Message.issue_id).where(Message.id == message_id))
    assert issue_id is not None
    return issue_id


def parking(p: Platform) -> tuple[list[Submitted], Submitted, Submitted]:
    """Three parking messages in 阳光花园 (东城区), one in 幸福家园 (西城区), one noise message in 阳光花园."""
    dc = [submit(p, t, b, f"业主{i}") for i, (t, b) in enumerate(PARKING_DC)]
    xc = submit(p, *PARKING_XC, "业主X", region="cs-xc")
    noise = submit(p, *NOISE_DC, "业主N")
    analyse(p)
    return dc, xc, noise


@pytest.fixture
def cli_env(deployed: Platform, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    s = deployed.settings
    monkeypatch.setenv("MASSLINE_DATABASE_URL", s.database_url)
    monkeypatch.setenv("MASSLINE_INSTANCE_DIR", str(s.instance_dir))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_same_problem_same_place_is_one_issue(deployed: Platform) -> None:
    dc, xc, noise = parking(deployed)
    first = issue_of(deployed, dc[0].id)
    assert [issue_of(deployed, m.id) for m in dc] == [first] * 3
    assert issue_of(deployed, xc.id) not in (first, issue_of(deployed, noise.id))  # another compound
    assert issue_of(deployed, noise.id) != first  # same compound, another problem
    with deployed.read() as s:
        issue = s.get(Issue, first)
        assert issue is not None
        assert issue.message_count == 3 and issue.people_count == 3 and issue.public_count == 3
        assert "阳光花园" in issue.title and "车位" in issue.title and "车位" in issue.keywords
        names = [c["name"] for c in issue.heat_components]
        assert names == ["volume", "people", "support", "opposition", "recency", "growth"]
        assert issue.heat == pytest.approx(sum(c["contribution"] for c in issue.heat_components), abs=1e-3)
        assert issue.region is not None and issue.region.code == "cs-dc"


def test_merge_and_split_survive_rebuild_and_ids_are_kept(deployed: Platform) -> None:
    dc, xc, noise = parking(deployed)
    parking_id, xc_id, noise_id = issue_of(deployed, dc[0].id), issue_of(deployed, xc.id), issue_of(deployed, noise.id)
    with deployed.write() as s:
        plan = issue_rebuild.plan_rebuild(s)
        report = issue_rebuild.apply_rebuild(s, plan, deployed.now())
    assert report.issues == 3 and sorted(report.kept_ids) == sorted([parking_id, xc_id, noise_id])
    assert issue_of(deployed, dc[2].id) == parking_id  # unchanged issues keep their ids

    with deployed.write() as s:
        disp = s.scalar(select(User).where(User.username == "disp"))
        assert disp is not None
        new = issue_decisions.check_split(s, disp, parking_id, [dc[2].id], "另一期楼盘", deployed.now())
        issue_decisions.check_merge(s, disp, xc_id, noise_id, "同一开发商", deployed.now())
        split_id = new.id
    with deployed.read() as s:
        merged = s.get(Issue, noise_id)
        assert merged is not None and merged.status == "merged" and merged.merged_into_id == xc_id
    assert issue_of(deployed, dc[2].id) == split_id and issue_of(deployed, noise.id) == xc_id

    with deployed.write() as s:
        report = issue_rebuild.apply_rebuild(s, issue_rebuild.plan_rebuild(s), deployed.now())
    assert report.decisions == 2
    assert issue_of(deployed, dc[2].id) == split_id != issue_of(deployed, dc[0].id) == parking_id
    assert issue_of(deployed, noise.id) == issue_of(deployed, xc.id) == xc_id


def test_new_message_joins_incrementally_and_reopens_resolved_issue(deployed: Platform, api: httpx.Client) -> None:
    dc, _, _ = parking(deployed)
    issue_id = issue_of(deployed, dc[0].id)
    h = token_for(api, "dc.a")
    assert (
        api.post(f"/api/v1/staff/issues/{issue_id}/resolve", json={"note": "已处理完毕"}, headers=h).status_code == 403
    )  # not owned: only the owner acts
    assert api.post(f"/api/v1/staff/issues/{issue_id}/own", json={}, headers=h).status_code == 200
    r = api.post(f"/api/v1/staff/issues/{issue_id}/resolve", json={"note": "开发商已整改，不再捆绑销售"}, headers=h)
    assert r.status_code == 200 and r.json()["issue"]["status"] == "resolved"

    late = submit(
        deployed,
        "阳光花园小区开发商又在捆绑卖车位",
        "阳光花园小区开发商仍然强制业主购买车位，不买不交房，问题又出现了。",
        "业主9",
    )
    analyse(deployed)
    assert issue_of(deployed, late.id) == issue_id
    detail = api.get(f"/api/v1/staff/issues/{issue_id}", headers=h).json()
    assert detail["issue"]["recurring"] is True and detail["issue"]["recurrence_count"] == 1
    assert detail["issue"]["status"] == "in_progress" and detail["issue"]["message_count"] == 4
    public = api.get(f"/api/v1/issues/{issue_id}").json()
    assert [e["type"] for e in public["history"]][-1] == "recurring"


def test_reply_to_all_commitments_and_rating(deployed: Platform, api: httpx.Client) -> None:
    dc, _, _ = parking(deployed)
    issue_id = issue_of(deployed, dc[0].id)
    h = token_for(api, "dc.a")
    other = token_for(api, "jsj.a")  # reads no message of this issue
    assert api.post(f"/api/v1/staff/issues/{issue_id}/own", json={}, headers=other).status_code == 404
    assert api.post(f"/api/v1/staff/issues/{issue_id}/own", json={}, headers=h).status_code == 200
    assert api.post(f"/api/v1/staff/issues/{issue_id}/own", json={}, headers=h).status_code == 409
    rate = {"tracking_code": dc[0].tracking_code, "secret": dc[0].secret, "score": 4}
    assert api.post(f"/api/v1/issues/{issue_id}/rate", json=rate).status_code == 409  # nothing done yet

    answer = "经核查，开发商捆绑销售车位违反规定，已责令其停止，业主可自愿选择是否购买车位。"
    r = api.post(f"/api/v1/staff/issues/{issue_id}/reply", json={"body": answer}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["issue"]["status"] == "in_progress" and r.json()["replies"][0]["messages"] == 3
    for m in dc:  # each citizen sees the reply on their own message, with the case history
        page = api.get(f"/api/v1/messages/{m.id}").json()
        assert page["reply"]["body"] == answer and page["status"] == "replied"
        assert "replied" in [e["type"] for e in page["history"]]

    r = api.post(f"/api/v1/staff/issues/{issue_id}/commit",
                 json={"text": "约谈开发商并督促退还车位款", "due_date": "2030-01-31"}, headers=h)  # fmt: skip
    commitment = r.json()["commitments"][0]
    assert commitment["progress"] == 0 and commitment["status"] == "planned"
    for pct, status in ((40, "in_progress"), (100, "done")):
        r = api.post(f"/api/v1/staff/issues/{issue_id}/update_commitment",
                     json={"commitment_id": commitment["id"], "progress": pct, "note": f"完成{pct}%"}, headers=h)  # fmt: skip
        assert r.status_code == 200 and r.json()["commitments"][0]["status"] == status
    assert api.post(f"/api/v1/staff/issues/{issue_id}/update_commitment",
                    json={"commitment_id": commitment["id"], "progress": 50}, headers=h).status_code == 409  # fmt: skip
    public = api.get(f"/api/v1/issues/{issue_id}").json()
    assert [u["progress"] for u in public["commitments"][0]["updates"]] == [40, 100]

    assert api.post(f"/api/v1/issues/{issue_id}/rate", json=rate).json() == {"count": 1, "average": 4.0}
    assert api.post(f"/api/v1/issues/{issue_id}/rate", json=rate).status_code == 409  # once per message
    wrong = {**rate, "secret": "not-the-secret"}
    assert api.post(f"/api/v1/issues/{issue_id}/rate", json=wrong).status_code == 404


def test_public_issue_shows_only_public_messages(deployed: Platform, api: httpx.Client) -> None:
    private = submit(deployed, *PARKING_DC[0], "业主P", public=False)
    analyse(deployed)
    issue_id = issue_of(deployed, private.id)
    assert api.get(f"/api/v1/issues/{issue_id}").status_code == 404  # no public message yet
    assert issue_id not in [i["id"] for i in api.get("/api/v1/issues").json()]
    public = submit(deployed, *PARKING_DC[1], "业主Q")
    analyse(deployed)
    assert issue_of(deployed, public.id) == issue_id
    body = api.get(f"/api/v1/issues/{issue_id}").json()
    assert [m["id"] for m in body["messages"]] == [public.id]
    hot = api.get("/api/v1/issues").json()
    row = next(i for i in hot if i["id"] == issue_id)
    assert {c["name"] for c in row["heat"]["components"]} >= {"volume", "people", "recency", "growth"}


def test_burst_raises_one_alert_updated_by_repeated_triggers(deployed: Platform, api: httpx.Client) -> None:
    for i in range(5):
        submit(deployed, f"阳光花园小区开发商强制捆绑销售车位{i}", PARKING_DC[i % 3][1], f"业主{i}")
    analyse(deployed)
    with deployed.read() as s:
        rows = s.scalars(select(Alert).where(Alert.kind == "burst_issue")).all()
        assert len(rows) == 1 and rows[0].trigger_count == 1
        assert rows[0].evidence["current"] == 5 and rows[0].evidence["ratio"] >= 3
        assert "留言激增：近 1 天 5 条，此前日均 0.5 条" in rows[0].title
    submit(deployed, "阳光花园开发商逼业主买车位", PARKING_DC[2][1] + "再次反映。", "业主9")
    analyse(deployed)
    with deployed.read() as s:
        alert = s.scalars(select(Alert).where(Alert.kind == "burst_issue")).one()
        assert alert.trigger_count == 2 and alert.evidence["current"] == 6
        office_id = alert.office_id
    with deployed.write() as s:  # the category and region scan raises its own alerts, once each
        alerts.scan(s, deployed.now())
        alerts.scan(s, deployed.now())
        counts = {k: n for k, n in s.execute(select(Alert.kind, func.count()).group_by(Alert.kind))}
        assert counts["burst_region"] >= 1 and counts["burst_category"] == 1
        assert s.scalar(select(Alert.trigger_count).where(Alert.kind == "burst_category")) == 2

    h = token_for(api, "dc.a")  # 东城区人民政府 handles these messages
    with deployed.read() as s:
        assert s.scalar(select(User.office_id).where(User.username == "dc.a")) == office_id
    mine = api.get("/api/v1/alerts", headers=h).json()
    assert alert.id in [a["id"] for a in mine]
    r = api.post(f"/api/v1/alerts/{alert.id}/acknowledge", json={"note": "已安排核查"}, headers=h)
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    r = api.post(f"/api/v1/alerts/{alert.id}/resolve", json={}, headers=h)
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    submit(deployed, "阳光花园开发商捆绑车位", PARKING_DC[0][1] + "还在继续。", "业主10")
    analyse(deployed)  # after resolution a new trigger opens a new alert
    with deployed.read() as s:
        assert s.scalar(select(func.count()).select_from(Alert).where(Alert.kind == "burst_issue")) == 2


def test_urgent_new_issue_alert_and_alert_access(deployed: Platform, api: httpx.Client) -> None:
    gas = submit(deployed, *GAS, "居民甲")
    analyse(deployed)
    with deployed.read() as s:
        alert = s.scalars(select(Alert).where(Alert.kind == "urgent_new_issue")).one()
        assert alert.issue_id == issue_of(deployed, gas.id)
        assert alert.evidence["messages"][0]["message"] == gas.id and alert.evidence["messages"][0]["level"] == "urgent"
        label = alert.evidence["messages"][0]["label"]  # the title and reason are composed in Chinese
        assert alert.title.startswith("新问题") and f"含紧急风险信号：{label}（1 条紧急留言）" in alert.title
        assert alert.evidence["reason"] == f"{label}（1 条紧急留言）" and "urgent" not in alert.title
    dc, rsj, sup = token_for(api, "dc.a"), token_for(api, "rsj.a"), token_for(api, "sup")
    assert api.get(f"/api/v1/alerts/{alert.id}", headers=dc).status_code == 200
    assert api.get(f"/api/v1/alerts/{alert.id}", headers=sup).status_code == 200
    hidden = api.get(f"/api/v1/alerts/{alert.id}", headers=rsj)
    missing = api.get("/api/v1/alerts/999999", headers=rsj)
    assert hidden.status_code == missing.status_code == 404 and hidden.json() == missing.json()
    assert api.get("/api/v1/alerts", headers=rsj).json() == []
    assert api.post(f"/api/v1/alerts/{alert.id}/acknowledge", json={}, headers=rsj).status_code == 404
    assert api.post(f"/api/v1/alerts/{alert.id}/acknowledge", json={}, headers=sup).status_code == 403
    assert api.get(f"/api/v1/staff/issues/{alert.issue_id}", headers=rsj).status_code == 404
    assert [i["id"] for i in api.get("/api/v1/staff/issues", headers=rsj).json()["items"]] == []
    assert alert.issue_id in [i["id"] for i in api.get("/api/v1/staff/issues", headers=dc).json()["items"]]


def test_cli_issues_and_alerts(deployed: Platform, cli_env: None) -> None:
    parking(deployed)
    runner = CliRunner()
    result = runner.invoke(main, ["issues", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "rebuilt 3 issues from 5 messages" in result.output and "3 kept their id" in result.output
    result = runner.invoke(main, ["issues", "list", "--top", "2"])
    assert result.exit_code == 0 and len(result.output.strip().splitlines()) == 3
    assert "阳光花园" in result.output.splitlines()[1]
    result = runner.invoke(main, ["alerts", "scan"])
    assert result.exit_code == 0 and "scanned 5 recent messages" in result.output
    assert runner.invoke(main, ["alerts", "list"]).exit_code == 0


def test_opposition_reaches_the_issue_and_its_heat(deployed: Platform) -> None:
    dc, _, _ = parking(deployed)
    issue_id = issue_of(deployed, dc[0].id)
    with deployed.write() as s:
        for i, message_id in enumerate((dc[0].id, dc[1].id)):
            message = s.get(Message, message_id)
            assert message is not None
            feedback.check_support(s, message, f"citizen-{i}", deployed.now(), stance="oppose")
        issue = s.get(Issue, issue_id)
        assert issue is not None
        issues.refresh_issue(s, issue, deployed.now())
        assert issue.opposition_count == 2
        opposition = next(c for c in issue.heat_components if c["name"] == "opposition")
        assert opposition["raw"] == 2
    with deployed.write() as s:  # a batch rebuild counts it the same way
        issue_rebuild.apply_rebuild(s, issue_rebuild.plan_rebuild(s), deployed.now())
    with deployed.read() as s:
        issue = s.get(Issue, issue_id)
        assert issue is not None and issue.opposition_count == 2


DEVELOPER = [
    ("阳光花园小区开发商捆绑销售车位", "阳光花园的开发商宏达集团要求业主买房必须同时购买车位，不买车位不给交房。"),
    ("阳光花园业主被逼买车位", "阳光花园小区开发商宏达集团强制捆绑销售车位，一个车位十几万。"),
    ("阳光花园强制买车位才交房", "阳光花园小区业主反映：宏达集团不买车位就不交钥匙，属于捆绑销售车位。"),
    ("宏达集团捆绑销售车位", "宏达集团开发的楼盘强制业主购买车位，否则不给交房，请查处。"),
]


def test_incremental_assignment_uses_aliases_learnt_by_the_rebuild(deployed: Platform) -> None:
    first = [submit(deployed, t, b, f"业主{i}") for i, (t, b) in enumerate(DEVELOPER)]
    analyse(deployed)
    with deployed.write() as s:  # the batch learns that 宏达集团 is another name of 阳光花园 (the developer)
        issue_rebuild.apply_rebuild(s, issue_rebuild.plan_rebuild(s), deployed.now())
        aliases = {(a, p) for a, p in s.execute(select(IssuePlaceAlias.alias_key, IssuePlaceAlias.place_key))}
    assert ("宏达集团", "阳光花园") in aliases
    parking = issue_of(deployed, first[0].id)
    assert {issue_of(deployed, m.id) for m in first} == {parking}
    # a new message naming only the developer joins the compound's issue, one message at a time
    late = submit(deployed, "宏达集团强制业主购买车位才交房", "宏达集团不买车位不给交房，捆绑销售车位。", "业主9")
    analyse(deployed)
    assert issue_of(deployed, late.id) == parking


def test_messages_sent_without_a_name_are_different_people(deployed: Platform, api: httpx.Client) -> None:
    """Intake stores 匿名网友 for a message without a name; each such message is a person of its own
    in the issue's figures, its heat and its public figures, and 匿名网友 is shown as it is."""
    first = submit(deployed, *PARKING_DC[0], "")
    for title, body in PARKING_DC[1:]:
        submit(deployed, title, body, "")
    submit(deployed, PARKING_DC[0][0], PARKING_DC[0][1] + "再次反映。", "王建国")
    analyse(deployed)
    with deployed.read() as s:
        issue = s.get(Issue, issue_of(deployed, first.id))
        assert issue is not None and issue.message_count == 4
        authors = set(s.scalars(select(Message.author_name).where(Message.issue_id == issue.id)))
    assert authors == {"匿名网友", "王建国"}
    assert issue.people_count == 4  # three anonymous messages and one named author
    people = next(c for c in issue.heat_components if c["name"] == "people")
    assert people["raw"] == 4
    public = api.get(f"/api/v1/issues/{issue.id}").json()
    assert public["issue"]["people_count"] == 4  # the public figures count the same way
    assert {m["author"] for m in public["messages"]} == {"匿名网友", "王*国"}  # the placeholder is not masked
