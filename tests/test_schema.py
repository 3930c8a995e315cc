"""The migrated database has exactly the schema the models declare (a migration cannot be forgotten)."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import massline.models  # noqa: F401 - registers every table
from massline.models.base import Base
from massline.platform import Platform


def _relevant(diff: Any) -> bool:
    if isinstance(diff, list):  # column modifications come grouped
        return any(_relevant(d) for d in diff)
    kind = diff[0]
    if kind == "remove_table" and diff[1].name.startswith("message_fts"):
        return False  # the SQLite full-text index: created by migration 0001, not a model
    if kind == "remove_index" and diff[1].name == "ix_message_search_tsv":
        return False  # the PostgreSQL full-text (GIN) index: an expression index of migration 0001
    if kind in ("remove_fk", "add_fk") and diff[1].parent.name == "messages":
        # messages.issue_id is added by plain ALTER TABLE on SQLite (same target and ON DELETE,
        # but SQLite reports no constraint name); see migration 0003
        return {c.name for c in diff[1].columns} != {"issue_id"}
    return True


def test_migrations_match_the_models(platform: Platform) -> None:
    with platform.engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in diffs if _relevant(d)] == []
