"""The member directory backed by stored profiles: a member's language and retrieval preferences."""

from __future__ import annotations

from bot.members import MemberContext
from bot.onboarding.kit import audience, profile_filters
from bot.store.profiles import ProfileStore
from knowledge.events import country_zone


class ProfileDirectory:
    """``bot.members.MemberDirectory`` over the profile store.

    Answers to free questions only *boost* the member's country and audience (a better answer about
    another region still wins); the starting kit filters strictly.

    Args:
        profiles: The profile store.
    """

    def __init__(self, profiles: ProfileStore) -> None:
        self.profiles = profiles

    async def context(self, platform: str, user_id: str) -> MemberContext:
        """The member's language, boosts and time zone, or the empty context for an unknown member."""
        profile = await self.profiles.get(platform, user_id)
        if profile is None:
            return MemberContext()
        return MemberContext(
            language=profile.language,
            filters=profile_filters(profile, strict=False),
            timezone=country_zone(profile.country),
            audience=audience(profile),
            country=profile.country,
        )
