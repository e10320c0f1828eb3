"""``/web`` in chat: a one-time sign-in link for organisers, in private chats only."""

from __future__ import annotations

import re

import httpx

from bot.app import App
from bot.models import IncomingMessage


def message(user: str, *, direct: bool = True, n: int = 1) -> IncomingMessage:
    return IncomingMessage(
        platform="telegram",
        chat_id=user if direct else "-100",
        user_id=user,
        text="/web",
        command="web",
        is_direct=direct,
        event_id=f"web-{user}-{n}",
    )


async def test_an_organiser_gets_a_link_that_signs_in(web_app: App, client: httpx.AsyncClient) -> None:
    (reply,) = await web_app.handle(message("100"))
    assert reply.ephemeral
    assert "works once, for 15 minutes" in reply.text
    url = re.search(r"http://testserver/organisers/login\?token=\S+", reply.text)
    assert url
    response = await client.get(url.group(0).removeprefix("http://testserver"))
    assert response.status_code == 303
    assert (await client.get("/organisers/")).status_code == 200


async def test_a_member_is_refused_and_gets_no_link(web_app: App) -> None:
    (reply,) = await web_app.handle(message("200"))
    assert "Only ESER organisers" in reply.text
    assert "token=" not in reply.text


async def test_no_link_is_posted_in_a_group(web_app: App) -> None:
    (reply,) = await web_app.handle(message("100", direct=False))
    assert "private chat" in reply.text
    assert "token=" not in reply.text
