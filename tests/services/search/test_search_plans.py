"""PostgreSQL's plans of board search when psycopg prepares its statements (a query run five times)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from massline.platform import Platform
from massline.services.casework.board import Filters, public_board
from massline.services.intake.submit import MessageInput, check_submit
from massline.services.search import backlog as search_backlog


def _submit(p: Platform, title: str, body: str) -> int:
    with p.write() as s:
        data = MessageInput(title=title, body=body, kind="投诉", region="cs-dc", category="城乡建设", is_public=True)
        return check_submit(s, p.cipher, data, p.now()).id


def test_a_prepared_search_reads_the_index_not_every_search_row(deployed: Platform) -> None:
    """A generic plan (psycopg prepares a statement run five times; PostgreSQL may then plan it once for any
    parameters) still finds the index's matches through the GIN index, never by scanning ``message_search``."""
    if deployed.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's plans")
    indexed = [_submit(deployed, f"路灯坏了第{i}盏", "小区门口的路灯坏了很久，晚上出行不安全。") for i in range(3)]
    with deployed.write() as s:
        search_backlog.index_pending(s)
    pending = _submit(deployed, "路灯不亮", "新建小区的路灯一直不亮。")  # not indexed yet: found by substring
    with deployed.read() as s:
        s.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
        s.execute(text("SET LOCAL enable_seqscan = off"))  # a scan only where no index can answer
        for _ in range(8):
            page = public_board(s, Filters(q="路灯"))
            assert {m.id for m in page.items} == {*indexed, pending} and page.total == 4
        prepared = s.scalar(text("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%to_tsvector%'"))
        scans = s.scalar(text("SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relname = 'message_search'"))
    assert prepared and scans == 0
