"""The broadcast side of a running bot: starts due announcements, runs one delivery worker per
platform with a sender, closes finished announcements and reports to their organisers.

It only delivers: what to send comes from organisers (``BroadcastService``) and from the event
reminders, which the periodic jobs (``bot.jobs``) schedule.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from bot.broadcast.clock import PacingClock, WallClock
from bot.broadcast.dispatcher import DispatchTuning, PlatformDispatcher
from bot.broadcast.message import announcement_reply
from bot.broadcast.pacing import FORGET_AFTER, Pacer
from bot.broadcast.report import delivery_report
from bot.i18n import preferred_language
from bot.models import Reply, Target
from bot.services import Services
from bot.store.announcements import AnnouncementStore
from bot.store.broadcasts import AnnouncementRow
from bot.store.outbox import OutboxItem, OutboxStore
from bot.store.recent_sends import recent_sends
from knowledge.events import country_zone
from knowledge.models import EventData

log = logging.getLogger(__name__)


class BroadcastRunner:
    """Delivers announcements for as long as it runs.

    Args:
        services: The core's services (senders are those registered by the running adapters; each
            platform's limits are those it declares in ``services.platforms``).
        clock: Clock of the platform limits (a scaled one in tests and benchmarks).
        tuning: Batching and retry settings of the workers.
        poll_seconds: Time between checks for due and finished announcements.
    """

    def __init__(
        self,
        services: Services,
        *,
        clock: PacingClock | None = None,
        tuning: DispatchTuning | None = None,
        poll_seconds: float = 1.0,
    ) -> None:
        self.services = services
        self.store = OutboxStore(services.sessions)
        self.announcements = AnnouncementStore(services.sessions)
        self.clock = clock or WallClock()
        settings = services.settings
        self.tuning = tuning or DispatchTuning(
            max_attempts=settings.broadcast_max_attempts,
            lease=timedelta(seconds=settings.broadcast_lease_seconds),
        )
        self.poll_seconds = poll_seconds
        self._announcements: dict[int, tuple[AnnouncementRow, EventData | None]] = {}

    async def run(self, stop: asyncio.Event) -> None:
        """Run until ``stop`` is set; the workers finish their sends in progress first.

        Rows a killed process held come back at the first tick (``recover``), once their lease ended.
        """
        for platform in sorted(set(self.services.senders) - set(self.services.platforms)):
            # Without its declared limits a platform cannot be paced: say so rather than fall silent.
            log.warning("%s declared no capabilities: its broadcasts are not delivered", platform)
        workers = [
            asyncio.create_task((await self._dispatcher(platform)).run(stop), name=f"outbox-{platform}")
            for platform in sorted(self.services.senders)
            if platform in self.services.platforms and self.services.platforms[platform].broadcasts
        ]
        try:
            while not stop.is_set():
                try:
                    await self.tick()
                except Exception:
                    log.exception("broadcast bookkeeping failed; trying again at the next tick")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.poll_seconds)
        finally:
            await asyncio.gather(*workers, return_exceptions=True)
            with contextlib.suppress(Exception):
                await self.tick()

    async def tick(self) -> None:
        """Start due announcements, recover expired claims, close finished ones and report them."""
        now = self.services.clock()
        for announcement_id in await self.store.start_due(now):
            log.info("announcement %d started", announcement_id)
        await self.store.recover(now)
        for announcement_id in await self.store.finish_complete(now):
            log.info("announcement %d finished", announcement_id)
            self._announcements.pop(announcement_id, None)
        for row in await self.announcements.unreported():
            await self._report(row)

    async def _dispatcher(self, platform: str) -> PlatformDispatcher:
        return PlatformDispatcher(
            self.services.senders[platform],
            self.store,
            await self._pacer(platform),
            self.message_for,
            self.services.clock,
            self.tuning,
        )

    async def _pacer(self, platform: str) -> Pacer:
        """The platform's pacer, holding up the chats the previous leader sent to lately.

        Without this a new leader would start with every chat free: a group the old one had just
        written to could get its next message at once, past the platform's per-group limit.
        """
        pacer = Pacer(self.services.platforms[platform], self.clock)
        now = self.services.clock()
        try:
            sends = await recent_sends(
                self.services.sessions, platform, now - timedelta(seconds=FORGET_AFTER)
            )
        except Exception:  # the database away for a moment: the 429 handling is the fallback
            log.exception("%s outbox: reading the recent sends failed; pacing starts afresh", platform)
            return pacer
        # A scaled test clock runs faster than the UTC times in the database.
        scale = getattr(self.clock, "scale", 1.0)
        pacer.seed(
            {chat: 0.0 if at is None else (now - at).total_seconds() * scale for chat, at in sends.items()}
        )
        return pacer

    async def message_for(self, item: OutboxItem) -> Reply:
        """The reply ``item``'s recipient gets (announcements and events are read once per run)."""
        cached = self._announcements.get(item.announcement_id)
        if cached is None:
            row = await self.announcements.get(item.announcement_id)
            if row is None:
                raise LookupError(f"announcement {item.announcement_id} vanished")
            cached = (row, await self.services.broadcasts.event(row.event_id))
            self._announcements[item.announcement_id] = cached
        row, event = cached
        return announcement_reply(
            text=row.text,
            kind=row.kind,
            event=event,
            language=item.language,
            catalogue=self.services.catalogue,
            notify_channel=row.notify_channel and item.kind == "channel",
            timezone=country_zone(item.country),
            escape_markup=self.services.platforms[item.platform].escape_markup,
        )

    async def _report(self, row: AnnouncementRow) -> None:
        target = Target.parse(row.report_to or "")
        sender = self.services.senders.get(target.platform)
        if sender is None:
            return  # reported when that platform's adapter runs; `eser-bot broadcast status` shows it
        if not await self.announcements.claim_report(row.id, self.services.clock()):
            return  # another instance is sending it
        status = (await self.services.broadcasts.status(row.id))[0]
        language = await self._organiser_language(row.created_by)
        text = delivery_report(status, self.services.catalogue, language, self.services.platforms)
        reply = Reply(text=text, language=language)
        try:
            await sender.send(target, reply)
        except Exception as error:
            log.warning("delivery report of announcement %d not sent (%s); will retry", row.id, error)
            await self.announcements.release_report(row.id)

    async def _organiser_language(self, created_by: str) -> str:
        try:
            target = Target.parse(created_by)
        except ValueError:  # the organiser asked to be forgotten, or it was the command line
            return "en"
        profile = await self.services.profiles.get(target.platform, target.chat_id)
        return preferred_language(profile.language if profile else None, None)
