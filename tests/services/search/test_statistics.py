"""Planner statistics after bulk writes: PostgreSQL vacuums and analyses what an import or a large search
backlog wrote (``db.refresh_statistics``); SQLite gets no statistics (its plans stay as they were)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from massline.platform import Platform
from massline.services.search import backlog as search_backlog
from massline.worker import Worker
from tests.io.test_import_export import GOOD, do_import, write_csv


def _rows(count: int) -> list[list[str]]:
    return [[f"S{i}", f"小区路灯坏了第{i}盏", "小区门口的路灯坏了很久，晚上出行不安全。", "求助", "cs", "城乡建设", "",
             "2024-04-01 10:00", "", "", ""] for i in range(count)]  # fmt: skip


def _planned_rows(platform: Platform, table: str) -> float | None:
    """PostgreSQL's estimate of ``table``'s rows as of its last ``ANALYZE`` (None: never analysed);
    SQLite: what ``sqlite_stat1`` holds for it (None: no statistics)."""
    with platform.read() as s:
        if s.get_bind().dialect.name == "sqlite":
            if s.scalar(text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")) == 0:
                return None
            return s.scalar(text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = :t"), {"t": table})
        tuples = s.scalar(text("SELECT reltuples FROM pg_class WHERE relname = :t"), {"t": table})
        return None if tuples is None or tuples < 0 else float(tuples)


def _pending_share(platform: Platform) -> float:
    """The share of messages ``search_pending`` in PostgreSQL's statistics."""
    with platform.read() as s:
        values, shares = s.execute(text(
            "SELECT most_common_vals::text, most_common_freqs FROM pg_stats "
            "WHERE tablename = 'messages' AND attname = 'search_pending'"
        )).one()  # fmt: skip
    return float(dict(zip(values.strip("{}").split(","), shares, strict=True)).get("t", 0.0))


def _all_visible(platform: Platform, table: str) -> bool:
    """PostgreSQL: every page of ``table`` is marked visible to all in its visibility map (as ``VACUUM``
    leaves it, and as ``pg_class`` sums it up), so that an index-only scan of it reads no row."""
    with platform.read() as s:
        pages, visible = s.execute(
            text("SELECT relpages, relallvisible FROM pg_class WHERE relname = :t"), {"t": table}
        ).one()
    return bool(pages) and visible == pages


def _columns_with_statistics(platform: Platform, table: str) -> int:
    with platform.read() as s:
        return int(s.scalar(text("SELECT count(*) FROM pg_stats WHERE tablename = :t"), {"t": table}) or 0)


def test_an_import_leaves_current_statistics_on_postgresql_and_none_on_sqlite(
    deployed: Platform, tmp_path: Path
) -> None:
    postgres = deployed.engine.dialect.name == "postgresql"
    report = do_import(deployed, write_csv(tmp_path / "in.csv", GOOD + _rows(40)))
    assert report.imported == 43 and report.replied == 1
    if not postgres:
        assert _planned_rows(deployed, "messages") is None  # no sqlite_stat1: SQLite plans as before
        return
    assert _planned_rows(deployed, "messages") == 43
    assert _planned_rows(deployed, "message_events") is not None and _planned_rows(deployed, "replies") == 1
    assert _columns_with_statistics(deployed, "messages") > 0
    # and vacuumed: board search's count reads the messages' covering indexes without reading their rows
    assert _all_visible(deployed, "messages") and _all_visible(deployed, "message_events")
    # a re-run imports nothing (all duplicates) and leaves the statistics alone
    with deployed.write() as s:
        s.execute(text("DELETE FROM pg_statistic WHERE starelid = 'messages'::regclass"))
    assert do_import(deployed, write_csv(tmp_path / "again.csv", _rows(40))).imported == 0
    assert _columns_with_statistics(deployed, "messages") == 0


def test_indexing_a_large_backlog_refreshes_the_statistics(
    deployed: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    postgres = deployed.engine.dialect.name == "postgresql"
    monkeypatch.setattr(search_backlog, "BATCH", 10)
    monkeypatch.setattr(search_backlog, "BULK_ROWS", 30)  # the worker indexes 43 in batches of 10
    do_import(deployed, write_csv(tmp_path / "in.csv", GOOD + _rows(40)))
    assert _planned_rows(deployed, "message_search") is None  # not written by the import
    if postgres:
        assert _pending_share(deployed) == 1.0  # as analysed after the import
    assert Worker(deployed).index_search() == 43
    if postgres:
        assert _pending_share(deployed) == 0.0  # analysed again: nothing pending
        assert _all_visible(deployed, "messages")  # and vacuumed: every pending flag written was a new row version
    assert _planned_rows(deployed, "message_search") is None  # left to autovacuum (SQLite: no statistics)


def test_a_small_backlog_leaves_statistics_to_autovacuum(
    deployed: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_backlog, "BULK_ROWS", 44)
    do_import(deployed, write_csv(tmp_path / "in.csv", GOOD + _rows(40)))
    assert Worker(deployed).index_search() == 43
    if deployed.engine.dialect.name == "postgresql":
        assert _pending_share(deployed) == 1.0  # still as analysed after the import
