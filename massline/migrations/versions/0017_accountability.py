"""accountability: follow-ups, rates, flags

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 17:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # 回访: did the office contact the citizen (响应率); plain ADD COLUMN, no table rebuild
    op.add_column('callbacks', sa.Column('contacted', sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('callbacks', schema=None) as batch_op:
        batch_op.drop_column('contacted')
