"""Errors the core raises for people to act on."""

from __future__ import annotations


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the setting to fix.

    Args:
        setting: The environment variable name (``TELEGRAM_BOT_TOKEN``).
        problem: What is wrong with it and how to fix it.
    """

    def __init__(self, setting: str, problem: str) -> None:
        super().__init__(f"{setting}: {problem}")
        self.setting = setting
        self.problem = problem


class DatabaseUnavailable(ConfigError):
    """The database cannot be reached now (refused, timed out, not created yet).

    A command stops on it with its one line like any ``ConfigError``; ``eser-bot serve`` waits for
    the database instead (``adapters.waiting``), since in a deployment it may simply come up later.
    """
