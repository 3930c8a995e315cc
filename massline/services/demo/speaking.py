"""The demo's offices speaking online: two posts (one with a citizen's comment and the bureau's answer),
a clarification on the demo's 锦绣华庭 parking-space issue that reaches its citizens, and a past online
interview of the executive vice-mayor with one question still to be answered.

The issue is put together here from the replayed messages about 锦绣华庭 (the analysis worker keeps a
message's issue once it has one and refreshes the issue's figures and description), so that the
clarification has an issue to stand on at the first start, before the worker has clustered anything.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from massline.models import Issue, Message, Office, User
from massline.services import publishing

ISSUE_PLACE, ISSUE_WORD = "jz-dc-wc-jx", "锦绣华庭"
ELEVATOR = (
    "一、补贴对象：本市2000年底前建成、未列入拆迁计划的多层住宅。\n"
    "二、补贴标准：每部电梯补贴20万元，由市、区两级财政各承担一半。\n"
    "三、申请流程：业主协商一致后，向所在街道提交申请，区住建部门20个工作日内完成审核。\n"
    "四、咨询电话：12345。"
)  # fmt: skip


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None, username
    return user


def _office(session: Session, code: str) -> Office:
    office = session.scalar(select(Office).where(Office.code == code))
    assert office is not None, code
    return office


def _leader(office: Office, title: str) -> int:
    return next((leader.id for leader in office.leaders if leader.title == title), 0)


def _posts(session: Session, now: datetime) -> None:
    zjj, rsj = _office(session, "jz-zjj"), _office(session, "jz-rsj")
    publishing.check_publish_post(session, _user(session, "zhao.zjj"), zjj.id, publishing.PostInput(
        kind="policy", title="老旧小区加装电梯补贴政策解读", body=ELEVATOR, leader_id=_leader(zjj, "局长"),
    ), now - timedelta(days=6))  # fmt: skip
    post = publishing.check_publish_post(session, _user(session, "liu.rsj"), rsj.id, publishing.PostInput(
        kind="faq", title="社保卡补办、挂失常见问题答问",
        body="问：社保卡丢了怎么办？\n答：拨打12345或登录江州人社公众号即可临时挂失，持身份证到任一合作银行网点补办，当场领卡。",
    ), now - timedelta(days=3))  # fmt: skip
    comment = publishing.check_comment(session, post.id, "陈女士", "补办社保卡要收费吗？老人行动不便能代办吗？",
                                       now - timedelta(days=2))  # fmt: skip
    comment.review_state = "published"
    answer = "补办免收工本费；老人可由家属持双方身份证代办。"
    publishing.check_answer_comment(session, _user(session, "liu.rsj"), comment.id, answer, now - timedelta(days=1))


def _issue(session: Session, now: datetime) -> Issue | None:
    members = session.scalars(
        select(Message).join(Message.region).where(Message.title.contains(ISSUE_WORD), Message.issue_id.is_(None))
        .order_by(Message.created_at)
    ).all()  # fmt: skip
    members = [m for m in members if m.region is not None and m.region.code == ISSUE_PLACE]
    if len(members) < 2:
        return None
    first, last = members[0], members[-1]
    owner = _office(session, "jz-zjj")
    issue = Issue(title="锦绣华庭开发商捆绑销售车位", status="owned", owner_office_id=owner.id,
                  region_id=first.region_id, category_id=first.category_id, message_count=len(members),
                  people_count=len(members), public_count=sum(m.is_public for m in members), heat=0.0, keywords=[],
                  representatives=[], heat_components=[], first_message_at=first.created_at,
                  last_message_at=last.created_at, created_at=now, updated_at=now, dirty=True)  # fmt: skip
    session.add(issue)
    session.flush()
    for message in members:
        message.issue_id = issue.id
    return issue


def _clarification(session: Session, issue: Issue | None, now: datetime) -> None:
    zjj = _office(session, "jz-zjj")
    publishing.check_publish_clarification(session, _user(session, "chen.zjj"), zjj.id, publishing.ClarificationInput(
        title="关于“不买车位就不能交房”说法的澄清",
        claim="网传锦绣华庭业主必须先购买车位，开发商才给交房、办理装修手续。",
        facts="交房和办理装修手续不得以购买车位为条件。我局已约谈开发商江州鸿泰置业，责令其立即停止捆绑销售，"
              "对已被卡交房的业主一周内办理交房。",
        evidence="《商品房销售管理办法》第十八条；我局2026年第37号约谈纪要。",
        signed_by="江州市住房和城乡建设局 局长 张明", issue_id=issue.id if issue else 0,
    ), now - timedelta(hours=20))  # fmt: skip


def _interview(session: Session, now: datetime) -> None:
    gov = _office(session, "jz-gov")
    leader = _user(session, "he.lixin")
    held = (now - timedelta(days=3)).replace(hour=7, minute=0, second=0, microsecond=0)  # 15:00 in 江州
    interview = publishing.check_schedule_interview(session, leader, gov.id, publishing.InterviewInput(
        title="常务副市长谈城市更新与老旧小区改造", intro="欢迎网友就老旧小区改造、加装电梯、停车难等问题提问。",
        starts_at=held, ends_at=held + timedelta(hours=1), leader_id=_leader(gov, "常务副市长"),
    ))  # fmt: skip
    asked = [
        ("王先生", "老旧小区改造会不会增加停车位？我们小区晚上车都停到马路上了。", 23,
         "改造方案里每个小区都要挖潜停车位，今年先做12个试点小区。"),
        ("李女士", "加装电梯一楼住户不同意怎么办？", 17,
         "由街道组织协商调解，我们也在研究对低层住户的补偿办法。"),
        ("市民", "改造期间的施工噪音能不能限定时间？", 6, None),
    ]  # fmt: skip
    for name, body, votes, answer in asked:
        question = publishing.check_ask(session, interview.id, name, body, held - timedelta(days=1))
        question.review_state, question.votes = "published", votes
        if answer:
            publishing.check_answer_question(session, leader, question.id, answer, held + timedelta(minutes=20))


def stage_speaking(session: Session, now: datetime) -> list[str]:
    """Put the demo's posts, clarification and past interview in place; returns what was staged."""
    _posts(session, now)
    issue = _issue(session, now)
    _clarification(session, issue, now)
    _interview(session, now)
    return ["posts", "clarification on an issue" if issue else "clarification", "interview"]



