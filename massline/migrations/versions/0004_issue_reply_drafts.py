"""issue reply drafts: a reply is drafted, then published to every member message

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('issue_replies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=10), server_default='published', nullable=False))
        batch_op.add_column(sa.Column('published_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE issue_replies SET published_at = created_at WHERE status = 'published'")


def downgrade() -> None:
    op.execute("DELETE FROM issue_replies WHERE status = 'draft'")
    with op.batch_alter_table('issue_replies', schema=None) as batch_op:
        batch_op.drop_column('published_at')
        batch_op.drop_column('status')
