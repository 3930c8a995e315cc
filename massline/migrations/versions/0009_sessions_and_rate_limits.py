"""server-side web sessions and rate-limit counters kept in the database

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 11:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'web_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('message_id', sa.Integer(), nullable=True),
        sa.Column('token_version', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_web_sessions_user_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(
            ['message_id'], ['messages.id'], name=op.f('fk_web_sessions_message_id_messages'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_web_sessions')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_web_sessions_token_hash')),
    )
    op.create_index(op.f('ix_web_sessions_user_id'), 'web_sessions', ['user_id'], unique=False)
    op.create_index(op.f('ix_web_sessions_message_id'), 'web_sessions', ['message_id'], unique=False)
    op.create_index(op.f('ix_web_sessions_expires_at'), 'web_sessions', ['expires_at'], unique=False)
    op.create_table(
        'rate_limit_hits',
        sa.Column('key_hash', sa.String(length=64), nullable=False),
        sa.Column('window_start', sa.BigInteger(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('key_hash', 'window_start', name=op.f('pk_rate_limit_hits')),
    )
    op.create_index(op.f('ix_rate_limit_hits_expires_at'), 'rate_limit_hits', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_rate_limit_hits_expires_at'), table_name='rate_limit_hits')
    op.drop_table('rate_limit_hits')
    op.drop_index(op.f('ix_web_sessions_expires_at'), table_name='web_sessions')
    op.drop_index(op.f('ix_web_sessions_message_id'), table_name='web_sessions')
    op.drop_index(op.f('ix_web_sessions_user_id'), table_name='web_sessions')
    op.drop_table('web_sessions')
