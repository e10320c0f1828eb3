"""Runtime safety: the durable inbox of incoming platform events (it replaces ``seen_events``) and
the application's secrets (the key that signs button payloads).

Revision ID: 0004_runtime
Revises: 0000_base
Depends on: 0001_conversation (``seen_events`` is dropped here)
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_runtime"
down_revision = "0000_base"
branch_labels = ("runtime",)
depends_on = "0001_conversation"


def upgrade() -> None:
    op.create_table(
        "inbox",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("platform", sa.String(16), nullable=False, index=True),
        sa.Column("user_id", sa.String(64), nullable=False, index=True),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True, index=True),
        sa.Index("ix_inbox_due", "state", "claimed_until"),
    )
    op.create_table(
        "app_secrets",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.drop_table("seen_events")


def downgrade() -> None:
    op.create_table(
        "seen_events",
        sa.Column("event_id", sa.String(200), primary_key=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )
    op.drop_table("app_secrets")
    op.drop_table("inbox")
