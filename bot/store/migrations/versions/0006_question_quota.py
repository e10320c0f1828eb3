"""The question quota moves into the database, so replicas share one count per member.

Revision ID: 0006_question_quota
Revises: 0000_base
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_question_quota"
down_revision = "0000_base"
branch_labels = ("quota",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "question_quota",
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("asked", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("question_quota")
