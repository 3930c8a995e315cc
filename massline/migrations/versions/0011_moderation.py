"""review before publishing: a message's review state, the moderator's public edits, the reason to withhold, the checks' findings

Messages stored before review existed count as reviewed and published
(server default "published"), so no public page changes on upgrade.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 15:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN (no table rebuild on SQLite: the search triggers and big tables stay as they are)
    op.add_column('messages', sa.Column('review_state', sa.String(length=12), server_default='published', nullable=False))
    op.add_column('messages', sa.Column('public_title', sa.String(length=200), nullable=True))
    op.add_column('messages', sa.Column('public_body', sa.Text(), nullable=True))
    op.add_column('messages', sa.Column('review_reason', sa.Text(), nullable=True))
    op.add_column('messages', sa.Column('review_findings', sa.JSON(), nullable=True))
    op.create_index('ix_messages_review_state', 'messages', ['review_state'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_messages_review_state', table_name='messages')
    for column in ('review_findings', 'review_reason', 'public_body', 'public_title', 'review_state'):
        op.drop_column('messages', column)
