"""The Telegram adapter (python-telegram-bot): ``translate`` updates, ``render`` replies, run the bot.

``TelegramRunner`` is what ``eser-bot serve telegram`` starts; ``TelegramSender`` sends on the bot's
own initiative (broadcasts, onboarding DMs).
"""

from adapters.telegram.app import TelegramRunner
from adapters.telegram.sender import TelegramSender

__all__ = ["TelegramRunner", "TelegramSender"]
