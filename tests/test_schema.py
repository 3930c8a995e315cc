"""The migrated database has exactly the schema the models declare (a migration cannot be forgotten)."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import massline.models
from massline.models import load_all
from massline.models.base import Base
from massline.platform import Platform

load_all()  # every table (the models load on first use)


def _relevant(diff: Any) -> bool:
    if isinstance(diff, list):  # column modifications come grouped
        return any(_relevant(d) for d in diff)
    kind = diff[0]
    if kind == "remove_table" and diff[1].name.startswith("message_fts"):
        return False  # the SQLite full-text index: created by migration 0001, not a model
    if kind == "remove_index" and diff[1].name == "ix_message_search_tsv":
        return False  # the PostgreSQL full-text (GIN) index: an expression index of migration 0001
    if kind == "remove_index" and diff[1].name == "ix_messages_board_region":
        return False  # PostgreSQL's covering index of a region's messages for board search (migration 0028)
    if kind == "remove_column" and (diff[2], diff[3].name) == ("message_search", "tsv"):
        return False  # PostgreSQL's stored tsvector of the terms (migration 0025), generated: no model writes it
    if kind in ("remove_fk", "add_fk") and diff[1].parent.name == "messages":
        # messages.issue_id is added by plain ALTER TABLE on SQLite (same target and ON DELETE,
        # but SQLite reports no constraint name); see migration 0003
        return {c.name for c in diff[1].columns} != {"issue_id"}
    return True


def test_migrations_match_the_models(platform: Platform) -> None:
    with platform.engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in diffs if _relevant(d)] == []


def test_this_sessions_migrations_go_down_and_up(platform: Platform) -> None:
    from alembic import command

    from massline.migrate import alembic_config

    url = platform.engine.url.render_as_string(hide_password=False)
    platform.engine.dispose()
    config = alembic_config(url)
    command.downgrade(config, "0004")  # oppose_count, place aliases, search_pending go ...
    with platform.engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("messages")}
    assert not {"oppose_count", "search_pending"} & columns
    with platform.engine.connect() as connection:  # 0027's covering index goes too
        assert "ix_messages_board_lookup" not in {i["name"] for i in inspect(connection).get_indexes("messages")}
    command.upgrade(config, "head")  # ... and come back
    with platform.engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in diffs if _relevant(d)] == []


def test_the_sessions_and_rate_limits_migration_goes_down_and_up(platform: Platform) -> None:
    from alembic import command

    from massline.migrate import alembic_config

    url = platform.engine.url.render_as_string(hide_password=False)
    platform.engine.dispose()
    config = alembic_config(url)
    command.downgrade(config, "0008")  # web_sessions and rate_limit_hits go ...
    with platform.engine.connect() as connection:
        assert not {"web_sessions", "rate_limit_hits"} & set(inspect(connection).get_table_names())
    command.upgrade(config, "head")  # ... and come back
    with platform.engine.connect() as connection:
        diffs = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert [d for d in diffs if _relevant(d)] == []


def test_the_head_of_the_migration_files_is_alembics_head() -> None:
    """``migrate.head_revision`` (read from the files, without Alembic) names the head Alembic computes."""
    from alembic.script import ScriptDirectory

    from massline.migrate import alembic_config, head_revision

    assert head_revision() == ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


# For each model module, a forked child of one fresh interpreter imports that module alone, configures the mappers
# and resolves every foreign key loaded; it prints the modules that failed (with the error).
ALONE = """
import importlib, os, sys, traceback
import sqlalchemy.orm
import massline.models

failed = []
for module in sys.argv[1:]:
    pid = os.fork()
    if pid == 0:
        try:
            importlib.import_module(module)
            sqlalchemy.orm.configure_mappers()
            for table in massline.models.Base.metadata.tables.values():
                for fk in table.foreign_keys:
                    fk.column  # NoReferencedTableError when the table it names is not loaded
        except Exception:
            traceback.print_exc()
            os._exit(1)
        os._exit(0)
    if os.waitpid(pid, 0)[1] != 0:
        failed.append(module)
print(failed)
"""


def test_each_model_module_loads_alone_with_what_its_tables_name() -> None:
    """A command loads only the models it uses (``massline.models`` loads a name on first use): each module,
    imported alone, brings the tables its foreign keys and relationships name, so its mappers configure."""
    modules = [f"massline.models.{m.name}" for m in pkgutil.iter_modules(massline.models.__path__)]
    assert len(modules) > 20
    root = str(Path(massline.models.__file__).resolve().parents[2])  # this checkout
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", ALONE, *modules], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", done.stderr
