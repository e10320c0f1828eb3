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
