"""Platform adapters: each translates platform events into ``IncomingMessage``s for the core and
renders the core's ``Reply``s in its platform's idiom.

Every platform package (``adapters.telegram``, ``adapters.slack``) exposes a runner with this shape,
which ``eser-bot serve`` starts and stops; ``adapters.console`` is the terminal chat. Each platform
also declares what the core must know of it (``bot.platforms.PlatformCapabilities``: limits, group
chats, what a 429 holds, mention markup); ``adapters.platforms`` gathers them for ``build_app``.
"""

from __future__ import annotations

from typing import Protocol

from bot.delivery import Sender


class PlatformRunner(Protocol):
    """A running platform connection (polling, webhook, HTTP endpoint or socket)."""

    @property
    def platform(self) -> str:
        """``telegram`` or ``slack``."""
        ...

    @property
    def sender(self) -> Sender:
        """Sends on the bot's own initiative (registered in ``app.services.senders``)."""
        ...

    async def start(self) -> None:
        """Connect and begin handling events; returns once the runner is serving."""
        ...

    async def stop(self) -> None:
        """Stop taking new events, finish the answers in flight, then disconnect."""
        ...
