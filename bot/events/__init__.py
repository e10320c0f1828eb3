"""Organisers' events: validation, file import and the service that stores and indexes them."""

from bot.events.service import SOURCE_ROOT, EventService, ImportReport
from bot.events.validation import EventError

__all__ = ["SOURCE_ROOT", "EventError", "EventService", "ImportReport"]
