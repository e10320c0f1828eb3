"""The store fixtures (a migrated SQLite database, and PostgreSQL when it runs) for tests/bot/."""

from tests.bot.store.conftest import postgres_url, sessions

__all__ = ["postgres_url", "sessions"]
