"""The fake Bot API's broadcast behaviour, driven through python-telegram-bot: Telegram's flood
limits (overall, per chat, per group), chats that are gone or migrated, flaky chats, and the
per-chat delivery counts broadcast tests assert on.

Exact limit checks use a ``ManualClock`` (time moves only when the test says so); checks of a
steady pace use a ``ScaledClock`` and leave room for scheduling jitter (90% of a limit must pass,
150% of it must be refused).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

import aiohttp
import pytest
from telegram import Bot
from telegram.error import Forbidden, RetryAfter, TelegramError
from telegram.request import HTTPXRequest

from adapters.telegram.posting import retry_after_seconds
from adapters.telegram.sender import TelegramSender
from bot.broadcast.clock import PacingClock, ScaledClock, WallClock
from bot.delivery import ChatMigrated, DeliveryError, RecipientGone, TransientDeliveryError
from bot.i18n import Catalogue
from bot.models import Reply, Target
from tests.fakes.limits import ManualClock
from tests.fakes.telegram_server import DROPPED, FakeTelegramServer, TelegramLimits


@asynccontextmanager
async def running(
    limits: TelegramLimits | None = None, pacing: PacingClock | None = None
) -> AsyncIterator[tuple[FakeTelegramServer, Bot]]:
    """A started fake and a bot talking to it over a pool wide enough for concurrent sends."""
    async with FakeTelegramServer(limits=limits, clock=pacing) as server:
        request = HTTPXRequest(connection_pool_size=64, pool_timeout=10)
        async with Bot(server.token, base_url=server.base_url, request=request) as bot:
            yield server, bot


async def send_all(bot: Bot, chat_ids: Iterable[int]) -> list[object]:
    """Send one message to each chat at once; the results (a ``Message`` or the error) in order."""
    sends = [bot.send_message(chat_id, "The ESER network meeting opens for sign-up") for chat_id in chat_ids]
    return await asyncio.gather(*sends, return_exceptions=True)


async def refusal(bot: Bot, chat_id: int) -> TelegramError | None:
    """The error a message to ``chat_id`` gets, or ``None`` when it is delivered."""
    try:
        await bot.send_message(chat_id, "Reminder: the network meeting is tomorrow")
    except TelegramError as error:
        return error
    return None


def retry_after(error: TelegramError | None) -> float:
    assert isinstance(error, RetryAfter), error
    return retry_after_seconds(error)


# --- flood limits ---------------------------------------------------------------------------------


async def test_limits_are_off_by_default() -> None:
    async with running() as (server, bot):
        results = await send_all(bot, [5] * 40 + [-5] * 40)
    assert not [r for r in results if isinstance(r, Exception)]
    assert server.delivered == {5: 40, -5: 40} and server.delivered_total == 80
    assert server.duplicates() == {5: 40, -5: 40}
    assert not server.rate_limited


async def test_overall_limit_refuses_a_burst_beyond_30_and_refills_at_30_a_second() -> None:
    pacing = ManualClock()
    async with running(TelegramLimits(), pacing) as (server, bot):
        chats = list(range(1000, 1045))
        results = await send_all(bot, chats)
        refused = [chat for chat, r in zip(chats, results, strict=True) if isinstance(r, RetryAfter)]
        assert len(refused) == 15 and server.delivered_total == 30
        assert all(retry_after(r) == 1 for r in results if isinstance(r, RetryAfter))
        assert server.rate_limited == {"global": 15}
        assert all(server.delivered[chat] == 0 for chat in refused)

        pacing.advance(0.5)  # 15 new tokens
        assert not [r for r in await send_all(bot, refused) if isinstance(r, Exception)]
        assert await refusal(bot, 2000) is not None  # and not one more
    assert server.delivered_total == 45 and server.duplicates() == {}


async def paced(
    bot: Bot, pacing: PacingClock, per_second: float, seconds: float, first_chat: int
) -> list[object]:
    """Send to fresh chats at ``per_second`` for ``seconds`` of ``pacing`` time, on a fixed schedule."""
    start = pacing.monotonic()
    sends: list[asyncio.Future[TelegramError | None]] = []
    for n in range(int(per_second * seconds)):
        await pacing.sleep(start + n / per_second - pacing.monotonic())
        sends.append(asyncio.ensure_future(refusal(bot, first_chat + n)))
    return list(await asyncio.gather(*sends))


async def test_overall_limit_accepts_a_steady_90_percent_beyond_the_first_burst() -> None:
    pacing = ScaledClock(5)
    async with running(TelegramLimits(), pacing) as (server, bot):
        errors = [e for e in await paced(bot, pacing, 27, 4, first_chat=1000) if e is not None]
    assert errors == [] and server.delivered_total == 108  # more than the bucket holds: it refilled
    assert not server.rate_limited


async def test_overall_limit_refuses_a_steady_triple_rate_on_the_wall_clock() -> None:
    # Real time, so that a loaded machine slowing the sender cannot bring it under the limit:
    # 90 sent in about a second while the bucket supplies about 30 + 30.
    async with running(TelegramLimits()) as (server, bot):
        errors = [e for e in await paced(bot, WallClock(), 90, 1, first_chat=1000) if e is not None]
    assert errors and all(isinstance(e, RetryAfter) for e in errors)
    assert server.rate_limited["global"] == len(errors)
    assert server.delivered_total == 90 - len(errors)


async def test_per_chat_limit_refuses_a_second_message_within_a_second() -> None:
    pacing = ManualClock()
    async with running(TelegramLimits(), pacing) as (server, bot):
        assert await refusal(bot, 42) is None
        assert retry_after(await refusal(bot, 42)) == 1
        assert await refusal(bot, 43) is None  # other chats are not held up
        pacing.advance(0.99)
        assert retry_after(await refusal(bot, 42)) == 1
        pacing.advance(0.01)
        assert await refusal(bot, 42) is None
    assert server.delivered == {42: 2, 43: 1}
    assert server.rate_limited == {"chat": 2}
    assert [call.status for call in server.calls_to("sendMessage", ok_only=False)] == [
        200,
        429,
        200,
        429,
        200,
    ]


async def test_per_chat_limit_on_a_scaled_clock() -> None:
    pacing = ScaledClock(10)
    async with running(TelegramLimits(), pacing) as (server, bot):
        for _ in range(5):  # one message every 1.1 s: fine
            assert await refusal(bot, 42) is None
            await pacing.sleep(1.1)
        assert await refusal(bot, 7) is None
        assert isinstance(await refusal(bot, 7), RetryAfter)  # straight after: refused
    assert server.delivered == {42: 5, 7: 1} and server.rate_limited == {"chat": 1}


async def test_a_document_after_a_message_counts_against_the_chat() -> None:
    pacing = ManualClock()
    async with running(TelegramLimits(), pacing) as (server, bot):
        await bot.send_message(42, "The network meeting: calendar file below")
        with pytest.raises(RetryAfter):
            await bot.send_document(42, b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", filename="eser.ics")
        pacing.advance(1)
        await bot.send_document(42, b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", filename="eser.ics")
    assert [call.method for call in server.messages_to(42)] == ["sendMessage", "sendDocument"]


async def test_group_limit_allows_20_a_minute_per_group() -> None:
    pacing = ManualClock()
    async with running(TelegramLimits(), pacing) as (server, bot):
        for _ in range(20):  # 20 in 30 s to the group, 20 to a private chat alongside
            assert await refusal(bot, -1001234) is None
            assert await refusal(bot, 77) is None
            pacing.advance(1.5)
        assert retry_after(await refusal(bot, -1001234)) == 30  # its first message leaves the window at 60 s
        assert await refusal(bot, -1005678) is None  # another group is not held up
        for _ in range(5):
            assert await refusal(bot, 77) is None  # private chats have no per-minute limit
            pacing.advance(1.5)
        pacing.advance(60 - 37.5)
        assert await refusal(bot, -1001234) is None
    assert server.delivered[-1001234] == 21 and server.delivered[77] == 25
    assert server.rate_limited == {"group": 1}


async def test_refused_requests_still_count_against_the_overall_limit() -> None:
    pacing = ManualClock()
    async with running(TelegramLimits(), pacing) as (server, bot):
        server.block(*range(500, 530))
        results = await send_all(bot, range(500, 530))
        assert all(isinstance(r, Forbidden) for r in results)
        assert isinstance(await refusal(bot, 42), RetryAfter)
    assert server.delivered_total == 0 and server.rate_limited == {"global": 1}


async def test_rate_limit_answer_is_the_bot_api_body() -> None:
    pacing = ManualClock()
    async with running(TelegramLimits(), pacing) as (server, _), aiohttp.ClientSession() as session:
        url = f"{server.base_url}{server.token}/sendMessage"
        async with session.post(url, data={"chat_id": "42", "text": "one"}) as first:
            assert first.status == 200
        async with session.post(url, data={"chat_id": "42", "text": "two"}) as second:
            assert second.status == 429
            assert await second.json() == {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            }
    assert server.delivered == {42: 1}


# --- recipients -----------------------------------------------------------------------------------


async def send_through_sender(
    server: FakeTelegramServer, catalogue: Catalogue, chat_id: int
) -> DeliveryError | None:
    """What ``TelegramSender`` (no retries: the outbox decides) makes of one message to ``chat_id``."""
    async with Bot(server.token, base_url=server.base_url) as bot:
        try:
            await TelegramSender(bot, catalogue).send(
                Target(platform="telegram", chat_id=str(chat_id)), Reply(text="A new ESER event")
            )
        except DeliveryError as error:
            return error
    return None


@pytest.mark.parametrize(
    ("mark", "chat_id", "description"),
    [
        ("block", 4242, "Forbidden: bot was blocked by the user"),
        ("deactivate", 4242, "Forbidden: user is deactivated"),
        ("kick", -4242, "Forbidden: bot was kicked from the group chat"),
        ("kick", -1004242, "Forbidden: bot was kicked from the supergroup chat"),
        ("forget", 4242, "Bad Request: chat not found"),
    ],
)
async def test_gone_recipients_are_refused_for_good(
    catalogue: Catalogue, mark: str, chat_id: int, description: str
) -> None:
    async with FakeTelegramServer() as server:
        getattr(server, mark)(chat_id, 99)
        for _ in range(2):
            error = await send_through_sender(server, catalogue, chat_id)
            # python-telegram-bot drops the "Bad Request: " prefix of a 400's description
            assert isinstance(error, RecipientGone)
            assert description.removeprefix("Bad Request: ").lower() in str(error).lower()
        assert await send_through_sender(server, catalogue, 1) is None
        server.restore(chat_id)
        assert await send_through_sender(server, catalogue, chat_id) is None
    assert server.delivered == {1: 1, chat_id: 1}


async def test_migrated_group_points_to_the_supergroup_which_accepts_messages(catalogue: Catalogue) -> None:
    async with FakeTelegramServer() as server:
        server.migrate(-4242, -1009876543210)
        error = await send_through_sender(server, catalogue, -4242)
        assert isinstance(error, ChatMigrated) and error.new_chat_id == "-1009876543210"
        assert await send_through_sender(server, catalogue, -1009876543210) is None
    assert server.delivered == {-1009876543210: 1}
    [message] = server.messages_to(-1009876543210)
    assert message.result["chat"]["type"] == "supergroup"


async def test_flaky_chat_answers_500_then_recovers(catalogue: Catalogue) -> None:
    async with FakeTelegramServer() as server:
        server.flaky(4242, times=2)
        for _ in range(2):
            assert isinstance(await send_through_sender(server, catalogue, 4242), TransientDeliveryError)
        assert await send_through_sender(server, catalogue, 4242) is None
    assert server.delivered == {4242: 1}
    assert [c.status for c in server.calls_to("sendMessage", ok_only=False)] == [500, 500, 200]


async def test_dropped_connection_delivers_nothing(catalogue: Catalogue) -> None:
    async with FakeTelegramServer() as server:
        server.flaky(4242, mode="drop")
        assert isinstance(await send_through_sender(server, catalogue, 4242), TransientDeliveryError)
        assert server.delivered_total == 0
        assert await send_through_sender(server, catalogue, 4242) is None
    assert server.duplicates() == {}
    assert [c.status for c in server.calls_to("sendMessage", ok_only=False)] == [DROPPED, 200]


async def test_lost_reply_delivers_so_a_blind_retry_duplicates(catalogue: Catalogue) -> None:
    async with FakeTelegramServer() as server:
        server.flaky(4242, mode="lost_reply")
        assert isinstance(await send_through_sender(server, catalogue, 4242), TransientDeliveryError)
        assert server.delivered == {4242: 1}
        assert await send_through_sender(server, catalogue, 4242) is None
    assert server.duplicates() == {4242: 2}


# --- counting deliveries --------------------------------------------------------------------------


async def test_deliveries_are_counted_per_chat() -> None:
    async with running() as (server, bot):
        server.block(3)
        waiting = asyncio.ensure_future(server.wait_for_deliveries(4))
        results = await send_all(bot, [1, 2, 3, 4, 4])
        assert await waiting == 4
        assert isinstance(results[2], Forbidden)
    assert server.delivered == {1: 1, 2: 1, 4: 2} and server.delivered_total == 4
    assert server.duplicates() == {4: 2} and server.duplicates(allowed=2) == {}
    assert [call.params["chat_id"] for call in server.messages_to(4)] == ["4", "4"]
    assert server.messages_to(3) == []


async def test_waiting_for_one_chat_counts_only_that_chats_messages() -> None:
    async with running() as (server, bot):
        waiting = asyncio.ensure_future(server.wait_for_messages_to(4, 2, seconds=5))
        await send_all(bot, [1, 4, 2])
        await asyncio.sleep(0.1)
        assert not waiting.done()  # three messages, one of them to chat 4
        await send_all(bot, [4])
        assert [call.params["chat_id"] for call in await waiting] == ["4", "4"]
        with pytest.raises(TimeoutError):
            await server.wait_for_messages_to(1, 2, seconds=0.2)


async def test_updates_come_again_until_a_later_offset_confirms_them() -> None:
    async with running() as (server, bot):
        first = server.enqueue(server.updates.private_message(7, "one"))
        second = server.enqueue(server.updates.private_message(7, "two"))
        assert [u.update_id for u in await bot.get_updates(timeout=0)] == [
            first["update_id"],
            second["update_id"],
        ]
        # A bot that died before asking again gets them again...
        assert len(await bot.get_updates(timeout=0)) == 2
        # ...until it confirms the first: only the second comes again.
        assert [u.update_id for u in await bot.get_updates(offset=first["update_id"] + 1, timeout=0)] == [
            second["update_id"]
        ]
        assert await bot.get_updates(offset=second["update_id"] + 1, timeout=0) == ()


async def test_a_slow_method_is_seen_started_before_it_answers() -> None:
    async with running() as (server, bot):
        server.delays["sendChatAction"] = 0.5
        action = asyncio.create_task(bot.send_chat_action(7, "typing"))
        await server.wait_started("sendChatAction", 1, seconds=2)
        assert server.calls_to("sendChatAction") == []
        assert await action
        assert len(server.calls_to("sendChatAction")) == 1
