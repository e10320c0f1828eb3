"""Onboarding tables: member profiles, consents (a dated log), subscriptions, onboarding flow states.

Revision ID: 0002_onboarding
Revises: 0000_base
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_onboarding"
down_revision = "0000_base"
branch_labels = ("onboarding",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_profiles",
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("organisation_type", sa.String(32), nullable=True),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("region", sa.String(8), nullable=True),
        sa.Column("interests", sa.String(200), nullable=False),
        sa.Column("announcements", sa.Boolean, nullable=True),
        sa.Column("announcements_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "member_consents",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(16), nullable=False, index=True),
        sa.Column("user_id", sa.String(64), nullable=False, index=True),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("granted", sa.Boolean, nullable=False),
        sa.Column("topics", sa.String(200), nullable=False),
        sa.Column("area", sa.String(8), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(16), nullable=False, index=True),
        sa.Column("user_id", sa.String(64), nullable=False, index=True),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("topic", sa.String(32), nullable=False, index=True),
        sa.Column("country", sa.String(2), nullable=True, index=True),
        sa.Column("region", sa.String(8), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("platform", "user_id", "topic"),
    )
    op.create_table(
        "onboarding_states",
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("hint", sa.String(8), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )


def downgrade() -> None:
    for table in ("onboarding_states", "subscriptions", "member_consents", "member_profiles"):
        op.drop_table(table)
