"""submission keys: a repeated submission (same Idempotency-Key or form token) stores one message

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 10:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'submission_keys',
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('request_hash', sa.String(length=64), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('secret_encrypted', sa.LargeBinary(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['message_id'], ['messages.id'], name=op.f('fk_submission_keys_message_id_messages'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('key_hash', name=op.f('pk_submission_keys')),
    )
    op.create_index(op.f('ix_submission_keys_message_id'), 'submission_keys', ['message_id'], unique=False)
    op.create_index(
        'ix_submission_keys_secret_kept', 'submission_keys', ['created_at'], unique=False,
        sqlite_where=sa.text('secret_encrypted IS NOT NULL'), postgresql_where=sa.text('secret_encrypted IS NOT NULL'),
    )


def downgrade() -> None:
    op.drop_index('ix_submission_keys_secret_kept', table_name='submission_keys')
    op.drop_index(op.f('ix_submission_keys_message_id'), table_name='submission_keys')
    op.drop_table('submission_keys')
