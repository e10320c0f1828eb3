"""Used sign-in links: each id is accepted once; expired ones are purged; /forget erases them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.erasure import count_member_rows, erase_member
from bot.store.web_logins import WebLoginStore

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def test_a_link_id_is_used_once_and_purged_after_expiry(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    store = WebLoginStore(sessions)
    expires = NOW + timedelta(minutes=15)
    assert await store.use("abc", platform="telegram", user_id="1", now=NOW, expires_at=expires)
    assert not await store.use("abc", platform="telegram", user_id="1", now=NOW, expires_at=expires)
    assert await store.use("def", platform="telegram", user_id="1", now=NOW, expires_at=expires)
    assert await store.purge(expires) == 0
    assert await store.purge(expires + timedelta(seconds=1)) == 2


async def test_forget_erases_the_member_s_used_links(sessions: async_sessionmaker[AsyncSession]) -> None:
    store = WebLoginStore(sessions)
    await store.use("abc", platform="telegram", user_id="7", now=NOW, expires_at=NOW)
    assert (await count_member_rows(sessions, "telegram", "7")).get("web_login_links") == 1
    await erase_member(sessions, "telegram", "7")
    assert not (await count_member_rows(sessions, "telegram", "7")).get("web_login_links")
