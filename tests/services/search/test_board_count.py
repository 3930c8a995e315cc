"""The board's count stops at a cap and says "more"; the page stays newest first, filtered, public only."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, inspect

from massline.models import Message
from massline.platform import Platform
from massline.services.casework import board
from massline.services.casework.board import Filters, public_board
from massline.services.errors import ValidationFailed
from massline.services.intake.submit import MessageInput, check_submit
from massline.services.search import backlog as search_backlog
from massline.worker import Worker


@contextmanager
def _statements(platform: Platform) -> Iterator[list[tuple[str, Any]]]:
    """The statements (and their parameters) the platform's engine runs inside the block."""
    caught: list[tuple[str, Any]] = []

    def grab(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        caught.append((statement, params))

    event.listen(platform.engine, "before_cursor_execute", grab)
    try:
        yield caught
    finally:
        event.remove(platform.engine, "before_cursor_execute", grab)


T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


LAMP = "路灯坏了很久，晚上出行不便，请尽快修复。"


def _submit(p: Platform, title: str, *, minutes: int, body: str = LAMP, public: bool = True) -> int:
    with p.write() as s:
        data = MessageInput(title=title, body=body, kind="投诉", region="cs-dc", category="城乡建设", is_public=public)
        return check_submit(s, p.cipher, data, T0 + timedelta(minutes=minutes)).id


@pytest.fixture
def lamps(deployed: Platform) -> list[int]:
    """Seven public messages about street lamps, stored in an order other than their dates (ids
    newest first = 6, 5, 4, 3, 2, 1, 0 by date), plus a private one and one about something else."""
    ids = [_submit(deployed, f"路灯不亮第{i}处", minutes=m) for i, m in enumerate([30, 10, 60, 20, 50, 0, 40])]
    _submit(deployed, "路灯不亮（不公开）", minutes=70, public=False)
    _submit(deployed, "垃圾站异味", minutes=80, body="垃圾站夏天异味很大，请加强清运。")
    return ids


def _by_date(ids: list[int]) -> list[int]:
    minutes = [30, 10, 60, 20, 50, 0, 40]
    return [mid for _, mid in sorted(zip(minutes, ids, strict=True), reverse=True)]


@pytest.mark.parametrize("walk", [0, 10**9], ids=["walked", "collected"])
@pytest.mark.parametrize("indexed", ["none", "all", "some"], ids=["pending", "indexed", "mixed"])
def test_the_count_is_exact_up_to_the_cap_then_says_more(
    deployed: Platform, lamps: list[int], monkeypatch: pytest.MonkeyPatch, indexed: str, walk: int
) -> None:
    """Beyond the cap, the page walked newest first testing each row (``SearchMatch.walked``) and the page
    of the collected matches (``SearchMatch.condition``) are the same."""
    monkeypatch.setattr(board, "ROW_TEST_COST", {"sqlite": walk, "postgresql": walk})
    if indexed != "none":
        assert Worker(deployed).run_once(max_messages=0).indexed == 9
    if indexed == "some":  # the newest by date, the oldest and one between out of the index again
        with deployed.write() as s:
            for mid in (lamps[2], lamps[5], lamps[0]):
                message = s.get(Message, mid)
                assert message is not None
                search_backlog.index_again(s, message)
    with deployed.read() as s:
        page = public_board(s, Filters(q="路灯"), page_size=3)
        assert (page.total, page.exact, page.pages) == (7, True, 3)  # the private one is not counted
        assert [m.id for m in page.items] == _by_date(lamps)[:3]  # newest first by date, not by id
        monkeypatch.setattr(board, "COUNT_CAP", 5)
        page = public_board(s, Filters(q="路灯"), page_size=3)
        assert (page.total, page.exact, page.pages) == (5, False, 2)  # "5+": at least two pages
        assert [m.id for m in page.items] == _by_date(lamps)[:3]
        # a page beyond the cap: counted to its end, so that the next one is known to exist
        page = public_board(s, Filters(q="路灯", page=2), page_size=3)
        assert (page.total, page.exact) == (6, False) and [m.id for m in page.items] == _by_date(lamps)[3:6]
        last = public_board(s, Filters(q="路灯", page=3), page_size=3)
        assert (last.total, last.exact) == (7, True) and [m.id for m in last.items] == _by_date(lamps)[6:]
        # filters still apply, to the count and to the page
        assert public_board(s, Filters(q="路灯", region="cs-xc"), page_size=3).total == 0
        assert public_board(s, Filters(q="路灯", kind="咨询"), page_size=3).items == []
        everything = public_board(s, Filters(), page_size=3)
        assert (everything.total, everything.exact) == (5, False)
        assert public_board(s, Filters(q="垃圾"), page_size=3).total == 1


def test_a_message_pending_again_with_its_old_search_row_counts_once(deployed: Platform, lamps: list[int]) -> None:
    Worker(deployed).run_once(max_messages=0)
    with deployed.write() as s:  # as after an upgrade that indexes every message anew
        for mid in lamps[:3]:
            message = s.get(Message, mid)
            assert message is not None
            message.search_pending = True
    with deployed.read() as s:
        page = public_board(s, Filters(q="路灯"), page_size=20)
        assert (page.total, page.exact) == (7, True)
        assert [m.id for m in page.items] == _by_date(lamps)


def test_a_region_filter_takes_the_regions_under_it(deployed: Platform, lamps: list[int]) -> None:
    Worker(deployed).run_once(max_messages=0)
    with deployed.read() as s:
        for region in ("cs", "cs-dc"):  # the city holds its district's messages
            assert public_board(s, Filters(q="路灯", region=region), page_size=3).total == 7
            assert public_board(s, Filters(region=region), page_size=20).total == 8
        with pytest.raises(ValidationFailed):
            public_board(s, Filters(q="路灯", region="nowhere"))


def test_the_count_reads_the_covering_index_on_sqlite(deployed: Platform, lamps: list[int]) -> None:
    """SQLite's planner would look each match up in the row, whose tested columns follow a long body on
    overflow pages: the count names the covering index (2.1 -> 1.25 ms per count statement at 100,000)."""
    if deployed.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's planner")
    Worker(deployed).run_once(max_messages=0)
    with _statements(deployed) as caught, deployed.read() as s:
        assert public_board(s, Filters(q="路灯", region="cs", kind="投诉", category="城乡建设")).total == 7
    counts = [(st, pa) for st, pa in caught if board.BOARD_LOOKUP_INDEX in st]
    assert counts
    with deployed.engine.connect() as conn:
        for statement, params in counts:
            plan = "\n".join(row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params))
            assert f"SEARCH messages USING COVERING INDEX {board.BOARD_LOOKUP_INDEX} (id=?" in plan, plan


def _count_plans(platform: Platform, filters: Filters, *settings: str) -> list[str]:
    """PostgreSQL's plans of the board's count statements for ``filters`` (7 lamps match), under ``settings``."""
    with _statements(platform) as caught, platform.read() as s:
        assert public_board(s, filters).total == 7
    counts = [(st, pa) for st, pa in caught if st.lstrip().startswith("WITH index_hits")]
    assert counts
    with platform.engine.connect() as conn:
        for setting in settings:
            conn.exec_driver_sql(f"SET {setting}")
        return ["\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + st, pa)) for st, pa in counts]


def test_the_count_looks_matches_up_by_id_on_postgresql(deployed: Platform, lamps: list[int]) -> None:
    """Without a region, PostgreSQL would otherwise turn the test of each match into a semi-join, which read
    every public message of the filters to hash them (78 of 108 ms of a search at 100,000)."""
    if deployed.engine.dialect.name == "sqlite":
        pytest.skip("PostgreSQL's planner")
    Worker(deployed).run_once(max_messages=0)
    for plan in _count_plans(deployed, Filters(q="路灯", kind="投诉"), "enable_nestloop = off"):
        assert "Semi Join" not in plan and "Hash" not in plan and "SubPlan" in plan, plan


def test_a_regions_count_may_hash_its_messages_on_postgresql(deployed: Platform, lamps: list[int]) -> None:
    """With a region the planner may read the region's messages from ``ix_messages_board_region`` (migration
    0028: what the count tests of them, beside region and kind) and hash them instead of looking each match
    up: for a common word of which few matches lie in the region and the kind, 153 -> 30 ms at 100,000
    messages (with the visibility map ``VACUUM`` sets). Seven lamps are cheaper to look up one by one, so
    the test forbids nested loops: the count must still be plannable as a join."""
    if deployed.engine.dialect.name == "sqlite":
        pytest.skip("PostgreSQL's planner")
    Worker(deployed).run_once(max_messages=0)
    assert board.BOARD_REGION_INDEX in {i["name"] for i in inspect(deployed.engine).get_indexes("messages")}
    for plan in _count_plans(deployed, Filters(q="路灯", region="cs", kind="投诉"), "enable_nestloop = off"):
        assert "Hash Join" in plan and "SubPlan" not in plan, plan


def test_a_common_words_page_tests_each_row_walked_on_postgresql(
    deployed: Platform, lamps: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beyond the cap, a word in most messages gets its page walked newest first with each row's stored
    tsvector looked up by id: PostgreSQL made ``id IN (matches)`` a hashed set of every match of the word
    (64,482 for 州市 at 100,000 messages, 96 of 127 ms), and a test of each row through ``to_tsvector`` of
    its terms cost 0.15-0.18 ms a row."""
    if deployed.engine.dialect.name == "sqlite":
        pytest.skip("PostgreSQL's planner")
    Worker(deployed).run_once(max_messages=0)
    monkeypatch.setattr(board, "COUNT_CAP", 5)  # 7 lamps of 9 messages: beyond the cap, and common
    with _statements(deployed) as caught, deployed.read() as s:
        page = public_board(s, Filters(q="路灯"), page_size=3)
    assert [m.id for m in page.items] == _by_date(lamps)[:3] and not page.exact
    pages = [(st, pa) for st, pa in caught if st.lstrip().startswith("SELECT messages.id") and "LIMIT" in st]
    assert len(pages) == 1
    with deployed.engine.connect() as conn:
        plan = "\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN VERBOSE " + pages[0][0], pages[0][1]))
    assert "SubPlan" in plan and "hashed SubPlan" not in plan, plan  # each row tested, no set of every match
    assert "(message_search.tsv @@" in plan and "to_tsvector" not in plan, plan  # the stored column


def test_the_stored_tsvector_keeps_no_positions_on_postgresql(deployed: Platform, lamps: list[int]) -> None:
    """The walked page tests ``tsv @@`` an ``&`` query, which reads no positions: the column stores the
    lexemes only (migration 0026: 3.9 -> 2.7 KB a message at 100,000), and still finds the lamps."""
    if deployed.engine.dialect.name == "sqlite":
        pytest.skip("PostgreSQL's stored column")
    Worker(deployed).run_once(max_messages=0)
    with deployed.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT tsv::text, tsv = strip(to_tsvector('simple', terms)), tsv @@ to_tsquery('simple', '''路灯''')"
            " FROM message_search WHERE message_id = ANY(%(ids)s)",
            {"ids": lamps},
        ).all()
    assert len(rows) == len(lamps)
    assert all(stripped and found and ":" not in text for text, stripped, found in rows), rows
