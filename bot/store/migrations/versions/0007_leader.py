"""Leader election: one lease row per role (``delivery``: the replica that sends broadcasts and runs
the periodic jobs).

Revision ID: 0007_leader
Revises: 0000_base
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_leader"
down_revision = "0000_base"
branch_labels = ("leader",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "leader_leases",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("holder", sa.String(128), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("leader_leases")
