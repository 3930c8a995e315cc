"""Online interviews through real HTTP: scheduling, questions reviewed and voted on (one vote per
browser), live answers in the polled JSON, the deadline list of questions left after the session."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from massline.models import Interview, InterviewQuestion, Office, SiteSetting
from massline.platform import Platform
from massline.services.publishing import add_working_days
from tests.conftest import PASSWORD
from tests.web_helpers import Browser, login

QUESTION = "老旧小区加装电梯，一楼住户不同意怎么办？"


@pytest.fixture
def jsj(url: str) -> Iterator[Browser]:
    with Browser(url) as b:
        login(b, "jsj.head", PASSWORD)
        yield b


def _local(at: datetime) -> str:
    return at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M")


def _schedule(b: Browser, platform: Platform, starts: datetime, minutes: int = 60) -> int:
    with platform.read() as s:
        office = s.scalar(select(Office).where(Office.code == "cs-jsj"))
        assert office is not None
        office_id, leader_id = office.id, office.leaders[0].id
    data = {"office_id": str(office_id), "leader_id": str(leader_id), "title": "局长谈加装电梯",
            "intro": "欢迎提问。", "starts_at": _local(starts), "ends_at": _local(starts + timedelta(minutes=minutes))}
    r = b.post_form("/staff/publishing/interviews", data, form_page="/staff/publishing")
    assert r.status_code == 303, r.text[:3000]
    return int(r.headers["location"].rsplit("/", 1)[1])


def _ask(b: Browser, interview_id: int, body: str = QUESTION) -> None:
    r = b.post_form(f"/interviews/{interview_id}/questions", {"author_name": "李明", "body": body},
                    form_page=f"/interviews/{interview_id}")  # fmt: skip
    assert r.status_code == 303, r.text[:2000]


def test_questions_votes_and_live_answers(url: str, jsj: Browser, deployed: Platform) -> None:
    interview_id = _schedule(jsj, deployed, deployed.now() + timedelta(hours=1))
    with Browser(url) as alice, Browser(url) as bob:
        _ask(alice, interview_id)
        _ask(bob, interview_id, "补贴多久能发下来？")
        state = alice.get(f"/api/v1/interviews/{interview_id}/live").json()
        assert state["phase"] == "upcoming" and len(state["questions"]) == 2
        first = next(q for q in state["questions"] if q["body"] == QUESTION)
        vote = f"/interviews/{interview_id}/questions/{first['id']}/vote"
        assert alice.post_form(vote, {}, form_page=f"/interviews/{interview_id}").status_code == 303
        page = alice.get(f"/interviews/{interview_id}").text
        assert "您已投票" in page and page.count("投一票</button>") == 1  # the other question's button only
        again = alice.follow(alice.post_form(vote, {}, form_page=f"/interviews/{interview_id}"))
        assert "已经为这个问题投过票" in again.text
        assert bob.post_form(vote, {}, form_page=f"/interviews/{interview_id}").status_code == 303
        state = alice.get(f"/api/v1/interviews/{interview_id}/live").json()
        assert [q["votes"] for q in state["questions"]] == [2, 0] and state["questions"][0]["body"] == QUESTION
        r = jsj.post_form(f"/staff/publishing/questions/{first['id']}/answer", {"answer": "依法协商，街道组织调解。"},
                          form_page=f"/staff/publishing/interviews/{interview_id}")  # fmt: skip
        assert r.status_code == 303
        state = bob.get(f"/api/v1/interviews/{interview_id}/live").json()
        assert state["questions"][0]["answer"] == "依法协商，街道组织调解。"
        assert "依法协商" in bob.get(f"/interviews/{interview_id}").text  # without JS: the page shows it too


def test_pre_moderated_questions_wait_and_bad_ones_are_refused(url: str, jsj: Browser, deployed: Platform) -> None:
    interview_id = _schedule(jsj, deployed, deployed.now() + timedelta(hours=1))
    with deployed.write() as s:
        s.get(SiteSetting, "casework_policy").value = '{"moderation": "pre"}'  # type: ignore[union-attr]
    with Browser(url) as citizen:
        _ask(citizen, interview_id, "电话13912345678，" + QUESTION)
        assert citizen.get(f"/api/v1/interviews/{interview_id}/live").json()["questions"] == []
        desk = jsj.get(f"/staff/publishing/interviews/{interview_id}").text
        assert QUESTION in desk and "13912345678" not in desk and "待审核" in desk
        with deployed.read() as s:
            qid = s.scalar(select(InterviewQuestion.id))
        jsj.post_form(f"/staff/publishing/questions/{qid}/review", {"decision": "publish"},
                      form_page=f"/staff/publishing/interviews/{interview_id}")  # fmt: skip
        assert len(citizen.get(f"/api/v1/interviews/{interview_id}/live").json()["questions"]) == 1
        r = citizen.post_form(f"/interviews/{interview_id}/questions", {"body": "嗯"}, form_page=f"/interviews/{interview_id}")
        assert r.status_code == 422 and "问题至少" in r.text


def test_unanswered_questions_get_a_working_day_deadline_on_the_desk(url: str, jsj: Browser, deployed: Platform) -> None:
    interview_id = _schedule(jsj, deployed, deployed.now() + timedelta(minutes=5))
    with Browser(url) as citizen:
        _ask(citizen, interview_id)
        with deployed.write() as s:  # the session took place and ended
            past = deployed.now() - timedelta(days=10)
            s.execute(update(Interview).values(starts_at=past - timedelta(hours=1), ends_at=past,
                                               answer_by=add_working_days(s, past, 5)))  # fmt: skip
        page = citizen.get(f"/interviews/{interview_id}").text
        assert "已结束" in page and "我要提问" not in page
        r = citizen.post_form(f"/interviews/{interview_id}/questions", {"body": QUESTION})
        assert r.status_code == 409 and "访谈已经结束" in r.text
    desk = jsj.get("/staff/publishing").text
    assert "访谈后待答复的问题（1）" in desk and "已超期" in desk


def test_working_days_skip_the_weekend(deployed: Platform) -> None:
    friday = datetime(2027, 1, 8, 10, 0, tzinfo=UTC)  # a Friday in Beijing too
    with deployed.read() as s:
        assert add_working_days(s, friday, 1) == datetime(2027, 1, 11, 10, 0, tzinfo=UTC)
        assert add_working_days(s, friday, 5) == datetime(2027, 1, 15, 10, 0, tzinfo=UTC)


def test_an_interview_needs_sensible_times(jsj: Browser, deployed: Platform) -> None:
    with deployed.read() as s:
        office_id = s.scalar(select(Office.id).where(Office.code == "cs-jsj"))
    data = {"office_id": str(office_id), "title": "访谈", "starts_at": "2027-01-08T10:00", "ends_at": "2027-01-08T09:00"}
    r = jsj.post_form("/staff/publishing/interviews", data, form_page="/staff/publishing")
    assert r.status_code == 422 and "结束时间须晚于开始时间" in r.text
    r = jsj.post_form("/staff/publishing/interviews", {**data, "starts_at": "明天"}, form_page="/staff/publishing")
    assert r.status_code == 422 and "请填写开始时间" in r.text
    with deployed.read() as s:
        assert s.scalar(select(Interview.id)) is None


def test_a_question_answered_after_the_session_is_sent_to_the_contact_left(
    url: str, jsj: Browser, deployed: Platform
) -> None:
    import json

    from massline.models import Notification

    interview_id = _schedule(jsj, deployed, deployed.now() + timedelta(minutes=5))
    with Browser(url) as citizen:
        bad = citizen.post_form(f"/interviews/{interview_id}/questions", {"body": QUESTION, "contact": "12345"},
                                form_page=f"/interviews/{interview_id}")
        assert bad.status_code == 422 and "手机号码" in bad.text
        for body, contact in ((QUESTION, "139 1234 5678"), ("补贴多久能发下来？", "li@example.com")):
            r = citizen.post_form(f"/interviews/{interview_id}/questions", {"author_name": "李明", "body": body,
                                                                            "contact": contact},
                                  form_page=f"/interviews/{interview_id}")
            assert r.status_code == 303
    with deployed.write() as s:
        questions = {q.public_body: q for q in s.scalars(select(InterviewQuestion))}
        assert b"13912345678" not in (questions[QUESTION].contact_encrypted or b"")  # kept encrypted
        late, live = questions[QUESTION].id, questions["补贴多久能发下来？"].id
        s.execute(update(Interview).values(starts_at=deployed.now() - timedelta(minutes=30),
                                           ends_at=deployed.now() + timedelta(minutes=30)))
    answer = f"/staff/publishing/questions/{live}/answer"
    jsj.post_form(answer, {"answer": "验收后三十日内发放。"}, form_page=f"/staff/publishing/interviews/{interview_id}")
    with deployed.write() as s:  # answered live: nobody is messaged; then the session ends
        s.execute(update(Interview).values(ends_at=deployed.now() - timedelta(minutes=1)))
    jsj.post_form(f"/staff/publishing/questions/{late}/answer", {"answer": "依法协商，街道组织调解。"},
                  form_page=f"/staff/publishing/interviews/{interview_id}")
    with deployed.read() as s:
        rows = s.execute(select(Notification.channel, Notification.purpose)).all()
        kept = s.execute(select(InterviewQuestion.contact_channel, InterviewQuestion.contact_encrypted)).all()
    assert rows == [("sms", "interview_answered")] and kept == [(None, None), (None, None)]  # erased once answered
    assert deployed.notifier(background=False).run_once().sent == 1
    sent = [json.loads(line) for line in (deployed.settings.instance_dir / "outbox" / "sms.jsonl").read_text().splitlines()]
    assert [m["to"] for m in sent] == ["13912345678"]
    assert "局长谈加装电梯" in sent[0]["text"] and f"/interviews/{interview_id}#q{late}" in sent[0]["text"]
