"""Search indexing after the request: pending messages are found by substring, then indexed by the worker."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from massline.models import Message, MessageSearch
from massline.platform import Platform
from massline.services.casework.board import Filters, public_board
from massline.services.intake.submit import MessageInput, check_submit
from massline.services.search import backlog as search_backlog
from massline.services.search.index import search_text
from massline.worker import Worker

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PHONE = "13912345678"


def _submit(p: Platform, title: str, body: str) -> int:
    with p.write() as s:
        data = MessageInput(title=title, body=body, kind="投诉", region="cs-dc", category="城乡建设", is_public=True)
        return check_submit(s, p.cipher, data, T0).id


def _found(p: Platform, q: str) -> set[int]:
    with p.read() as s:
        return {m.id for m in public_board(s, Filters(q=q), page_size=100).items}


def test_pending_messages_are_found_by_substring_then_by_the_index(deployed: Platform) -> None:
    mid = _submit(deployed, "滨江路工地夜间施工扰民", f"工地每天半夜打桩，吵得没法睡觉，联系电话{PHONE}。")
    with deployed.read() as s:
        assert search_backlog.pending_count(s) == 1 and s.get(MessageSearch, mid) is None
    # not indexed yet, still found: every Chinese word of the query, anywhere in title or body
    assert mid in _found(deployed, "打桩")
    assert mid in _found(deployed, "夜间施工 打桩")
    assert mid not in _found(deployed, "打桩 垃圾站")
    # no substring search with digits or letters: the index terms are redacted, the raw text is not
    assert mid not in _found(deployed, PHONE) and mid not in _found(deployed, "打桩 3456")
    # a phone number in a query is dropped: the answer does not depend on which number it is
    assert _found(deployed, "打桩 " + PHONE) == _found(deployed, "打桩 13800000000") == _found(deployed, "打桩")
    report = Worker(deployed).run_once(max_messages=0)
    assert report.indexed == 1
    with deployed.read() as s:
        assert search_backlog.pending_count(s) == 0
        row = s.get(MessageSearch, mid)
        message = s.get(Message, mid)
        assert row is not None and message is not None and not message.search_pending
        assert row.terms == search_text(message.title, message.body)
    assert mid in _found(deployed, "打桩") and mid in _found(deployed, "夜间施工 打桩")
    assert mid not in _found(deployed, PHONE)  # redacted before indexing
    assert Worker(deployed).run_once(max_messages=0).indexed == 0  # nothing left


def test_indexing_is_idempotent_and_batched(deployed: Platform) -> None:
    ids = [_submit(deployed, f"小区电梯故障第{i}次", "电梯经常停运，老人上下楼很困难，请尽快维修。") for i in range(5)]
    with deployed.write() as s:
        assert search_backlog.index_pending(s, limit=2) == 2  # oldest first
        s.execute(Message.__table__.update().where(Message.id == ids[0]).values(search_pending=True))
    with deployed.write() as s:  # an interrupted run left message 0 indexed but still pending
        assert search_backlog.index_pending(s) == 4
        assert s.scalar(select(func.count()).select_from(MessageSearch)) == 5  # replaced, not duplicated
        assert search_backlog.index_pending(s) == 0
        if s.get_bind().dialect.name == "sqlite":  # the FTS5 index agrees with message_search
            s.connection().exec_driver_sql("INSERT INTO message_fts(message_fts) VALUES ('integrity-check')")
    assert set(ids) <= _found(deployed, "电梯故障")  # through the index now


def test_the_worker_indexes_a_backlog_of_several_batches(deployed: Platform, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_backlog, "BATCH", 2)  # 7 messages: batches of 2, 2, 2, 1
    ids = [_submit(deployed, f"路灯坏了第{i}盏", "小区门口的路灯坏了很久，晚上出行不安全。") for i in range(7)]
    assert Worker(deployed).index_search() == 7
    with deployed.read() as s:
        assert search_backlog.pending_count(s) == 0
        assert s.scalar(select(func.count()).select_from(MessageSearch)) == 7
        if s.get_bind().dialect.name == "sqlite":
            s.connection().exec_driver_sql("INSERT INTO message_fts(message_fts) VALUES ('integrity-check')")
    assert set(ids) == _found(deployed, "路灯坏了")



def test_upgrading_indexes_every_message_again(deployed: Platform) -> None:
    """Migration 0010: rows indexed with the old redaction are replaced by the worker."""
    from alembic import command
    from sqlalchemy import update

    from massline.migrate import alembic_config

    with deployed.write() as s:
        text = MessageInput("路灯坏了", "我的电话138.1234.5678，门口路灯坏了很久了。", "投诉")
        mid = check_submit(s, deployed.cipher, text, deployed.now()).id
    with deployed.write() as s:
        search_backlog.index_pending(s)
        # a row written before the stronger redaction: the number in its terms
        s.execute(update(MessageSearch).where(MessageSearch.message_id == mid).values(terms="路灯 13812345678"))
    config = alembic_config(deployed.engine.url.render_as_string(hide_password=False))
    deployed.engine.dispose()
    command.downgrade(config, "0009")
    command.upgrade(config, "head")
    with deployed.read() as s:
        assert s.scalar(select(Message.search_pending).where(Message.id == mid)) is True
    with deployed.write() as s:
        search_backlog.index_pending(s)
    with deployed.read() as s:
        terms = s.scalar(select(MessageSearch.terms).where(MessageSearch.message_id == mid)) or ""
    assert "1381234" not in terms.replace(" ", "") and "路灯" in terms
