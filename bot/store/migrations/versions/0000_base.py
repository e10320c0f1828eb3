"""Base revision: every feature's migration branch starts here.

Revision ID: 0000_base
Revises:
"""

revision = "0000_base"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
