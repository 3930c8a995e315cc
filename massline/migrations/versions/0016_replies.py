"""the reply desk: demands, reviews, glossary, clarifications

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 17:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('replies', sa.Column('approval_required', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        'reply_reviews',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reply_id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('office_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('stage', sa.String(length=10), nullable=False),
        sa.Column('total', sa.Float(), nullable=False),
        sa.Column('scores', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['message_id'], ['messages.id'], name=op.f('fk_reply_reviews_message_id_messages'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_reply_reviews_office_id_offices')),
        sa.ForeignKeyConstraint(
            ['reply_id'], ['replies.id'], name=op.f('fk_reply_reviews_reply_id_replies'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reply_reviews')),
    )
    op.create_index(op.f('ix_reply_reviews_created_at'), 'reply_reviews', ['created_at'], unique=False)
    op.create_index(op.f('ix_reply_reviews_message_id'), 'reply_reviews', ['message_id'], unique=False)
    op.create_index(op.f('ix_reply_reviews_office_id'), 'reply_reviews', ['office_id'], unique=False)
    op.create_index(op.f('ix_reply_reviews_reply_id'), 'reply_reviews', ['reply_id'], unique=False)
    op.create_table(
        'demand_referrals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=False),
        sa.Column('span_start', sa.Integer(), nullable=False),
        sa.Column('span_end', sa.Integer(), nullable=False),
        sa.Column('demand_text', sa.Text(), nullable=False),
        sa.Column('office_id', sa.Integer(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_demand_referrals_created_by_id_users')),
        sa.ForeignKeyConstraint(
            ['message_id'], ['messages.id'], name=op.f('fk_demand_referrals_message_id_messages'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_demand_referrals_office_id_offices')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_demand_referrals')),
        sa.UniqueConstraint('message_id', 'span_start', 'span_end', name=op.f('uq_demand_referrals_message_id')),
    )
    op.create_index(op.f('ix_demand_referrals_message_id'), 'demand_referrals', ['message_id'], unique=False)
    op.create_table(
        'glossary_terms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('term', sa.String(length=40), nullable=False),
        sa.Column('variants', sa.JSON(), nullable=False),
        sa.Column('meaning', sa.Text(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('example', sa.Text(), nullable=False),
        sa.Column('suits_reply', sa.Boolean(), nullable=False),
        sa.Column('reply_hint', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_glossary_terms')),
        sa.UniqueConstraint('term', name=op.f('uq_glossary_terms_term')),
    )


def downgrade() -> None:
    op.drop_table('glossary_terms')
    op.drop_index(op.f('ix_demand_referrals_message_id'), table_name='demand_referrals')
    op.drop_table('demand_referrals')
    op.drop_index(op.f('ix_reply_reviews_reply_id'), table_name='reply_reviews')
    op.drop_index(op.f('ix_reply_reviews_office_id'), table_name='reply_reviews')
    op.drop_index(op.f('ix_reply_reviews_message_id'), table_name='reply_reviews')
    op.drop_index(op.f('ix_reply_reviews_created_at'), table_name='reply_reviews')
    op.drop_table('reply_reviews')
    with op.batch_alter_table('replies') as batch:
        batch.drop_column('approval_required')
