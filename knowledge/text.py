"""The fixed phrases the knowledge layer needs, looked up in the bot's message catalogues."""

from __future__ import annotations

from typing import Protocol


class Texts(Protocol):
    """Anything that returns a message by key and language (``bot.i18n.Catalogue`` does)."""

    def text(self, key: str, language: str | None = None, **values: object) -> str:
        """The text for ``key`` in ``language`` with ``values`` filled in."""
        ...
