"""search: index every message again (the index terms now come from the stronger redaction)

Rows indexed before issue 10 may hold numbers the old redaction missed
(138.1234.5678, zero-width characters inside a number); marking every message
pending makes the worker replace their rows (board search finds them by
substring meanwhile).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 12:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(sa.text("UPDATE messages SET search_pending = :yes").bindparams(yes=True))


def downgrade() -> None:
    pass  # nothing to undo: the rows are simply indexed again
