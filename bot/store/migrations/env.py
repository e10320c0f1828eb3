"""Alembic environment: runs on the connection handed in by ``bot.store.database.migrate``."""

from alembic import context

from bot.store.tables import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
