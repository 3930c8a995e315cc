"""board count: a covering index of what a search match's look-up by id reads

The board's count (``services/casework/board.py``, ``first_matches``) looks each
search match up by id to test visibility and the filters: ``is_public``,
``status``, ``review_state``, ``region_id``, ``kind``, ``category_id``. In the
row they sit after ``body``, on overflow pages when the body is long; this index
holds them beside the id. SQLite is told to use it (``INDEXED BY``: its planner
prefers the rowid); PostgreSQL's planner chooses for itself.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 14:30:00.000000
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0027'
down_revision: str | None = '0026'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ['id', 'is_public', 'status', 'review_state', 'region_id', 'kind', 'category_id']


def upgrade() -> None:
    op.create_index('ix_messages_board_lookup', 'messages', COLUMNS, unique=False)


def downgrade() -> None:
    op.drop_index('ix_messages_board_lookup', table_name='messages')
