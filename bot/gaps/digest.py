"""The weekly knowledge-gaps digest each organiser gets in their private chat, in their language:
the week's top gaps, the balance of 👍/👎 votes, and any extra sections other parts plug in.

The hook for more sections (the answered hand-offs, once that store exists) is
``Services.digest_sections``: a list of ``DigestSection`` coroutines, each given the services, the
week and the organiser's language and returning its text (or None to stay out). The composition
root appends to it; this module never needs to know who did.

It runs as a leader job (``bot.jobs``): on the configured day and hour (``ESER_GAPS_DIGEST_DAY``,
``ESER_GAPS_DIGEST_HOUR``, UTC) or at the first run after them in the same ISO week, once per
organiser and week — a claim row in ``gap_digests`` makes that hold across restarts and replicas.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from babel.dates import format_date, format_skeleton

from bot.gaps.report import Gap, knowledge_gaps
from bot.i18n import preferred_language
from bot.models import Reply, Target
from bot.services import Services
from bot.setting_checks import WEEKDAYS
from bot.settings import Settings
from bot.store.gaps import GapStore

log = logging.getLogger(__name__)
WEEK = timedelta(days=7)
TOP_GAPS = 5
EXAMPLE_CHARS = 140  # a digest line stays one line on a phone

DigestSection = Callable[[Services, datetime, datetime, str], Awaitable[str | None]]


def digest_week(settings: Settings, now: datetime) -> str | None:
    """The ISO week (``2026-W48``) whose digest is due at ``now``, or None when it is not yet time
    this week (or the digest is off)."""
    if settings.gaps_digest_day == "off":
        return None
    due = (WEEKDAYS.index(settings.gaps_digest_day), settings.gaps_digest_hour)
    if (now.weekday(), now.hour) < due:
        return None
    year, week, _ = now.isocalendar()
    return f"{year}-W{week:02d}"


async def compose_digest(
    services: Services,
    *,
    gaps: Sequence[Gap],
    votes: tuple[int, int],
    since: datetime,
    until: datetime,
    language: str,
) -> str:
    """The digest's text in ``language`` (plain text; adapters escape it).

    Args:
        services: For the catalogue and the plugged-in sections.
        gaps: The week's gaps, biggest first (the first ``TOP_GAPS`` are listed).
        votes: (👍, 👎) cast during the week.
        since: Start of the week covered.
        until: Its end (now).
        language: The organiser's language.
    """
    say = services.catalogue.text
    # Each language's own date forms: "November 19" / "19. November" / "19 de noviembre"...
    start = format_skeleton("MMMMd", since.date(), locale=language)
    end = format_date(until.date(), "long", locale=language)
    lines = [say("gaps.digest.title", language, start=start, end=end), ""]
    if gaps:
        lines.append(say("gaps.digest.intro", language))
        for n, gap in enumerate(gaps[:TOP_GAPS], start=1):
            example = (
                gap.example if len(gap.example) <= EXAMPLE_CHARS else gap.example[: EXAMPLE_CHARS - 1] + "…"
            )
            lines.append(
                say(
                    "gaps.digest.item",
                    language,
                    n=n,
                    example=example,
                    count=gap.count,
                    languages=", ".join(gap.languages),
                )
            )
    else:
        lines.append(say("gaps.digest.none", language))
    lines += ["", say("gaps.digest.votes", language, up=votes[0], down=votes[1])]
    for section in services.digest_sections:
        text = await section(services, since, until, language)
        if text:
            lines += ["", text]
    lines += ["", say("gaps.digest.more", language)]
    return "\n".join(lines)


async def send_weekly_digests(services: Services, now: datetime) -> int:
    """Send this week's digest to every organiser on every running platform that has not had it.

    An organiser whose send fails is tried again at the next run (their claim is released).

    Returns:
        How many digests were sent now.
    """
    week = digest_week(services.settings, now)
    if week is None:
        return 0
    store = GapStore(services.sessions)
    since = now - WEEK
    content: tuple[list[Gap], tuple[int, int]] | None = None
    sent = 0
    for platform, sender in sorted(services.senders.items()):
        for user_id in await services.organisers.on(platform):
            if not await store.claim_digest(week, platform, user_id, now):
                continue
            try:
                if content is None:  # worked out once, for the first organiser still to be sent it
                    gaps = await knowledge_gaps(services, since=since, until=now, limit=TOP_GAPS)
                    content = (gaps, await store.vote_balance(since, now))
                profile = await services.profiles.get(platform, user_id)
                language = preferred_language(profile.language if profile else None, None)
                text = await compose_digest(
                    services, gaps=content[0], votes=content[1], since=since, until=now, language=language
                )
                # Their private chat: the one their profile names (a Slack DM), else their user id.
                chat = profile.chat_id if profile and profile.chat_id else user_id
                await sender.send(Target.parse(f"{platform}:{chat}"), Reply(text=text, language=language))
            except Exception as error:
                log.warning(
                    "knowledge-gaps digest to %s:%s not sent (%s); will retry", platform, user_id, error
                )
                await store.release_digest(week, platform, user_id)
                continue
            sent += 1
            log.info("knowledge-gaps digest %s sent to %s:%s", week, platform, user_id)
    return sent
