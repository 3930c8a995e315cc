"""The rules of ``services.access``, one place for "may this user do or see this": the case actions
allowed per role and state, the rating rule, the dispatch queue, extensions, alerts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from massline.models import Alert, Message, Rating, Reply, User
from massline.platform import Platform
from massline.services import access
from massline.services import casework as cases
from massline.services.errors import Forbidden, NotFound

OFFICE = 7
T0 = datetime(2026, 3, 1, tzinfo=UTC)


def _user(role: str, office_id: int | None = OFFICE, active: bool = True) -> User:
    return User(username=role, role=role, office_id=office_id, is_active=active)


def _message(status: str, office_id: int | None = OFFICE) -> Message:
    return Message(status=status, office_id=office_id)


# role, status -> the actions offered, in the pages' order
# (by role and state only: the deployment's policy then picks between publish / submit_reply and
# transfer / request_transfer on the case page, casework.approvals.offered)
ALLOWED = [
    ("official", "assigned", ["accept", "assign", "transfer", "reject", "extend_request", "category", "kind",
                              "request_transfer"]),
    ("official", "accepted", ["assign", "transfer", "reject", "reply", "publish", "extend_request", "category",
                              "kind", "submit_reply", "request_transfer"]),
    ("official", "replied", ["close", "category"]),
    ("official", "reopened", ["accept", "assign", "transfer", "extend_request", "category", "kind",
                              "request_transfer"]),
    ("official", "closed", ["category"]),
    ("office_head", "accepted", ["assign", "transfer", "reject", "reply", "publish", "extend_request", "category",
                                 "kind", "submit_reply", "approve_reply", "return_reply", "request_transfer"]),
    ("dispatcher", "received", ["reject", "dispatch", "category"]),
    ("dispatcher", "assigned", ["reject", "dispatch", "category", "decide_transfer", "urge", "supervise"]),
    ("dispatcher", "accepted", ["reject", "category", "decide_transfer", "urge", "supervise"]),
    ("dispatcher", "replied", ["category", "callback"]),
    ("supervisor", "assigned", ["urge", "supervise"]),
    ("supervisor", "replied", []),
    ("leader", "assigned", ["urge", "supervise"]),
    ("admin", "assigned", []),
]


@pytest.mark.parametrize(("role", "status", "expected"), ALLOWED)
def test_allowed_case_actions_by_role_and_state(role: str, status: str, expected: list[str]) -> None:
    assert cases.allowed_case_actions(_user(role), _message(status)) == expected


def test_another_office_and_inactive_accounts_get_no_case_action() -> None:
    assert cases.allowed_case_actions(_user("official", office_id=OFFICE + 1), _message("accepted")) == []
    assert cases.allowed_case_actions(_user("official", active=False), _message("accepted")) == []
    assert cases.allowed_case_actions(_user("dispatcher", active=False), _message("received")) == []


def test_every_registered_case_action_has_an_access_rule() -> None:
    # an action nobody may take would be missing its line in access.can_act
    for name in cases.CASE_ACTIONS:
        assert any(access.can_act(_user(r), name, _message("accepted")) for r in ("official", "office_head", "dispatcher")), name


@pytest.mark.parametrize(
    ("role", "may"), [("dispatcher", True), ("admin", True), ("supervisor", True), ("official", False),
                      ("office_head", False), ("leader", False)],
)  # fmt: skip
def test_dispatch_queue_rule(role: str, may: bool) -> None:
    assert access.can_see_dispatch_queue(_user(role)) is may
    assert access.can_see_dispatch_queue(_user(role, active=False)) is False


def test_extensions_are_listed_for_office_heads_only() -> None:
    assert access.can_list_extensions(_user("office_head"))
    assert not access.can_list_extensions(_user("official"))
    assert not access.can_list_extensions(_user("office_head", office_id=None))


# ---- the rating rule ---------------------------------------------------------------------------


def _replied(*, rated: bool = False, status: str = "replied") -> Message:
    m = _message(status)
    reply = Reply(id=1, status="published", body="已处理。")
    m.replies = [reply]
    m.ratings = [Rating(reply_id=1, score=5, comment="")] if rated else []
    return m


def test_rating_allowed_once_per_published_reply() -> None:
    assert access.can_rate(_replied()) and access.rating_refusal(_replied()) is None
    assert access.can_rate(_replied(status="closed"))
    rated = _replied(rated=True)
    assert not access.can_rate(rated) and "已评价" in (access.rating_refusal(rated) or "")
    # a new reply after a reopen may be rated again
    rated.replies.append(Reply(id=2, status="published", body="再次答复。"))
    assert access.can_rate(rated)


@pytest.mark.parametrize("status", ["received", "assigned", "accepted", "reopened", "rejected"])
def test_rating_refused_before_a_reply(status: str) -> None:
    m = _message(status)
    m.replies, m.ratings = [], []
    assert not access.can_rate(m) and "答复后才能评价" in (access.rating_refusal(m) or "")
    assert not access.can_reopen(m)


# ---- alerts -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status", "expected"),
    [("official", "open", ["acknowledge", "resolve"]), ("official", "acknowledged", ["resolve"]),
     ("official", "resolved", []), ("dispatcher", "open", ["acknowledge", "resolve"]),
     ("leader", "open", []), ("supervisor", "open", [])],
)  # fmt: skip
def test_allowed_alert_actions(role: str, status: str, expected: list[str]) -> None:
    assert access.allowed_alert_actions(_user(role), Alert(office_id=OFFICE, status=status)) == expected
    assert access.allowed_alert_actions(None, Alert(office_id=OFFICE, status=status)) == []
    assert access.allowed_alert_actions(_user("official", office_id=OFFICE + 1), Alert(office_id=OFFICE,
                                                                                         status=status)) == []


def test_alert_access_through_access(deployed: Platform) -> None:
    from massline.services import alerts

    with deployed.write() as s:
        jsj = s.scalar(select(User).where(User.username == "jsj.a"))
        assert jsj is not None
        alert = alerts.trigger(s, "burst_region", "test:1", T0, title="测试预警", evidence={}, office_id=jsj.office_id)
        alert_id = alert.id
    with deployed.write() as s:
        users = {u.username: u for u in s.scalars(select(User))}
        assert access.access_alert_by_id(s, users["jsj.a"], alert_id).id == alert_id
        assert access.access_alert_by_id(s, users["sup"], alert_id).id == alert_id
        for name in ("rsj.a", "dc.a"):  # another office: exactly like a missing alert
            with pytest.raises(NotFound):
                access.access_alert_by_id(s, users[name], alert_id)
        with pytest.raises(NotFound):
            access.access_alert_by_id(s, users["jsj.a"], 987654)
        with pytest.raises(Forbidden):  # the supervisor reads but does not act
            access.access_alert_for_action(s, users["sup"], alert_id)
        assert access.access_alert_for_action(s, users["jsj.a"], alert_id).id == alert_id
        assert [a.id for a in alerts.list_alerts(s, users["rsj.a"])] == []
        assert [a.id for a in alerts.list_alerts(s, users["jsj.head"])] == [alert_id]


def test_tracking_code_key_reads_codes_as_typed_and_keeps_every_stored_code() -> None:
    from massline.services.intake import new_tracking_code

    for typed in ("ml7k3q9xw2", "ML 7K3Q 9XW2", "ml-7k3q-9xw2", " Ml7k3q–9xw2\u200b ", "ＭＬ７Ｋ３Ｑ９ＸＷ２"):
        assert access.tracking_code_key(typed) == "ML7K3Q9XW2", typed
    for _ in range(200):  # a stored code (upper case, no separators) is its own key
        code = new_tracking_code()
        assert access.tracking_code_key(code) == code
