"""What a member is told when their message could not be answered.

Usually a short apology with a reference id that is also in the log. When the database is out of
reach the bot cannot look anything up, the member's language included, so this module remembers the
language of the last replies each member got (a bounded, in-memory map) and says in it — or in the
language their platform reports — that the bot is having trouble and to try again in a few minutes.
"""

from __future__ import annotations

from collections import OrderedDict

from bot.i18n import Catalogue, preferred_language
from bot.models import IncomingMessage, Reply, command_prefix
from bot.store.database import is_unavailable

REMEMBERED_MEMBERS = 10_000


class LanguageMemory:
    """The language each recent member was last answered in, most recent members kept.

    Args:
        size: How many members are remembered.
    """

    def __init__(self, size: int = REMEMBERED_MEMBERS) -> None:
        self._size = size
        self._languages: OrderedDict[str, str] = OrderedDict()

    def remember(self, message: IncomingMessage, language: str) -> None:
        """Remember ``language`` for the member who sent ``message``."""
        key = f"{message.platform}:{message.user_id}"
        self._languages[key] = language
        self._languages.move_to_end(key)
        while len(self._languages) > self._size:
            self._languages.popitem(last=False)

    def language(self, message: IncomingMessage) -> str:
        """The remembered language, else the platform's hint, else English."""
        known = self._languages.get(f"{message.platform}:{message.user_id}")
        return preferred_language(known, message.language_hint)


def apology(
    catalogue: Catalogue, memory: LanguageMemory, message: IncomingMessage, reference: str, error: Exception
) -> Reply:
    """The reply to a message whose handling failed with ``error``."""
    language = memory.language(message)
    if is_unavailable(error):
        text = catalogue.text("error.unavailable", language, cmd=command_prefix(message.platform))
    else:
        text = catalogue.text("error.generic", language, reference=reference)
    return Reply(text=text, thread_id=message.thread_id, language=language)
