"""online research ledger and error-tolerance review

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 17:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _user_fk(table: str, column: str, ondelete: str | None = None) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ['users.id'], name=op.f(f'fk_{table}_{column}_users'), ondelete=ondelete)


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('research_level', sa.String(length=20), nullable=True))
    op.create_table(
        'research_activity',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('seconds', sa.Integer(), nullable=False),
        sa.Column('events', sa.Integer(), nullable=False),
        sa.Column('reading', sa.Integer(), nullable=False),
        sa.Column('analysis', sa.Integer(), nullable=False),
        sa.Column('replying', sa.Integer(), nullable=False),
        sa.Column('meeting', sa.Integer(), nullable=False),
        _user_fk('research_activity', 'user_id', 'CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_research_activity')),
    )
    op.create_index('ix_research_activity_user_last', 'research_activity', ['user_id', 'last_at'], unique=False)
    op.create_table(
        'research_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('held_on', sa.Date(), nullable=False),
        sa.Column('minutes', sa.Integer(), nullable=False),
        sa.Column('online', sa.Boolean(), nullable=False),
        sa.Column('findings', sa.Text(), nullable=False),
        sa.Column('outcome', sa.Text(), nullable=False),
        sa.Column('issue_id', sa.Integer(), nullable=True),
        sa.Column('message_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['issue_id'], ['issues.id'], name=op.f('fk_research_entries_issue_id_issues'), ondelete='SET NULL'
        ),
        sa.ForeignKeyConstraint(
            ['message_id'], ['messages.id'], name=op.f('fk_research_entries_message_id_messages'), ondelete='SET NULL'
        ),
        _user_fk('research_entries', 'user_id', 'CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_research_entries')),
    )
    op.create_index(op.f('ix_research_entries_user_id'), 'research_entries', ['user_id'], unique=False)
    op.create_table(
        'research_case_views',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('first_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['message_id'], ['messages.id'], name=op.f('fk_research_case_views_message_id_messages'), ondelete='CASCADE'
        ),
        _user_fk('research_case_views', 'user_id', 'CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_research_case_views')),
        sa.UniqueConstraint('user_id', 'message_id', name=op.f('uq_research_case_views_user_id')),
    )
    op.create_index(op.f('ix_research_case_views_message_id'), 'research_case_views', ['message_id'], unique=False)
    op.create_table(
        'tolerance_pilots',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('official_id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('risks', sa.Text(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        _user_fk('tolerance_pilots', 'official_id', 'CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tolerance_pilots')),
    )
    op.create_index(op.f('ix_tolerance_pilots_official_id'), 'tolerance_pilots', ['official_id'], unique=False)
    op.create_table(
        'tolerance_reviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('official_id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=True),
        sa.Column('reply_id', sa.Integer(), nullable=True),
        sa.Column('facts', sa.Text(), nullable=False),
        sa.Column('opened_by_id', sa.Integer(), nullable=True),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('account', sa.Text(), nullable=False),
        sa.Column('criteria', sa.JSON(), nullable=False),
        sa.Column('decision', sa.String(length=10), nullable=True),
        sa.Column('reasons', sa.Text(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('appeal', sa.Text(), nullable=False),
        sa.Column('appealed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('appeal_decision', sa.String(length=10), nullable=True),
        sa.Column('appeal_reasons', sa.Text(), nullable=False),
        sa.Column('appeal_decided_by_id', sa.Integer(), nullable=True),
        sa.Column('appeal_decided_at', sa.DateTime(timezone=True), nullable=True),
        _user_fk('tolerance_reviews', 'appeal_decided_by_id'),
        _user_fk('tolerance_reviews', 'decided_by_id'),
        sa.ForeignKeyConstraint(
            ['message_id'], ['messages.id'], name=op.f('fk_tolerance_reviews_message_id_messages'), ondelete='SET NULL'
        ),
        _user_fk('tolerance_reviews', 'official_id', 'CASCADE'),
        _user_fk('tolerance_reviews', 'opened_by_id'),
        sa.ForeignKeyConstraint(
            ['reply_id'], ['replies.id'], name=op.f('fk_tolerance_reviews_reply_id_replies'), ondelete='SET NULL'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_tolerance_reviews')),
    )
    op.create_index(op.f('ix_tolerance_reviews_decided_at'), 'tolerance_reviews', ['decided_at'], unique=False)
    op.create_index(op.f('ix_tolerance_reviews_official_id'), 'tolerance_reviews', ['official_id'], unique=False)


def downgrade() -> None:
    op.drop_table('tolerance_reviews')
    op.drop_table('tolerance_pilots')
    op.drop_table('research_case_views')
    op.drop_table('research_entries')
    op.drop_table('research_activity')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('research_level')
