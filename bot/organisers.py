"""Who may add events and broadcast: the ``ESER_ORGANISERS`` setting plus the role stored in the
database (``eser-bot organisers add``). Every organiser-only step asks here, on the server.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.store.organisers import OrganiserStore

log = logging.getLogger(__name__)


def parse_organiser_ids(values: Iterable[str]) -> frozenset[tuple[str, str]]:
    """Read ``platform:user_id`` entries (as in ``ESER_ORGANISERS``).

    Raises:
        ValueError: Naming the entry that is not ``telegram:<id>``, ``slack:<id>`` or ``console:<id>``.
    """
    parsed: set[tuple[str, str]] = set()
    for value in values:
        platform, sep, user_id = value.strip().partition(":")
        if not sep or not user_id.strip() or platform not in ("telegram", "slack", "console"):
            raise ValueError(f"not an organiser id (expected 'telegram:12345' or 'slack:U0123'): {value!r}")
        parsed.add((platform, user_id.strip()))
    return frozenset(parsed)


class Organisers:
    """The organiser check.

    Args:
        configured: Organisers from the settings (``platform:user_id``).
        store: The organiser role in the database.
    """

    def __init__(self, configured: Iterable[str], store: OrganiserStore) -> None:
        self._configured = parse_organiser_ids(configured)
        self.store = store

    async def is_organiser(self, platform: str, user_id: str) -> bool:
        """True when the member is an organiser (by setting or by stored role)."""
        if (platform, user_id) in self._configured:
            return True
        return await self.store.has_role(platform, user_id)

    async def on(self, platform: str) -> list[str]:
        """The user ids of every organiser on ``platform`` (setting and stored role), sorted."""
        stored = {user for p, user, _, _ in await self.store.all() if p == platform}
        return sorted(stored | {user for p, user in self._configured if p == platform})

    async def everyone(self) -> list[str]:
        """Every organiser on every platform (setting and stored role), as ``platform:user_id``, sorted."""
        stored = {f"{p}:{user}" for p, user, _, _ in await self.store.all()}
        return sorted(stored | {f"{p}:{user}" for p, user in self._configured})

    async def allow(self, platform: str, user_id: str, action: str) -> bool:
        """Check the member for ``action``; a refusal is logged (who, what) for the audit trail."""
        if await self.is_organiser(platform, user_id):
            return True
        log.warning("organiser check refused %s:%s for %s", platform, user_id, action)
        return False
