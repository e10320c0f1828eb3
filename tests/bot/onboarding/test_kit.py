"""The starting kit differs by organisation type, country and interests, each section cited."""

from __future__ import annotations

import re

from bot.onboarding.kit import StartingKit, load_kit, profile_filters
from bot.store.profiles import MemberProfile
from knowledge.engine import KnowledgeEngine
from tests.conftest import Clock


def profile(**fields: object) -> MemberProfile:
    return MemberProfile(platform="telegram", user_id="1", chat_id="1", **fields)


def test_filters_boost_or_restrict() -> None:
    member = profile(organisation_type="ngo", country="BE")
    loose = profile_filters(member, strict=False)
    assert loose.boost_regions == ("BE",) and loose.boost_audiences == ("ngo",) and not loose.regions
    strict = profile_filters(member, strict=True)
    assert strict.regions == ("BE",) and strict.audiences == ("ngo",)
    anyone = profile_filters(profile(organisation_type="other"), strict=True)
    assert anyone.audiences == () and anyone.regions == ()


def test_sections_follow_interests(knowledge: KnowledgeEngine) -> None:
    kit = StartingKit(knowledge, load_kit())
    assert [s.id for s in kit.sections_for(profile())] == ["take_part", "funding", "events"]
    assert [s.id for s in kit.sections_for(profile(interests=("skills", "policy")))] == [
        "take_part",
        "funding",
        "events",
        "policy",
        "skills",
    ]


async def test_kits_differ_by_organisation_type_and_region(knowledge: KnowledgeEngine) -> None:
    kit = StartingKit(knowledge, load_kit())
    authority = await kit.build(
        profile(organisation_type="public-authority", country="BE", region="BE-BRU"), "en"
    )
    cooperative = await kit.build(
        profile(organisation_type="social-enterprise", country="PL", region="PL-14"), "en"
    )
    assert len(authority) == len(cooperative) == 3
    for reply in [*authority, *cooperative]:
        markers = {int(n) for n in re.findall(r"\[(\d+)\]", reply.text)}
        assert reply.citations and markers == {c.n for c in reply.citations}

    take_part_a, funding_a, events_a = authority
    take_part_c, funding_c, events_c = cooperative
    assert "expression of interest" in take_part_a.text.lower()
    assert "cooperative" in take_part_c.text.lower()
    assert {c.url for c in take_part_a.citations} != {c.url for c in take_part_c.citations}
    assert "TEST-2027-CLUSTERS" in funding_a.text and "TEST-2027-CLUSTERS" not in funding_c.text
    assert "network meeting 2027" in events_a.text and "network meeting 2027" not in events_c.text
    signups = [b.url for row in events_a.buttons for b in row]
    assert "https://events.example.org/eser-network-meeting-2027/register" in signups
    # The online webinar is offered to both (region PL, but anyone can join online).
    assert "webinar" in events_a.text.lower() and "webinar" in events_c.text.lower()


async def test_kit_in_the_member_language_with_interest_sections(knowledge: KnowledgeEngine) -> None:
    kit = StartingKit(knowledge, load_kit())
    replies = await kit.build(
        profile(organisation_type="researcher", country="DE", interests=("skills",)), "de"
    )
    assert [r.language for r in replies] == ["de"] * 4
    assert replies[0].text.startswith("🤝 Wie Sie bei ESER mitmachen können")
    assert replies[3].text.startswith("🎓 Kompetenzen und Weiterbildung")
    assert "Kompetenzpakt" in replies[3].text  # the Pact for Skills, from its card, in German
    assert any("pact-for-skills" in c.doc_id for c in replies[3].citations)


async def test_no_upcoming_events_says_so(knowledge: KnowledgeEngine, clock: Clock) -> None:
    clock.advance(days=3650)  # after every known event
    _, _, events = await StartingKit(knowledge, load_kit()).build(profile(country="FR"), "en")
    assert not events.citations and "social-economy-gateway" in events.text and not events.attachments
