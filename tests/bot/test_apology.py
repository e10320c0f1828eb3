"""What a member is told when their message could not be answered."""

from __future__ import annotations

from bot.apology import LanguageMemory, apology
from bot.i18n import Catalogue
from bot.models import IncomingMessage


def message(user: str, hint: str | None = None) -> IncomingMessage:
    return IncomingMessage(platform="slack", chat_id="D1", user_id=user, language_hint=hint, event_id="e")


def test_the_memory_keeps_the_most_recent_members() -> None:
    memory = LanguageMemory(size=2)
    memory.remember(message("a"), "fr")
    memory.remember(message("b"), "de")
    memory.remember(message("a"), "it")  # a is recent again
    memory.remember(message("c"), "pl")  # b, the oldest, is forgotten
    assert [memory.language(message(user, "es")) for user in "abc"] == ["it", "es", "pl"]
    assert memory.language(message("z")) == "en"


def test_an_outage_gets_the_short_apology_and_a_bug_the_reference(catalogue: Catalogue) -> None:
    memory = LanguageMemory()
    memory.remember(message("a"), "fr")
    outage = apology(catalogue, memory, message("a"), "ref1", ConnectionRefusedError(111, "refused"))
    assert outage.text == catalogue.text("error.unavailable", "fr") and outage.language == "fr"
    bug = apology(catalogue, memory, message("a"), "ref2", ValueError("bug"))
    assert "ref2" in bug.text and bug.text == catalogue.text("error.generic", "fr", reference="ref2")
