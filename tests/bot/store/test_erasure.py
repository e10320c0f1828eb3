"""Erasing a member walks every member table, leaves other members alone and can run twice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.store.answers import AnswerStore, thread_key
from bot.store.base import member_reference_tables, member_tables
from bot.store.broadcasts import PENDING, SENDING, AnnouncementRow, OutboxRow
from bot.store.erasure import count_member_rows, erase_member
from bot.store.events import EventRow
from bot.store.gaps import GapStore
from bot.store.guided_chats import GuidedChatStore
from bot.store.handoffs import HandoffRow, HandoffStore
from bot.store.inbox import InboxStore
from bot.store.organisers import OrganiserStore
from bot.store.profiles import ProfileStore
from bot.store.quota import DatabaseQuota
from bot.store.web_logins import WebLoginStore
from knowledge.models import Answer
from tests.conftest import FIXED_NOW


async def fill(sessions: async_sessionmaker[AsyncSession], user: str) -> None:
    answers, profiles, flows = AnswerStore(sessions), ProfileStore(sessions), GuidedChatStore(sessions)
    answer_id = await answers.record_answer(
        platform="slack",
        user_id=user,
        chat_id="C1",
        thread=thread_key("slack", "C1", None),
        answer=Answer(question="q", text="a [1]"),
        now=FIXED_NOW,
    )
    await answers.vote(answer_id=answer_id, platform="slack", user_id=user, vote=1, now=FIXED_NOW)
    await answers.add_feedback(platform="slack", user_id=user, text="ok", now=FIXED_NOW)
    await profiles.update("slack", user, chat_id=f"D{user}", now=FIXED_NOW, language="it")
    await profiles.record_announcements(
        "slack",
        user,
        chat_id=f"D{user}",
        granted=True,
        topics=["events"],
        country="IT",
        region=None,
        now=FIXED_NOW,
    )
    # One run per table row count: onboarding finished, no dialogue open (a run per flow is its own row).
    await flows.save(
        "slack", user, "onboarding", chat_id=f"D{user}", status="done", state="{}", hint="it", now=FIXED_NOW
    )
    await OrganiserStore(sessions).grant("slack", user, granted_by="test", now=FIXED_NOW)
    async with sessions.begin() as session:
        announcement = AnnouncementRow(
            idempotency_key=f"k-{user}",
            text="hello",
            created_by=f"slack:{user}",  # they are also an organiser
            state=SENDING,
            created_at=FIXED_NOW,
            send_at=FIXED_NOW,
        )
        session.add(announcement)
        await session.flush()
        session.add(
            OutboxRow(
                announcement_id=announcement.id,
                platform="slack",
                chat_id=f"D{user}",
                user_id=user,
                state=PENDING,
                next_attempt_at=FIXED_NOW,
            )
        )
        session.add(
            EventRow(
                id=f"ev-{user}",
                title="Summit",
                start_at=FIXED_NOW,
                end_at=FIXED_NOW,
                timezone="Europe/Rome",
                created_by=f"slack:{user}",
                created_at=FIXED_NOW,
                updated_at=FIXED_NOW,
            )
        )
    await InboxStore(sessions).admit(
        f"slack:T1:Ev-{user}",
        platform="slack",
        user_id=user,
        payload="{}",
        now=FIXED_NOW,
        hold_until=FIXED_NOW,
    )
    await DatabaseQuota(sessions, 20, timedelta(minutes=10), lambda: FIXED_NOW).try_take(f"slack:{user}")
    handoffs = HandoffStore(sessions)
    await handoffs.add(
        HandoffRow(
            id=f"h-{user}",
            platform="slack",
            user_id=user,
            chat_id="C1",
            question="Who can help?",
            state="open",
            created_at=FIXED_NOW,
            updated_at=FIXED_NOW,
        )
    )
    await handoffs.set_regions("slack", user, ["IT"])  # they are also an organiser

    await GapStore(sessions).claim_digest("2026-W48", "slack", user, FIXED_NOW)  # they got a digest
    await WebLoginStore(sessions).use(  # and signed in to the organisers' page
        f"link-{user}", platform="slack", user_id=user, now=FIXED_NOW, expires_at=FIXED_NOW
    )


async def test_erase_member_empties_every_member_table(sessions: async_sessionmaker[AsyncSession]) -> None:
    await fill(sessions, "U1")
    await fill(sessions, "U2")
    assert set(member_reference_tables()) == {"announcements", "events"}
    assert set(member_tables()) >= {
        "inbox",
        "answers",
        "answer_votes",
        "feedback",
        "member_profiles",
        "member_consents",
        "subscriptions",
        "guided_chats",
        "organisers",
        "outbox",
        "question_quota",
        "handoffs",
        "organiser_regions",
    }
    before = await count_member_rows(sessions, "slack", "U1")
    assert all(count == 1 for count in before.values()), before
    assert await erase_member(sessions, "slack", "U1") == len(before)
    assert set((await count_member_rows(sessions, "slack", "U1")).values()) == {0}
    assert await count_member_rows(sessions, "slack", "U2") == before  # the other member keeps theirs
    assert await erase_member(sessions, "slack", "U1") == 0


async def test_erasing_a_member_removes_other_votes_on_their_answers(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    answers = AnswerStore(sessions)
    answer_id = await answers.record_answer(
        platform="telegram",
        user_id="asker",
        chat_id="G",
        thread="t",
        answer=Answer(question="q", text="a"),
        now=FIXED_NOW,
    )
    await answers.vote(
        answer_id=answer_id,
        platform="telegram",
        user_id="voter",
        vote=-1,
        now=FIXED_NOW + timedelta(seconds=1),
    )
    await erase_member(sessions, "telegram", "asker")
    # The vote pointed at an answer that no longer exists; it must not dangle.
    assert await answers.votes_for(answer_id) == []
