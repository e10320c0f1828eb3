"""The profile-backed member directory: language and retrieval boosts for answers."""

from __future__ import annotations

from bot.app import App
from bot.onboarding.directory import ProfileDirectory
from bot.store.profiles import ProfileStore
from tests.conftest import FIXED_NOW


async def test_unknown_member_gets_the_empty_context(app: App) -> None:
    context = await ProfileDirectory(app.services.profiles).context("slack", "nobody")
    assert context.language is None and context.filters.boost_regions == ()


async def test_profile_gives_language_and_boosts(app: App) -> None:
    profiles: ProfileStore = app.services.profiles
    await profiles.update(
        "slack", "U1", chat_id="D1", now=FIXED_NOW, language="es", organisation_type="network", country="ES"
    )
    context = await ProfileDirectory(profiles).context("slack", "U1")
    assert context.language == "es"
    assert context.filters.boost_regions == ("ES",) and context.filters.boost_audiences == ("network",)
    assert context.filters.regions == () and context.filters.audiences == ()  # boosts, not filters
    assert isinstance(app.services.members, ProfileDirectory)  # wired by the composition root


async def test_other_organisation_type_boosts_no_audience(app: App) -> None:
    await app.services.profiles.update("telegram", "5", chat_id="5", now=FIXED_NOW, organisation_type="other")
    context = await app.services.members.context("telegram", "5")
    assert context.filters.boost_audiences == () and context.language is None
