"""search on PostgreSQL: the stored tsvector without positions (SQLite: nothing)

The stored column ``message_search.tsv`` (0025) only answers ``@@`` with the
board's ``&`` queries, which do not read positions, and nothing ranks by it:
``strip`` keeps its lexemes and drops their positions, 3.9 -> 2.7 KB a message
(388 -> 266 MB of tsvectors at 100,000 board messages), the same matches.
PostgreSQL 15 cannot change a generated column's expression: the column is
dropped and added again, which rewrites the table (as 0025 did).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 11:00:00.000000
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0026'
down_revision: str | None = '0025'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _stored(expression: str) -> None:
    op.execute("ALTER TABLE message_search DROP COLUMN tsv")
    op.execute(f"ALTER TABLE message_search ADD COLUMN tsv tsvector GENERATED ALWAYS AS ({expression}) STORED")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    _stored("strip(to_tsvector('simple', terms))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    _stored("to_tsvector('simple', terms)")
