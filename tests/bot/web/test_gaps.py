"""Knowledge gaps on the web page: declined questions grouped, each with a form to write its card."""

from __future__ import annotations

from datetime import timedelta

import httpx

from bot.app import App
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
            user_id=f"member-who-asked-{n}",
            chat_id="c",
            thread=f"t{n}",
            answer=answer,
            now=now - timedelta(hours=1),
        )
    await signed_in(web_app, client)
    page = await client.get("/organisers/gaps")
    assert page.status_code == 200
    assert "dog" in page.text and "Write a card" in page.text
    # Who asked stays private (an id a random token cannot contain by chance).
    assert "member-who-asked" not in page.text
    card = await client.get(
        "/organisers/gaps/card", params={"question": "Are dogs allowed?", "language": "fr"}
    )
    assert card.status_code == 200 and 'value="Are dogs allowed?"' in card.text
    assert '<option value="fr" selected>' in card.text and 'name="answer"' in card.text
