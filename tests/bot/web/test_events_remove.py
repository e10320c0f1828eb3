"""Removing an event on the web page: a confirmation step first, then the event leaves the table, the
index (answers) and /events at once."""

from __future__ import annotations

import httpx

from bot.app import App
from bot.models import IncomingMessage
from tests.bot.web.conftest import signed_in
from tests.bot.web.test_handoffs import csrf_of

EVENT = {
    "title": "Repair cafés in Ghent",
    "start": "2026-12-15 18:00",
    "timezone": "Europe/Brussels",
    "place": "Ghent",
    "signup_url": "https://example.org/ghent",
}


async def events_command(app: App) -> str:
    message = IncomingMessage(
        platform="telegram",
        chat_id="31",
        user_id="31",
        text="/events",
        command="events",
        is_direct=True,
        event_id="ev-31",
    )
    return "\n".join(reply.text for reply in await app.handle(message))


async def test_an_event_is_removed_after_a_confirmation(web_app: App, client: httpx.AsyncClient) -> None:
    event = await web_app.services.events.add(EVENT, created_by="telegram:100")
    assert web_app.services.knowledge.indexed_events(event_id=event.id)
    assert "Repair cafés in Ghent" in await events_command(web_app)
    await signed_in(web_app, client)

    listed = await client.get("/organisers/events")
    assert f'href="/organisers/events/{event.id}/remove"' in listed.text
    confirm = await client.get(f"/organisers/events/{event.id}/remove")
    assert confirm.status_code == 200 and "Remove this event?" in confirm.text and "Ghent" in confirm.text
    assert await web_app.services.events.get_stored(event.id) is not None  # asking removes nothing

    removed = await client.post(f"/organisers/events/{event.id}/remove", data={"csrf": csrf_of(confirm.text)})
    assert removed.status_code == 303
    after = await client.get(removed.headers["location"])
    assert "“Repair cafés in Ghent” removed" in after.text
    assert await web_app.services.events.get_stored(event.id) is None
    assert not web_app.services.knowledge.indexed_events(event_id=event.id)
    assert "Repair cafés in Ghent" not in await events_command(web_app)
    again = await client.post(f"/organisers/events/{event.id}/remove", data={"csrf": csrf_of(confirm.text)})
    assert again.status_code == 404
