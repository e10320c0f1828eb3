"""An organiser card edited on one replica answers with its new text on another: two apps on one
database, each with its own embedded index (as two ``serve`` processes have), the second picking the
change up on its periodic tick (``OrganiserCards.refresh_if_changed``)."""

from __future__ import annotations

from pathlib import Path

from adapters.platforms import platform_capabilities
from bot.app import App, build_app
from bot.i18n import Catalogue
from bot.models import IncomingMessage
from knowledge.chroma_records import chroma_client
from knowledge.engine import KnowledgeEngine
from knowledge.index import VectorIndex
from tests.conftest import LINKS, Clock, RememberingEmbeddings, make_settings

QUESTION = "Can I bring my bicycle into the ESER meeting venue?"
OTHER_PHRASING = "Is there somewhere to leave my bike at the ESER meeting?"


async def replica(
    folder: Path, name: str, embeddings: RememberingEmbeddings, catalogue: Catalogue, clock: Clock
) -> App:
    engine = KnowledgeEngine(
        VectorIndex(
            chroma_client(folder / f"chroma-{name}"),
            "eser",
            embeddings,
        ),
        catalogue,
        clock=clock,
        links=LINKS,
    )
    settings = make_settings(folder, ESER_ORGANISERS="telegram:100")
    return await build_app(settings, knowledge=engine, clock=clock, platforms=platform_capabilities(settings))


async def answer(app: App, text: str, n: int) -> str:
    message = IncomingMessage(
        platform="telegram", chat_id=f"8{n}", user_id=f"8{n}", text=text, is_direct=True, event_id=f"r-{n}"
    )
    return (await app.handle(message))[-1].text


async def test_an_edit_on_one_replica_reaches_the_other(
    tmp_path: Path, embeddings: RememberingEmbeddings, catalogue: Catalogue, clock: Clock
) -> None:
    first = await replica(tmp_path, "first", embeddings, catalogue, clock)
    second = await replica(tmp_path, "second", embeddings, catalogue, clock)
    try:
        await second.services.organiser_cards.refresh_if_changed()  # its first look: nothing yet
        cards = first.services.organiser_cards
        card = await cards.draft_from_gap(
            QUESTION, language="en", answer="Bicycles can be left in the courtyard.", organiser="telegram:100"
        )
        await cards.publish(card.id, organiser="telegram:100")
        assert await second.services.organiser_cards.refresh_if_changed()
        assert "left in the courtyard" in await answer(second, OTHER_PHRASING, 1)

        clock.advance(minutes=1)
        await cards.edit(
            card.id,
            questions={"en": [QUESTION]},
            answers={"en": "The courtyard is closed this year: use the public racks on the square."},
            source_url="",
            organiser="telegram:100",
        )
        assert "public racks" in await answer(first, OTHER_PHRASING, 2)  # at once where it was edited
        assert await second.services.organiser_cards.refresh_if_changed()
        on_second = await answer(second, OTHER_PHRASING, 3)
        assert "public racks" in on_second and "courtyard. " not in on_second
    finally:
        await first.close()
        await second.close()
