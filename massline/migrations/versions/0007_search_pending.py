"""search backlog: a message may be stored before it is in the search index (indexed by the worker)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 17:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN (no rebuild of the messages table); a partial index holds only the pending ids
    op.add_column('messages', sa.Column('search_pending', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_index(
        'ix_messages_search_pending', 'messages', ['id'], unique=False,
        sqlite_where=sa.text('search_pending = 1'), postgresql_where=sa.text('search_pending'),
    )


def downgrade() -> None:
    op.drop_index('ix_messages_search_pending', table_name='messages')
    op.drop_column('messages', 'search_pending')
