"""Hand-offs and the cards kept from them, on the web page: a member's question answered from the
page reaches the member, the answer kept as a draft card, the card completed and published."""

from __future__ import annotations

import re

import httpx

from bot.app import App
from tests.bot.onboarding.member import RecordingSender
from tests.bot.web.conftest import signed_in


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match
    return match.group(1)


async def handed_off(app: App, question: str = "Who can fund our pilot in Wallonia?") -> str:
    app.services.senders["telegram"] = RecordingSender("telegram")
    handoff = await app.services.handoffs.ask(
        platform="telegram",
        user_id="555",
        chat_id="555",
        question=question,
        language="fr",
        organisation_type="social-enterprise",
        country="BE",
    )
    return handoff.id


async def test_an_open_hand_off_is_listed_without_naming_the_member(
    web_app: App, client: httpx.AsyncClient
) -> None:
    handoff_id = await handed_off(web_app)
    await signed_in(web_app, client)
    page = await client.get("/organisers/handoffs")
    assert "Who can fund our pilot in Wallonia?" in page.text
    assert "Social enterprise or cooperative, BE" in page.text
    assert "555" not in page.text
    one = await client.get(f"/organisers/handoffs/{handoff_id}")
    assert "555" not in one.text and "Send the answer" in one.text


async def test_an_answer_from_the_page_reaches_the_member(web_app: App, client: httpx.AsyncClient) -> None:
    handoff_id = await handed_off(web_app)
    await signed_in(web_app, client)
    page = await client.get(f"/organisers/handoffs/{handoff_id}")
    response = await client.post(
        f"/organisers/handoffs/{handoff_id}/answer",
        data={
            "csrf": csrf_of(page.text),
            "answer": "Ask the Walloon ESF+ managing authority @channel.",
            "language": "fr",
        },
    )
    assert response.status_code == 303
    sender = web_app.services.senders["telegram"]
    assert isinstance(sender, RecordingSender)
    reply, *_ = [r for t, r in sender.sent if t.chat_id == "555"]
    assert "Walloon ESF+ managing authority" in reply.text
    assert "@channel" not in reply.text.replace("@\u200bchannel", "")  # defanged as in chat
    shown = await client.get(response.headers["location"])
    assert "Your answer was sent to the member." in shown.text
    assert (await web_app.services.handoffs.get(handoff_id)).state == "answered"  # type: ignore[union-attr]
    again = await client.post(
        f"/organisers/handoffs/{handoff_id}/answer",
        data={"csrf": csrf_of(shown.text), "answer": "Second answer", "language": "fr"},
    )
    assert again.status_code == 409  # already answered: the service's refusal, shown on the page


async def test_an_answer_kept_as_a_card_is_completed_and_published(
    web_app: App, client: httpx.AsyncClient
) -> None:
    handoff_id = await handed_off(web_app)
    organiser = "telegram:100"
    await web_app.services.handoffs.answer(
        handoff_id, organiser=organiser, text="Ask your ESF+ authority.", language="en"
    )
    await signed_in(web_app, client)
    page = await client.get(f"/organisers/handoffs/{handoff_id}")
    saved = await client.post(
        f"/organisers/handoffs/{handoff_id}/card",
        data={"csrf": csrf_of(page.text), "source_url": "https://example.org/esf"},
    )
    assert saved.status_code == 303
    draft = await client.get(saved.headers["location"])
    assert "draft" in draft.text and "Ask your ESF+ authority." in draft.text
    card_id = saved.headers["location"].rsplit("/", 1)[1]
    added = await client.post(
        f"/organisers/cards/drafts/{card_id}/language",
        data={
            "csrf": csrf_of(draft.text),
            "language": "de",
            "question": "Wer finanziert unser Pilotprojekt?",
            "answer": "Fragen Sie Ihre ESF+-Verwaltungsbehörde.",
        },
    )
    assert added.status_code == 303
    published = await client.post(
        f"/organisers/cards/drafts/{card_id}/publish", data={"csrf": csrf_of(draft.text)}
    )
    assert published.status_code == 303
    card = await web_app.services.organiser_cards.get(card_id)
    assert card is not None and card.status == "published"
    assert card.answers["de"] == "Fragen Sie Ihre ESF+-Verwaltungsbehörde."
    listing = await client.get("/organisers/cards")
    assert card_id in listing.text and "published" in listing.text


async def test_hand_off_forms_need_their_csrf_token(web_app: App, client: httpx.AsyncClient) -> None:
    handoff_id = await handed_off(web_app)
    await signed_in(web_app, client)
    for action in ("answer", "pass", "close", "card"):
        response = await client.post(f"/organisers/handoffs/{handoff_id}/{action}", data={"answer": "x"})
        assert response.status_code == 403, action
    assert (await web_app.services.handoffs.get(handoff_id)).state == "open"  # type: ignore[union-attr]
