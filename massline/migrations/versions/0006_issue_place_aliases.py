"""issue place aliases: other names of a place learnt by the batch rebuild, used by incremental assignment

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 17:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('issue_place_aliases',
    sa.Column('alias_key', sa.String(length=100), nullable=False),
    sa.Column('place_key', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('alias_key', 'place_key', name=op.f('pk_issue_place_aliases'))
    )
    with op.batch_alter_table('issue_place_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issue_place_aliases_place_key'), ['place_key'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('issue_place_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issue_place_aliases_place_key'))
    op.drop_table('issue_place_aliases')
