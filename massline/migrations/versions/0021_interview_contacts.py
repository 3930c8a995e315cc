"""interview questions: a contact to hear of a late answer

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 20:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('interview_questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_channel', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('contact_encrypted', sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('interview_questions', schema=None) as batch_op:
        batch_op.drop_column('contact_encrypted')
        batch_op.drop_column('contact_channel')
