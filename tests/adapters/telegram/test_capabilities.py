"""What Telegram declares: its rate, group chats by their negative ids, and a flood wait that holds
the whole bot."""

from __future__ import annotations

from adapters.telegram.capabilities import telegram_capabilities


def test_telegram_declares_its_limits_and_a_bot_wide_429() -> None:
    telegram = telegram_capabilities(100.0)
    assert telegram.name == "telegram" and telegram.display_name == "Telegram" and telegram.broadcasts
    assert telegram.limits is not None and telegram.limits.messages_per_second == 100.0
    assert telegram.limits.chat_interval == 1.0 and telegram.limits.group_interval == 3.0
    assert telegram.rate_limit_scope == "platform"


def test_groups_are_the_chats_with_negative_ids() -> None:
    telegram = telegram_capabilities(30.0)
    assert telegram.is_group("-1001234") and not telegram.is_group("1234")


def test_telegram_markup_is_left_to_the_renderer() -> None:
    # The renderer escapes HTML; "<!channel>" means nothing on Telegram.
    assert telegram_capabilities(30.0).escape_markup("<!channel>") == "<!channel>"
