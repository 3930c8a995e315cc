"""The engine's SQLite connections: the pragmas every connection gets."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from massline.db import MMAP_SIZE, make_engine


def test_a_sqlite_file_is_read_through_a_memory_map(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        with engine.connect() as conn:
            assert conn.scalar(text("PRAGMA mmap_size")) == MMAP_SIZE
            assert conn.scalar(text("PRAGMA journal_mode")) == "wal"
    finally:
        engine.dispose()
