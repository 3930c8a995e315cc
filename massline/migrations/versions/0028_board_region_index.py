"""board count on PostgreSQL: the public messages of a region, with what the board tests, from one index

A board search with a region filter counts its matches up to 1,001
(``services/casework/board.py``, ``first_matches``). When few of a word's
matches lie in the region, looking each match up by id tests every match of the
word (12,000-22,000 for a common one at 100,000 messages). With this index
PostgreSQL instead reads the region's messages (with the kind, visibility and
category the board tests) from the index alone and hashes them, then keeps the
matches found in the hash. PostgreSQL only: SQLite's count reads the covering
index of migration 0027 by id, about 1 ms per count, and keeps its plans.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 21:00:00.000000
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0028'
down_revision: str | None = '0027'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = 'ix_messages_board_region'


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.create_index(
        NAME, 'messages', ['region_id', 'kind', 'id'], unique=False,
        postgresql_include=['is_public', 'status', 'review_state', 'category_id'],
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.drop_index(NAME, table_name='messages')
