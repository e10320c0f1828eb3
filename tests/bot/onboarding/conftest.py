"""Fixtures of the onboarding tests: the throwaway PostgreSQL database for the backend test."""

from tests.bot.store.postgres import postgres_url

__all__ = ["postgres_url"]
