"""Hand-offs to organisers, the regions each organiser covers, and the answer cards organisers keep.

Revision ID: 0008_handoffs
Revises: 0000_base
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_handoffs"
down_revision = "0000_base"
branch_labels = ("handoffs",)
depends_on = None  # references no other branch's table


def upgrade() -> None:
    op.create_table(
        "handoffs",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("platform", sa.String(16), nullable=False, index=True),
        sa.Column("user_id", sa.String(64), nullable=False, index=True),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("thread_id", sa.String(64), nullable=True),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("context", sa.Text, nullable=False),
        sa.Column("bot_answer", sa.Text, nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("organisation_type", sa.String(32), nullable=False),
        sa.Column("country", sa.String(8), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("assignees", sa.Text, nullable=False),
        sa.Column("passed_by", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("answer_language", sa.String(8), nullable=False),
        sa.Column("answered_by", sa.String(96), nullable=False),
        sa.Column("card_id", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "organiser_regions",
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("countries", sa.Text, nullable=False),
    )
    op.create_table(
        "organiser_cards",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("questions", sa.Text, nullable=False),
        sa.Column("answers", sa.Text, nullable=False),
        sa.Column("source_url", sa.Text, nullable=False),
        sa.Column("handoff_id", sa.String(16), nullable=False),
        sa.Column("created_by", sa.String(96), nullable=False),
        sa.Column("published_by", sa.String(96), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("organiser_cards")
    op.drop_table("organiser_regions")
    op.drop_table("handoffs")
