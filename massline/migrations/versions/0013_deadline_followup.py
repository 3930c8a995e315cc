"""reminders, escalation, closing rules and the 回访 queue

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 15:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN (no table rebuild on SQLite: the search triggers and big tables stay as they are)
    op.add_column('messages', sa.Column('escalation_level', sa.String(length=10), nullable=True))
    op.create_table(
        'deadline_steps',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('step', sa.String(length=10), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['message_id'], ['messages.id'], name=op.f('fk_deadline_steps_message_id_messages'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_steps')),
        sa.UniqueConstraint('message_id', 'step', 'due_at', name=op.f('uq_deadline_steps_message_id')),
    )
    op.create_index(op.f('ix_deadline_steps_message_id'), 'deadline_steps', ['message_id'], unique=False)
    op.create_table(
        'callbacks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('reply_id', sa.Integer(), nullable=True),
        sa.Column('reached', sa.Boolean(), nullable=False),
        sa.Column('resolved', sa.String(length=8), nullable=True),
        sa.Column('satisfied', sa.String(length=8), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_callbacks_by_id_users')),
        sa.ForeignKeyConstraint(
            ['message_id'], ['messages.id'], name=op.f('fk_callbacks_message_id_messages'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(['reply_id'], ['replies.id'], name=op.f('fk_callbacks_reply_id_replies')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_callbacks')),
    )
    op.create_index(op.f('ix_callbacks_message_id'), 'callbacks', ['message_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_callbacks_message_id'), table_name='callbacks')
    op.drop_table('callbacks')
    op.drop_index(op.f('ix_deadline_steps_message_id'), table_name='deadline_steps')
    op.drop_table('deadline_steps')
    op.drop_column('messages', 'escalation_level')  # plain DROP COLUMN (SQLite 3.35+), as 0005 and 0007
