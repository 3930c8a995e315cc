"""supervision: protected misconduct reports, audit chain

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 17:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _time(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        'audit_chain_head',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('last_hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head')),
    )
    op.execute("INSERT INTO audit_chain_head (id, seq, last_hash) VALUES (1, 0, '')")
    op.add_column('audit_log', sa.Column('seq', sa.Integer(), nullable=True))
    op.add_column('audit_log', sa.Column('prev_hash', sa.String(length=64), nullable=True))
    op.add_column('audit_log', sa.Column('row_hash', sa.String(length=64), nullable=True))
    op.create_index(op.f('ix_audit_log_seq'), 'audit_log', ['seq'], unique=True)
    op.create_table(
        'supervision_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('receipt_hash', sa.String(length=64), nullable=False),
        sa.Column('accused_office_id', sa.Integer(), nullable=False),
        sa.Column('office_id', sa.Integer(), nullable=False),
        sa.Column('escalation_office_id', sa.Integer(), nullable=True),
        sa.Column('about_head', sa.Boolean(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('sealed_content', sa.LargeBinary(), nullable=False),
        sa.Column('reporter_public', sa.LargeBinary(), nullable=False),
        sa.Column('reporter_salt', sa.LargeBinary(), nullable=False),
        sa.Column('reporter_sealed_key', sa.LargeBinary(), nullable=False),
        _time('created_at'),
        _time('accept_due'),
        _time('outcome_due'),
        _time('accepted_at', True),
        _time('concluded_at', True),
        _time('escalated_at', True),
        _time('delete_after'),
        sa.ForeignKeyConstraint(
            ['accused_office_id'], ['offices.id'], name=op.f('fk_supervision_reports_accused_office_id_offices')
        ),
        sa.ForeignKeyConstraint(
            ['escalation_office_id'], ['offices.id'], name=op.f('fk_supervision_reports_escalation_office_id_offices')
        ),
        sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_supervision_reports_office_id_offices')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_reports')),
        sa.UniqueConstraint('receipt_hash', name=op.f('uq_supervision_reports_receipt_hash')),
    )
    for column in ('accused_office_id', 'created_at', 'delete_after', 'office_id'):
        op.create_index(op.f(f'ix_supervision_reports_{column}'), 'supervision_reports', [column], unique=False)
    op.create_table(
        'supervision_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('sealed_text', sa.LargeBinary(), nullable=True),
        _time('created_at'),
        sa.ForeignKeyConstraint(
            ['report_id'], ['supervision_reports.id'],
            name=op.f('fk_supervision_entries_report_id_supervision_reports'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_supervision_entries_user_id_users'), ondelete='SET NULL'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_entries')),
    )
    op.create_index(op.f('ix_supervision_entries_report_id'), 'supervision_entries', ['report_id'], unique=False)
    op.create_table(
        'supervision_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('sealed_meta', sa.LargeBinary(), nullable=False),
        sa.Column('sealed_content', sa.LargeBinary(), nullable=False),
        _time('created_at'),
        sa.ForeignKeyConstraint(
            ['report_id'], ['supervision_reports.id'],
            name=op.f('fk_supervision_files_report_id_supervision_reports'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_files')),
    )
    op.create_index(op.f('ix_supervision_files_report_id'), 'supervision_files', ['report_id'], unique=False)
    op.create_table(
        'supervision_keys',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('public_key', sa.LargeBinary(), nullable=False),
        sa.Column('wrapped_private', sa.LargeBinary(), nullable=False),
        sa.Column('salt', sa.LargeBinary(), nullable=False),
        _time('created_at'),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_supervision_keys_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_supervision_keys')),
    )
    op.create_table(
        'supervision_recipients',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('report_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('sealed_key', sa.LargeBinary(), nullable=False),
        _time('stepped_aside_at', True),
        sa.ForeignKeyConstraint(
            ['report_id'], ['supervision_reports.id'],
            name=op.f('fk_supervision_recipients_report_id_supervision_reports'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_supervision_recipients_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_recipients')),
    )
    op.create_index(
        op.f('ix_supervision_recipients_report_id'), 'supervision_recipients', ['report_id'], unique=False
    )
    op.create_index(op.f('ix_supervision_recipients_user_id'), 'supervision_recipients', ['user_id'], unique=False)
    op.create_table(
        'supervision_unlocks',
        sa.Column('session_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('wrapped_private', sa.LargeBinary(), nullable=False),
        _time('expires_at'),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_supervision_unlocks_user_id_users'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('session_hash', name=op.f('pk_supervision_unlocks')),
    )
    op.create_index(op.f('ix_supervision_unlocks_expires_at'), 'supervision_unlocks', ['expires_at'], unique=False)
    op.create_index(op.f('ix_supervision_unlocks_user_id'), 'supervision_unlocks', ['user_id'], unique=False)


def downgrade() -> None:
    op.drop_table('supervision_unlocks')
    op.drop_table('supervision_recipients')
    op.drop_table('supervision_keys')
    op.drop_table('supervision_entries')
    op.drop_table('supervision_files')
    op.drop_table('supervision_reports')
    op.drop_index(op.f('ix_audit_log_seq'), table_name='audit_log')
    with op.batch_alter_table('audit_log') as batch:
        batch.drop_column('row_hash')
        batch.drop_column('prev_hash')
        batch.drop_column('seq')
    op.drop_table('audit_chain_head')
