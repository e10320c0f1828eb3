"""What the core may know about a member beyond one message: language and retrieval preferences.

The onboarding feature stores profiles and provides a ``MemberDirectory``; until then (and for
members who never onboarded) ``NoProfiles`` answers for everyone.
"""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, Field

from knowledge.models import SearchFilters


class MemberContext(BaseModel, frozen=True):
    """Preferences that shape a member's answers.

    Attributes:
        language: Preferred language of fixed texts and answers (ISO 639-1), if known.
        filters: Retrieval filters and boosts derived from the member's profile.
        timezone: The member's IANA time zone (from their country), if known; event dates are shown
            in it, else in each event's own zone.
        audience: The member's organisation type (answer cards written for it are preferred).
        country: The member's country (ISO alpha-2), if known.
    """

    language: str | None = None
    filters: SearchFilters = Field(default_factory=SearchFilters)
    timezone: str | None = None
    audience: str | None = None
    country: str | None = None


class MemberDirectory(Protocol):
    """Looks up a member's context."""

    async def context(self, platform: str, user_id: str) -> MemberContext:
        """The member's context (an empty one for unknown members)."""
        ...


class NoProfiles:
    """A directory that knows nobody: every member gets the empty context."""

    async def context(self, platform: str, user_id: str) -> MemberContext:
        """The empty context."""
        return MemberContext()
