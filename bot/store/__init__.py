"""Persistence through SQLAlchemy 2 (async): SQLite by default, PostgreSQL with ``DATABASE_URL``."""
