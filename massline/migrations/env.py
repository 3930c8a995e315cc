"""Alembic environment: runs against the connection handed in by massline.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from massline.db import make_engine
from massline.models import Base, load_all

config = context.config
load_all()  # the models load on first use; a migration compares against all of them
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
