"""analysis backlog: messages not analysed yet are marked, so that the worker's idle poll reads a partial index

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 05:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0024'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN (no rebuild of the messages table): every stored message pending, then the analysed ones
    # cleared; a partial index holds only the pending ids
    op.add_column('messages', sa.Column('analysis_pending', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.execute(
        sa.text(
            "UPDATE messages SET analysis_pending = :no WHERE id IN (SELECT message_id FROM message_analysis)"
        ).bindparams(no=False)
    )
    op.create_index(
        'ix_messages_analysis_pending', 'messages', ['id'], unique=False,
        sqlite_where=sa.text('analysis_pending = 1'), postgresql_where=sa.text('analysis_pending'),
    )


def downgrade() -> None:
    op.drop_index('ix_messages_analysis_pending', table_name='messages')
    op.drop_column('messages', 'analysis_pending')
