"""What the public sees of an issue is read from its public members only, redacted: no personal data,
no word of a private message, no person name among the keywords, figures that count public members
only — on every public surface (``/issues``, ``/issues/{id}``, ``/api/v1/issues``,
``/api/v1/issues/{id}``); officials still see the whole issue. Issues are built by the pipeline, as
the worker runs it."""

from __future__ import annotations

import json

import httpx
import pytest
from sqlalchemy import select

from massline.analysis.issues import without_names
from massline.models import Issue, IssueEvent
from massline.platform import Platform
from tests.conftest import token_for
from tests.services.issues.test_issues import analyse, issue_of, submit

PRIVATE = [
    (
        "阳光花园小区开发商强制捆绑销售车位",
        "我是诸葛建业，诸葛建业的电话13812345678，邮箱zhangsan@example.com，身份证430102199001011234，"
        "东城区阳光花园小区开发商逼诸葛建业买车位，离婚官司还没打完。",
        "诸葛建业",
    ),
    (
        "阳光花园小区捆绑销售车位诸葛建业",
        "诸葛建业再次反映：阳光花园小区开发商强制购买车位，联系13812345678，zhangsan@example.com，离婚官司缠身。",
        "诸葛建业",
    ),
]
PUBLIC = [
    (
        "阳光花园小区捆绑销售车位问题",
        "我是阳光花园小区业主王建国，王建国电话13987654321，邮箱wangjianguo@example.com，"
        "开发商强制我们购买车位，不买就不交钥匙。",
        "王建国",
    ),
    (
        "阳光花园开发商逼业主买车位",
        "阳光花园小区的开发商逼迫业主王建国购买地下车位，这是违法的捆绑销售。身份证110101198001011237",
        "业主乙",
    ),
]
PII = ["13812345678", "zhangsan", "430102199001011234", "13987654321", "wangjianguo", "110101198001011237"]
PRIVATE_WORDS = ["诸葛", "建业", "离婚", "官司"]  # only in private messages
NAMES = ["王建国"]  # a person named in a public message: never a keyword


def seed(p: Platform) -> int:
    private = [submit(p, t, b, a, public=False) for t, b, a in PRIVATE]
    public = [submit(p, t, b, a) for t, b, a in PUBLIC]
    analyse(p)
    issue_id = issue_of(p, public[0].id)
    assert {issue_of(p, m.id) for m in private + public} == {issue_id}  # one issue, as the pipeline built it
    return issue_id


def test_public_issue_surfaces_show_public_redacted_text_and_public_counts(
    deployed: Platform, api: httpx.Client
) -> None:
    issue_id = seed(deployed)
    hot = api.get("/api/v1/issues").json()
    row = next(i for i in hot if i["id"] == issue_id)
    detail = api.get(f"/api/v1/issues/{issue_id}").json()
    surfaces = {
        "/api/v1/issues": json.dumps(hot, ensure_ascii=False),
        "/api/v1/issues/{id}": json.dumps(detail, ensure_ascii=False),
        "/issues": api.get("/issues").text,
        "/issues/{id}": api.get(f"/issues/{issue_id}").text,
    }
    for where, text in surfaces.items():
        for secret in PII + PRIVATE_WORDS:
            assert secret not in text, (where, secret)
    for issue in (row, detail["issue"]):
        fields = json.dumps([issue[k] for k in ("title", "place", "problem", "summary")], ensure_ascii=False)
        assert "阳光花园" in fields  # still a description
        assert not any(n in k for n in NAMES for k in issue["keywords"]), issue["keywords"]
        assert issue["keywords"] and "车位" in "".join(issue["keywords"])
        assert (issue["message_count"], issue["people_count"]) == (2, 2)  # the public members only
        volume = next(c for c in issue["heat"]["components"] if c["name"] == "volume")
        assert volume["raw"] == 2
    assert "2 条留言 · 2 人" in surfaces["/issues/{id}"]

    staff = api.get(f"/api/v1/staff/issues/{issue_id}", headers=token_for(api, "mayor")).json()
    assert (staff["issue"]["message_count"], staff["issue"]["people_count"]) == (4, 3)  # officials: all of it
    assert len(staff["messages"]) == 4


def test_an_issue_of_private_messages_only_is_not_public(deployed: Platform, api: httpx.Client) -> None:
    private = [submit(deployed, t, b, a, public=False) for t, b, a in PRIVATE]
    analyse(deployed)
    issue_id = issue_of(deployed, private[0].id)
    assert api.get(f"/api/v1/issues/{issue_id}").status_code == 404
    assert api.get(f"/issues/{issue_id}").status_code == 404
    assert issue_id not in [i["id"] for i in api.get("/api/v1/issues").json()]
    assert "诸葛" not in api.get("/issues").text


def test_recurrence_through_a_private_message_is_not_told_to_the_public(deployed: Platform) -> None:
    issue_id = seed(deployed)
    with deployed.write() as s:
        issue = s.get(Issue, issue_id)
        assert issue is not None
        issue.status = "resolved"
        issue.resolved_at = deployed.now()
    submit(deployed, *PRIVATE[0][:2], "另一位业主", public=False)
    analyse(deployed)
    with deployed.read() as s:
        events = s.execute(
            select(IssueEvent.is_public).where(IssueEvent.issue_id == issue_id, IssueEvent.type == "recurring")
        ).all()
    assert [tuple(e) for e in events] == [(False,)]


@pytest.mark.parametrize(
    ("keywords", "texts", "names", "kept"),
    [
        (["车位", "诸葛", "建业"], ["我是诸葛建业，开发商强卖车位"], [], ["车位"]),
        (["车位", "王建国"], ["业主王建国反映"], [], ["车位"]),
        (["车位", "zhangsan"], [""], ["zhangsan"], ["车位"]),
    ],
)
def test_keywords_without_person_names(
    keywords: list[str], texts: list[str], names: list[str], kept: list[str]
) -> None:
    assert without_names(keywords, texts, names) == kept
