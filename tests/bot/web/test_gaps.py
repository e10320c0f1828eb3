"""Knowledge gaps on the web page: declined questions grouped, and a card skeleton to write."""

from __future__ import annotations

from datetime import timedelta

import httpx
import yaml

from bot.app import App
from bot.web.pages.gaps import card_skeleton
from knowledge.models import Answer
from tests.bot.web.conftest import signed_in


async def test_declined_questions_are_listed_with_a_card_to_write(
    web_app: App, client: httpx.AsyncClient
) -> None:
    now = web_app.services.clock()
    for n, question in enumerate(
        ["Can I bring my dog to the ESER meeting?", "Are dogs allowed at the ESER meeting?"]
    ):
        answer = Answer(question=question, text="…", grounded=False, language="en", decline="unknown")
        await web_app.services.answers.record_answer(
            platform="telegram",
            user_id=f"u{n}",
            chat_id="c",
            thread=f"t{n}",
            answer=answer,
            now=now - timedelta(hours=1),
        )
    await signed_in(web_app, client)
    page = await client.get("/organisers/gaps")
    assert page.status_code == 200
    assert "dog" in page.text and "Write a card" in page.text
    assert "u0" not in page.text
    card = await client.get(
        "/organisers/gaps/card", params={"question": "Are dogs allowed?", "language": "en"}
    )
    assert card.status_code == 200 and "status: draft" in card.text


def test_the_skeleton_is_a_draft_card_in_six_languages() -> None:
    (card,) = yaml.safe_load(card_skeleton("Où déposer un dossier ESER ?", "fr"))
    assert card["id"] == "ou-deposer-un-dossier-eser"
    assert card["status"] == "draft"
    assert card["questions"]["fr"] == ["Où déposer un dossier ESER ?"]
    assert sorted(card["answer"]) == ["de", "en", "es", "fr", "it", "pl"]
