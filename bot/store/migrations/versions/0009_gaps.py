"""Knowledge gaps: the kind of decline on each answer, and the weekly digests already sent.

``answers.decline`` says why the bot declined (``unknown``: nothing in the knowledge base), so the
gaps report can tell "we do not know" from "we answered". ``gap_digests`` records one row per
organiser and week, so the weekly digest goes out once even across restarts and replicas.

Revision ID: 0009_gaps
Revises: 0000_base
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_gaps"
down_revision = "0000_base"
branch_labels = ("gaps",)
depends_on = "0001_conversation"  # the answers table


def upgrade() -> None:
    op.add_column("answers", sa.Column("decline", sa.String(32), nullable=True))
    op.create_table(
        "gap_digests",
        sa.Column("week", sa.String(10), primary_key=True),
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("gap_digests")
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("decline")
