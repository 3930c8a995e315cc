"""search on PostgreSQL: the terms' tsvector stored in a generated column (SQLite: nothing)

The board tests a message's search row one by one when it walks a page of a
common word newest first (``services/search/query``): a stored tsvector makes that
test a look-up instead of ``to_tsvector`` of the row's terms each time. The column
is generated from ``terms``, so every writer of ``message_search`` keeps it without
knowing of it; it is not in the model (SQLite has FTS5 instead). The GIN index stays
over ``to_tsvector('simple', terms)``: on the column, the planner chose to scan the
table for common words (the stored vectors are read out of line, which it does not cost).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 08:00:00.000000
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0025'
down_revision: str | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(
        "ALTER TABLE message_search ADD COLUMN tsv tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute("ALTER TABLE message_search DROP COLUMN tsv")
