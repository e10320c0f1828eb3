"""Sign-in links of the organisers' web page that were already used: each link signs in once.

A link itself is never stored (it is signed, ``bot.web.tokens``); only the random id inside it, once
it has been used, until the link would have expired anyway.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.base import Base, UTCDateTime


class WebLoginRow(Base):
    """A used sign-in link: its id, whose it was, when it was used and when it would expire."""

    __tablename__ = "web_login_links"
    __table_args__ = {"info": {"member_keys": ("platform", "user_id")}}  # noqa: RUF012

    token_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class WebLoginStore:
    """Records used sign-in links.

    Args:
        sessions: Session factory of the bot's database.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def use(
        self, token_id: str, *, platform: str, user_id: str, now: datetime, expires_at: datetime
    ) -> bool:
        """Mark the link ``token_id`` used; False when it was used before.

        The primary key decides: two tabs (or two replicas) opening one link at once cannot both
        sign in, since only one insert succeeds.
        """
        try:
            async with self._sessions.begin() as session:
                session.add(
                    WebLoginRow(
                        token_id=token_id,
                        platform=platform,
                        user_id=user_id,
                        used_at=now,
                        expires_at=expires_at,
                    )
                )
        except IntegrityError:
            return False
        return True

    async def purge(self, now: datetime) -> int:
        """Forget used links that have expired anyway (a reuse is then refused as expired)."""
        async with self._sessions.begin() as session:
            result = await session.execute(delete(WebLoginRow).where(WebLoginRow.expires_at < now))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
