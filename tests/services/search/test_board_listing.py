"""The board's page read as columns (``casework.publish.public_listing``) is what ``public_message`` shows of
each message, and the board never lists or counts a message the public may not see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from massline.models import Leader, Message, Office, Rating, Reply
from massline.platform import Platform
from massline.services.casework import publish
from massline.services.casework.board import Filters, public_board
from massline.services.casework.publish import public_listing, public_message
from massline.services.intake.submit import MessageInput, check_submit
from massline.worker import Worker

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
BODY = "路灯坏了很久，晚上出行不便，请联系13812345678尽快修复。"


def _submit(p: Platform, title: str, minutes: int, **fields: object) -> int:
    with p.write() as s:
        data = MessageInput(title=title, body=BODY, kind="投诉", region="cs-dc", category="城乡建设")
        message = s.get(Message, check_submit(s, p.cipher, data, T0 + timedelta(minutes=minutes)).id)
        assert message is not None
        for name, value in fields.items():
            setattr(message, name, value)
        return message.id


def _reply(p: Platform, message_id: int, body: str, status: str, minutes: int) -> None:
    with p.write() as s:
        office = s.scalars(select(Office).order_by(Office.id.desc())).first()
        assert office is not None
        at = T0 + timedelta(minutes=minutes)
        s.add(Reply(message_id=message_id, office_id=office.id, body=body, status=status, created_at=at,
                    published_at=at if status == "published" else None))  # fmt: skip


def _varied(p: Platform) -> list[int]:
    """Public messages with every kind of thing the public view shows: replies (published and not), ratings,
    an addressed leader or office, a moderator's edit, a deadline, an office; and messages it must not show."""
    with p.read() as s:
        leader = s.scalars(select(Leader)).first()
        office = s.scalars(select(Office).order_by(Office.id)).first()
        assert leader is not None and office is not None
        leader_id, office_id = leader.id, office.id
    ids = [
        _submit(p, "路灯不亮甲", 1, addressee_leader_id=leader_id, status="replied"),
        _submit(p, "路灯不亮乙", 2, addressee_office_id=office_id, office_id=office_id, status="accepted",
                due_at=T0 + timedelta(days=9)),  # fmt: skip
        _submit(p, "路灯不亮丙", 3, public_title="路灯不亮（已编辑）", public_body="路灯坏了，电话已隐去。"),
        _submit(p, "路灯不亮丁", 4, status="closed", support_count=3, oppose_count=1, reopen_count=1),
    ]
    _reply(p, ids[0], "已派人修复，联系电话13812345678。", "published", 10)
    _reply(p, ids[0], "再次答复：已修好。", "published", 20)
    _reply(p, ids[0], "草稿，不应公开。", "draft", 30)
    _reply(p, ids[3], "已处理。", "published", 15)
    with p.write() as s:
        s.add_all([Rating(message_id=ids[0], score=2), Rating(message_id=ids[0], score=5)])
        s.add(Rating(message_id=ids[3], score=4))
    _submit(p, "路灯不亮（不公开）", 5, is_public=False)
    _submit(p, "路灯不亮（退回）", 6, status="rejected", reject_reason="不属于受理范围")
    _submit(p, "路灯不亮（待审核）", 7, review_state="pending")
    _submit(p, "路灯不亮（不予公开）", 8, review_state="withheld")
    return ids


def test_the_listing_shows_what_the_public_view_shows(deployed: Platform) -> None:
    ids = _varied(deployed)
    with deployed.read() as s:
        listed = public_listing(s, list(reversed(ids)))
        expected = [public_message(m) for m in s.scalars(select(Message).where(Message.id.in_(ids)))]
    assert listed == sorted(expected, key=lambda m: -m.id)  # in the order asked for
    assert listed[-1].reply is not None and listed[-1].reply.body == "再次答复：已修好。"
    assert listed[-1].rating == 5 and listed[-1].addressee is not None
    assert "13812345678" not in repr(listed)


def test_the_board_lists_and_counts_only_what_the_public_may_see(deployed: Platform) -> None:
    ids = _varied(deployed)
    for indexed in (False, True):  # pending messages are matched by substring, indexed ones by the index
        if indexed:
            Worker(deployed).run_once(max_messages=0)
        with deployed.read() as s:
            for q in ("", "路灯", "路灯不亮", "不亮"):
                page = public_board(s, Filters(q=q), page_size=20)
                assert [m.id for m in page.items] == ids[::-1] and (page.total, page.exact) == (4, True), q


def test_a_text_shown_again_is_redacted_once(deployed: Platform) -> None:
    ids = _varied(deployed)
    publish.shown.cache_clear()
    with deployed.read() as s:
        first = public_listing(s, ids)
        misses = publish.shown.cache_info().misses
        assert public_listing(s, ids) == first and publish.shown.cache_info().misses == misses
    assert publish.shown(BODY) == publish.redact(BODY) != BODY
