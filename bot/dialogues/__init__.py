"""Organisers' guided chat dialogues: ``/newevent`` (add an event) and ``/announce`` (broadcast)."""

from __future__ import annotations

from bot.dialogues.announce import AnnounceDialogue
from bot.dialogues.base import DialogueHandler
from bot.dialogues.newevent import NewEventDialogue
from bot.i18n import LANGUAGES
from bot.onboarding.places import Places
from bot.router import Handler
from bot.services import Services


def build_handlers(services: Services) -> list[Handler]:
    """The dialogue handler (routed first: an open dialogue owns the organiser's direct messages)."""
    places = Places(LANGUAGES)
    return [DialogueHandler(services, [NewEventDialogue(places), AnnounceDialogue(places)])]
