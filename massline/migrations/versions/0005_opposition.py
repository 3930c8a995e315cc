"""opposition: a citizen may support (点赞) or oppose (反对) a public message, once

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 16:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN (no table rebuild on SQLite: the search triggers and big tables stay as they are)
    op.add_column('messages', sa.Column('oppose_count', sa.Integer(), server_default='0', nullable=False))
    op.add_column('supports', sa.Column('stance', sa.String(length=8), server_default='support', nullable=False))


def downgrade() -> None:
    op.execute("DELETE FROM supports WHERE stance = 'oppose'")
    with op.batch_alter_table('supports', schema=None) as batch_op:
        batch_op.drop_column('stance')
    op.drop_column('messages', 'oppose_count')
