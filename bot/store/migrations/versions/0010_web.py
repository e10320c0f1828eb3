"""The organisers' web page: the ids of sign-in links already used (each link works once).

Revision ID: 0010_web
Revises: 0000_base
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_web"
down_revision = "0000_base"
branch_labels = ("web",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_login_links",
        sa.Column("token_id", sa.String(32), primary_key=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_web_login_links_expires_at", "web_login_links", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_web_login_links_expires_at", table_name="web_login_links")
    op.drop_table("web_login_links")
