"""``PerMemberUpdateProcessor``: members are served concurrently, each member's updates in order."""

from __future__ import annotations

import asyncio
import itertools

from telegram import Update

from adapters.telegram.processor import PerMemberUpdateProcessor, member_key
from tests.fakes.telegram_updates import UpdateFactory

BOT_USER = {"id": 1, "is_bot": True, "first_name": "Bot", "username": "EserTestBot"}


def update_from(factory: UpdateFactory, user_id: int, text: str) -> Update:
    update = Update.de_json(factory.private_message(user_id, text), None)
    assert update is not None
    return update


async def test_one_members_updates_run_in_order_others_concurrently() -> None:
    factory = UpdateFactory(BOT_USER, itertools.count(1))
    processor = PerMemberUpdateProcessor(16)
    log: list[str] = []

    async def work(name: str, seconds: float) -> None:
        log.append(f"start {name}")
        await asyncio.sleep(seconds)
        log.append(f"end {name}")

    async with processor:
        await asyncio.gather(
            processor.process_update(update_from(factory, 7, "first"), work("a1", 0.05)),
            processor.process_update(update_from(factory, 7, "second"), work("a2", 0.0)),
            processor.process_update(update_from(factory, 8, "other"), work("b1", 0.0)),
        )
    # a2 waits for a1 although it is quicker; b1 (another member) does not wait.
    assert log.index("end a1") < log.index("start a2")
    assert log.index("end b1") < log.index("end a1")
    assert processor._locks == {} and processor._holders == {}  # nothing kept for idle members


def test_member_key_needs_a_chat_and_a_user() -> None:
    factory = UpdateFactory(BOT_USER, itertools.count(1))
    assert member_key(update_from(factory, 7, "hi")) == (7, 7)
    assert member_key(Update(update_id=1)) is None
    assert member_key("not an update") is None
