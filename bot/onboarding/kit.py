"""The personal starting kit: cited answers, funding and events chosen by a member's profile.

Sections are declared in ``kit.yaml``; each becomes one ``Reply`` with its own citations, so a
renderer draws each section's sources under it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel

from bot.models import Attachment, Button, Reply
from bot.store.profiles import MemberProfile
from knowledge.engine import KnowledgeEngine
from knowledge.events import events_to_ics
from knowledge.listings import event_listing, funding_listing
from knowledge.models import Answer, SearchFilters

KIT_FILE = Path(__file__).parent / "kit.yaml"
DEFAULT = "default"
ONLINE = "online"
# Over-fetch, then keep the best few: open calls and nearby events must not be cut by rank alone.
FETCH = 20
FUNDING_ITEMS = 4
EVENT_ITEMS = 5


class KitSection(BaseModel, frozen=True):
    """One section of the kit (see ``kit.yaml``)."""

    id: str
    kind: Literal["answer", "funding", "events"]
    heading: str
    interest: str | None = None
    query: dict[str, str]

    def query_for(self, organisation_type: str | None) -> str:
        """The retrieval query for an organisation type."""
        return self.query.get(organisation_type or DEFAULT) or self.query[DEFAULT]


class KitPlan(BaseModel, frozen=True):
    """Every section, in order."""

    sections: tuple[KitSection, ...]


def load_kit(path: Path = KIT_FILE) -> KitPlan:
    """Read ``kit.yaml``."""
    return KitPlan.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def audience(profile: MemberProfile) -> str | None:
    """The knowledge base audience of the member's organisation type (None for "other" or unknown)."""
    kind = profile.organisation_type
    return kind if kind and kind != "other" else None


def profile_filters(profile: MemberProfile, *, strict: bool) -> SearchFilters:
    """Retrieval filters for the member.

    Args:
        profile: The member's profile.
        strict: Also keep only documents for the member's audience and country (EU-wide documents
            always stay); otherwise only rank those higher.
    """
    who = audience(profile)
    country = profile.country
    boosts = SearchFilters(
        boost_regions=(country,) if country else (),
        boost_audiences=(who,) if who else (),
    )
    if not strict:
        return boosts
    return boosts.model_copy(
        update={"regions": (country,) if country else (), "audiences": (who,) if who else ()}
    )


class StartingKit:
    """Builds a member's starting kit from the knowledge base.

    Args:
        knowledge: The knowledge engine.
        plan: The sections to build.
    """

    def __init__(self, knowledge: KnowledgeEngine, plan: KitPlan) -> None:
        self.knowledge = knowledge
        self.plan = plan

    def sections_for(self, profile: MemberProfile) -> list[KitSection]:
        """The sections this member gets (interest-bound ones only when picked)."""
        return [s for s in self.plan.sections if s.interest is None or s.interest in profile.interests]

    async def build(self, profile: MemberProfile, language: str) -> list[Reply]:
        """One reply per section, each with its heading, text, citations and buttons."""
        replies = []
        for section in self.sections_for(profile):
            query = section.query_for(profile.organisation_type)
            attachments: list[Attachment] = []
            if section.kind == "funding":
                answer = await self._funding(query, profile, language)
            elif section.kind == "events":
                answer, calendar = await self._events(query, profile, language)
                if calendar:
                    attachments.append(
                        Attachment(filename="eser-events.ics", content=calendar, mime_type="text/calendar")
                    )
            else:
                answer = await self.knowledge.answer(
                    query, filters=profile_filters(profile, strict=True), language=language
                )
            heading = self.knowledge.texts.text(section.heading, language)
            replies.append(
                Reply(
                    text=f"{heading}\n\n{answer.text}",
                    citations=list(answer.citations),
                    buttons=[[Button(label=action.label, url=action.url)] for action in answer.actions],
                    attachments=attachments,
                    language=language,
                )
            )
        return replies

    async def _funding(self, query: str, profile: MemberProfile, language: str) -> Answer:
        filters = profile_filters(profile, strict=True).model_copy(update={"kinds": ("funding",)})
        passages = await self.knowledge.search(query, filters=filters, k=FETCH)
        answer = funding_listing(
            query,
            passages,
            texts=self.knowledge.texts,
            language=language,
            today=self.knowledge.clock().date(),
            limit=FUNDING_ITEMS,
        )
        return answer if answer.grounded else self.knowledge.not_grounded(query, language)

    async def _events(self, query: str, profile: MemberProfile, language: str) -> tuple[Answer, bytes]:
        filters = profile_filters(profile, strict=False).model_copy(
            update={"kinds": ("event",), "starts_after": self.knowledge.clock()}
        )
        passages = await self.knowledge.search(query, filters=filters, k=FETCH)
        wanted = {"EU", (profile.country or "EU").upper()}
        # Events in the member's country, EU-wide ones, and online ones anyone can join.
        nearby = [
            p
            for p in passages
            if set(str(p.chunk.metadata.get("regions") or "|EU|").strip("|").split("|")) & wanted
            or str(p.chunk.metadata.get("place") or ONLINE).strip().lower() == ONLINE
        ]
        answer, events = event_listing(
            query, nearby, texts=self.knowledge.texts, language=language, limit=EVENT_ITEMS
        )
        if not events:
            return self.knowledge.not_grounded(query, language, "answer.no_upcoming_events"), b""
        return answer, events_to_ics(events)
