"""One table for every guided chat: onboarding and the organisers' dialogues move into
``guided_chats`` (one row per member and flow), and their two tables go.

Revision ID: 0005_guided_chats
Revises: 0003_broadcast
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0005_guided_chats"
down_revision = "0003_broadcast"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guided_chats",
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("flow", sa.String(32), primary_key=True),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("hint", sa.String(8), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )
    # INSERT ... SELECT copies the stored values as they are (dates included, on every database).
    op.execute(
        "INSERT INTO guided_chats (platform, user_id, flow, chat_id, status, state, hint, started_at, "
        "updated_at) SELECT platform, user_id, 'onboarding', chat_id, status, state, hint, started_at, "
        "updated_at FROM onboarding_states"
    )
    op.execute(
        "INSERT INTO guided_chats (platform, user_id, flow, chat_id, status, state, hint, started_at, "
        "updated_at) SELECT platform, user_id, kind, chat_id, 'active', state, 'en', started_at, "
        "updated_at FROM dialogue_states"
    )
    # A dialogue kept its organiser's language in its state; it is the run's language hint now.
    connection = op.get_bind()
    dialogues = connection.execute(sa.text("SELECT platform, user_id, kind, state FROM dialogue_states"))
    for platform, user_id, kind, state in dialogues.all():
        language = str(json.loads(state).get("language") or "en")[:8]
        connection.execute(
            sa.text(
                "UPDATE guided_chats SET hint = :hint "
                "WHERE platform = :platform AND user_id = :user_id AND flow = :flow"
            ),
            {"hint": language, "platform": platform, "user_id": user_id, "flow": kind},
        )
    op.drop_table("onboarding_states")
    op.drop_table("dialogue_states")


def downgrade() -> None:
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
    op.create_table(
        "dialogue_states",
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("chat_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute(
        "INSERT INTO onboarding_states (platform, user_id, chat_id, status, state, hint, started_at, "
        "updated_at) SELECT platform, user_id, chat_id, status, state, hint, started_at, updated_at "
        "FROM guided_chats WHERE flow = 'onboarding'"
    )
    op.execute(
        "INSERT INTO dialogue_states (platform, user_id, chat_id, kind, state, started_at, updated_at) "
        "SELECT platform, user_id, chat_id, flow, state, started_at, updated_at FROM guided_chats "
        "WHERE flow <> 'onboarding' AND status = 'active'"
    )
    op.drop_table("guided_chats")
