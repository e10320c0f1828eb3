"""Hand-offs: a member's question handed to the organisers responsible for their country, answered
(or passed on, or closed) by one of them, withdrawn by the member, reminded and escalated when left.

Every change is stored before anyone is told, so a restart loses nothing; a state change happens
only from the states it may come from (two organisers pressing *Answer* at once: one answer goes).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from bot.handoffs.models import Handoff, HandoffError
from bot.handoffs.reminders import send_reminders
from bot.handoffs.routing import covering
from bot.handoffs.values import HandoffLimits, Notifier, ReminderReport, organiser_answer_text
from bot.organisers import Organisers
from bot.safety import clean_text
from bot.store.handoffs import HandoffRow, HandoffStore

log = logging.getLogger(__name__)


class HandoffService:
    """Creates hand-offs and moves them through their states.

    Args:
        store: Where hand-offs and organisers' regions are kept.
        organisers: Who the organisers are.
        notifier: Tells organisers and members.
        limits: Rate limits and reminder timing.
        clock: Current UTC time.
    """

    def __init__(
        self,
        store: HandoffStore,
        organisers: Organisers,
        notifier: Notifier,
        limits: HandoffLimits,
        clock: Callable[[], datetime],
    ) -> None:
        self.store = store
        self.organisers = organisers
        self.notifier = notifier
        self.limits = limits
        self._clock = clock

    # --- the member's side ----------------------------------------------------------------------
    async def ask(
        self,
        *,
        platform: str,
        user_id: str,
        chat_id: str,
        question: str,
        language: str,
        thread_id: str | None = None,
        context: str = "",
        bot_answer: str = "",
        organisation_type: str = "",
        country: str = "",
    ) -> Handoff:
        """Hand a member's question to the organisers covering their country, in their private chats.

        Raises:
            HandoffError: ``handoff.error.too_many_open`` or ``handoff.error.too_many_today`` (with
                ``limit``) when the member reached a limit; ``handoff.error.no_organisers`` when the
                bot has no organiser at all.
        """
        now = self._clock()
        await self.check_limits(platform, user_id)
        recipients = await self._responsible(country)
        if not recipients:
            raise HandoffError("handoff.error.no_organisers")
        row = HandoffRow(
            id=uuid.uuid4().hex[:12],
            platform=platform,
            user_id=user_id,
            chat_id=chat_id,
            thread_id=thread_id,
            question=clean_text(question).strip(),
            context=clean_text(context).strip()[:500],
            bot_answer=bot_answer,
            language=language,
            organisation_type=organisation_type or "",
            country=(country or "").upper(),
            state="open",
            assignees=json.dumps(recipients),
            passed_by="[]",
            answer="",
            answer_language="",
            answered_by="",
            card_id="",
            created_at=now,
            updated_at=now,
        )
        await self.store.add(row)
        handoff = Handoff.of(row)
        reached = await self.notifier.to_organisers(handoff, recipients, "new")
        log.info("hand-off %s sent to %d of %d organisers", handoff.id, len(reached), len(recipients))
        return handoff

    async def check_limits(self, platform: str, user_id: str) -> None:
        """Refuse a member who has too many open hand-offs, or made too many today.

        Raises:
            HandoffError: ``handoff.error.too_many_open`` or ``handoff.error.too_many_today`` (with
                ``limit``).
        """
        limits = self.limits
        if await self.store.count_member(platform, user_id, state="open") >= limits.max_open:
            raise HandoffError("handoff.error.too_many_open", limit=limits.max_open)
        since = self._clock() - timedelta(days=1)
        if await self.store.count_member(platform, user_id, since=since) >= limits.per_day:
            raise HandoffError("handoff.error.too_many_today", limit=limits.per_day)

    async def withdraw(self, handoff_id: str, *, platform: str, user_id: str) -> Handoff:
        """The member takes their open question back.

        Raises:
            HandoffError: ``handoff.error.not_found`` (also for someone else's), or
                ``handoff.error.not_open`` (with ``state``).
        """
        handoff = await self.get(handoff_id)
        if handoff is None or (handoff.platform, handoff.user_id) != (platform, user_id):
            raise HandoffError("handoff.error.not_found")
        return await self._move(handoff, "withdrawn")

    async def of_member(self, platform: str, user_id: str) -> list[Handoff]:
        """The member's hand-offs, newest first."""
        return [Handoff.of(row) for row in await self.store.of_member(platform, user_id)]

    # --- the organisers' side -------------------------------------------------------------------
    async def answer(self, handoff_id: str, *, organiser: str, text: str, language: str) -> Handoff:
        """An organiser's answer: stored (defanged), sent to the member where they asked.

        Args:
            handoff_id: The hand-off.
            organiser: Who answers (``platform:user_id``).
            text: The answer as typed.
            language: The language it is written in.

        Raises:
            HandoffError: ``handoff.error.not_found``, ``handoff.error.not_organiser``,
                ``handoff.error.empty`` or ``handoff.error.not_open`` (with ``state``).
        """
        handoff = await self.for_organiser(handoff_id, organiser)
        answer = organiser_answer_text(text)
        if not answer:
            raise HandoffError("handoff.error.empty")
        now = self._clock()
        moved = await self._move(
            handoff,
            "answered",
            answer=answer,
            answer_language=language,
            answered_by=organiser,
            answered_at=now,
        )
        await self.notifier.to_member(moved, "answered")
        # The others who received it are told, so no two organisers answer the same question.
        others = [name for name in moved.assignees if name != organiser]
        await self.notifier.to_organisers(moved, others, "answered_elsewhere")
        return moved

    async def pass_on(self, handoff_id: str, *, organiser: str) -> Handoff:
        """ "Not for us": the hand-off goes to the other organisers (everyone left, when nobody else
        covers the member's country).

        Raises:
            HandoffError: As ``answer``; ``handoff.error.no_organisers`` when nobody else is left.
        """
        handoff = await self.for_organiser(handoff_id, organiser)
        if handoff.state != "open":
            raise HandoffError("handoff.error.not_open", state=handoff.state)
        passed = [*handoff.passed_by, organiser]
        recipients = await self._responsible(handoff.country, exclude=passed)
        if not recipients:
            raise HandoffError("handoff.error.no_organisers")
        changed = await self.store.update(
            handoff.id,
            only_if=("open",),
            passed_by=json.dumps(passed),
            assignees=json.dumps(recipients),
            updated_at=self._clock(),
        )
        if not changed:
            raise HandoffError("handoff.error.not_open", state=(await self._get(handoff.id)).state)
        moved = await self._get(handoff.id)
        await self.notifier.to_organisers(moved, recipients, "passed")
        return moved

    async def close(self, handoff_id: str, *, organiser: str) -> Handoff:
        """An organiser closes the hand-off (open: without an answer, and the member is told;
        answered: nothing more to do).

        Raises:
            HandoffError: ``handoff.error.not_found``, ``handoff.error.not_organiser`` or
                ``handoff.error.not_open`` when it is already closed or withdrawn.
        """
        handoff = await self.for_organiser(handoff_id, organiser)
        moved = await self._move(handoff, "closed", allowed=("open", "answered"))
        if handoff.state == "open":
            await self.notifier.to_member(moved, "closed")
        return moved

    async def get(self, handoff_id: str) -> Handoff | None:
        """One hand-off, or None."""
        row = await self.store.get(handoff_id)
        return Handoff.of(row) if row is not None else None

    async def listed(self, states: Sequence[str] = ("open",), limit: int = 200) -> list[Handoff]:
        """Hand-offs in ``states``, oldest first (the organisers' web page lists these)."""
        return [Handoff.of(row) for row in await self.store.listed(tuple(states), limit)]

    async def link_card(self, handoff_id: str, card_id: str) -> None:
        """Remember the card kept from the hand-off's answer."""
        await self.store.update(handoff_id, card_id=card_id, updated_at=self._clock())

    # --- regions ----------------------------------------------------------------------------------
    async def set_regions(self, organiser: str, countries: Sequence[str]) -> None:
        """Set the countries ``organiser`` (``platform:user_id``) covers; empty: every country."""
        platform, _, user_id = organiser.partition(":")
        await self.store.set_regions(platform, user_id, [code.strip().upper() for code in countries if code])

    async def regions(self) -> dict[str, list[str]]:
        """The countries of every organiser with regions set, by ``platform:user_id``."""
        return {f"{p}:{u}": codes for (p, u), codes in (await self.store.regions()).items()}

    # --- reminders (the delivering replica's periodic job) ----------------------------------------
    async def send_reminders(self) -> ReminderReport:
        """Remind the organisers of hand-offs open for ``limits.reminder``, and send those open for
        twice that to every organiser (each once)."""
        return await send_reminders(
            self.store, self.notifier, self.limits.reminder, self._clock(), self.everyone
        )

    async def purge(self, before: datetime) -> int:
        """Delete hand-offs untouched since ``before`` (retention); returns how many went."""
        return await self.store.purge(before)

    # --- helpers ----------------------------------------------------------------------------------
    async def everyone(self) -> list[str]:
        """Every organiser (``platform:user_id``)."""
        return await self._responsible(None, everyone=True)

    async def _responsible(
        self, country: str | None, *, exclude: Sequence[str] = (), everyone: bool = False
    ) -> list[str]:
        organisers = await self.organisers.everyone()
        if everyone:
            return organisers
        return covering(country, organisers, await self.regions(), exclude=exclude)

    async def _get(self, handoff_id: str) -> Handoff:
        handoff = await self.get(handoff_id)
        if handoff is None:
            raise HandoffError("handoff.error.not_found")
        return handoff

    async def for_organiser(self, handoff_id: str, organiser: str) -> Handoff:
        """The hand-off, once ``organiser`` is checked to be one.

        Raises:
            HandoffError: ``handoff.error.not_organiser`` or ``handoff.error.not_found``.
        """
        platform, _, user_id = organiser.partition(":")
        if not await self.organisers.is_organiser(platform, user_id):
            raise HandoffError("handoff.error.not_organiser")
        return await self._get(handoff_id)

    async def _move(
        self, handoff: Handoff, state: str, *, allowed: tuple[str, ...] = ("open",), **values: object
    ) -> Handoff:
        if handoff.state not in allowed or not await self.store.update(
            handoff.id, only_if=allowed, state=state, updated_at=self._clock(), **values
        ):
            current = await self._get(handoff.id)
            raise HandoffError("handoff.error.not_open", state=current.state)
        return await self._get(handoff.id)
