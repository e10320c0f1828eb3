"""The organisers' web app over HTTP (in process): signing in, refusals, CSRF, the role on every
request, languages, and each page's content."""

from __future__ import annotations

import re

import httpx
import pytest

from bot.app import App
from bot.web.app import routes
from tests.bot.web.conftest import MEMBER, ORGANISER, login_path, signed_in
from tests.conftest import Clock

PAGES = [
    "/organisers/",
    "/organisers/events",
    "/organisers/events/new",
    "/organisers/cards",
    "/organisers/broadcasts",
]


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


async def test_a_link_signs_in_once_and_opens_every_page(web_app: App, client: httpx.AsyncClient) -> None:
    path = login_path(web_app)
    response = await client.get(path)
    assert response.status_code == 303
    assert response.headers["location"] == "/organisers/"
    for page in PAGES:
        shown = await client.get(page)
        assert shown.status_code == 200, page
        assert 'name="csrf"' in shown.text
    again = await client.get(path)
    assert again.status_code == 410
    assert "already used" in again.text


async def test_without_a_session_every_page_explains_how_to_sign_in(client: httpx.AsyncClient) -> None:
    for page in PAGES:
        response = await client.get(page)
        assert response.status_code == 401
        assert "/web" in response.text


async def test_a_forged_link_is_refused(web_app: App, client: httpx.AsyncClient) -> None:
    path = login_path(web_app)
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    assert (await client.get(tampered)).status_code == 403
    assert (await client.get("/organisers/login?token=nonsense")).status_code == 403
    assert (await client.get("/organisers/login")).status_code == 403
    assert (await client.get("/organisers/")).status_code == 401


async def test_an_expired_link_is_refused(web_app: App, client: httpx.AsyncClient, clock: Clock) -> None:
    path = login_path(web_app)
    clock.advance(minutes=web_app.services.settings.web_link_minutes, seconds=1)
    response = await client.get(path)
    assert response.status_code == 410
    assert "expired" in response.text
    assert (await client.get("/organisers/")).status_code == 401


async def test_a_member_who_is_not_an_organiser_is_refused(web_app: App, client: httpx.AsyncClient) -> None:
    response = await client.get(login_path(web_app, MEMBER))
    assert response.status_code == 403
    assert "Only ESER organisers" in response.text


async def test_a_session_whose_organiser_lost_the_role_is_refused(
    web_app: App, client: httpx.AsyncClient, clock: Clock
) -> None:
    await web_app.services.organisers.store.grant("slack", "U9", granted_by="test", now=clock())
    response = await client.get(login_path(web_app, ("slack", "U9")))
    assert response.status_code == 303
    assert (await client.get("/organisers/events")).status_code == 200
    await web_app.services.organisers.store.revoke("slack", "U9")
    assert (await client.get("/organisers/events")).status_code == 403


def post_routes() -> list[str]:
    found = []
    for mount in routes():
        for route in getattr(mount, "routes", []):
            if "POST" in (getattr(route, "methods", None) or ()):
                found.append(mount.path + route.path)
    return found


def test_the_forms_are_the_ones_the_csrf_test_covers() -> None:
    assert sorted(post_routes()) == sorted(
        [
            "/organisers/logout",
            "/organisers/events",
            "/organisers/events/{event_id}",
            "/organisers/events/{event_id}/remove",
            "/organisers/gaps/card",
            "/organisers/handoffs/{handoff_id}/{action}",
            "/organisers/cards/drafts/{card_id}/language",
            "/organisers/cards/drafts/{card_id}/publish",
            "/organisers/cards/drafts/{card_id}/edit",
        ]
    )


@pytest.mark.parametrize("token", [None, "wrong"])
async def test_every_form_without_its_csrf_token_is_refused(
    web_app: App, client: httpx.AsyncClient, token: str | None
) -> None:
    await signed_in(web_app, client)
    event = await web_app.services.events.add(
        {"title": "Kept", "start": "2027-01-10 10:00", "timezone": "Europe/Madrid"}
    )
    fields = {"title": "Changed", "start": "2027-01-11 10:00", "timezone": "Europe/Madrid"}
    card = await web_app.services.organiser_cards.draft_from_gap(
        "Kept question?", language="en", answer="Kept answer.", organiser="telegram:100"
    )
    gap = {"question": "Forged?", "language": "en", "answer": "Forged."}
    edit = {"questions_en": "Forged?", "answer_en": "Forged."}
    for path, data in (
        ("/organisers/events", fields),
        (f"/organisers/events/{event.id}", fields),
        (f"/organisers/events/{event.id}/remove", {}),
        ("/organisers/gaps/card", gap),
        (f"/organisers/cards/drafts/{card.id}/edit", edit),
        ("/organisers/logout", {}),
    ):
        response = await client.post(path, data=data if token is None else {**data, "csrf": token})
        assert response.status_code == 403, path
    stored = await web_app.services.events.list_stored(upcoming=False)
    assert [item.title for item in stored] == ["Kept"]
    assert [kept.answers for kept in await web_app.services.organiser_cards.listed()] == [
        {"en": "Kept answer."}
    ]
    assert (await client.get("/organisers/")).status_code == 200  # still signed in


async def test_an_event_added_on_the_page_is_stored_and_listed(
    web_app: App, client: httpx.AsyncClient
) -> None:
    await signed_in(web_app, client)
    form = await client.get("/organisers/events/new")
    fields = {
        "csrf": csrf_of(form.text),
        "title": "Social economy summit",
        "start": "2027-03-15 09:00",
        "end": "2027-03-15 17:00",
        "timezone": "Europe/Lisbon",
        "place": "Lisbon",
        "signup_url": "https://example.org/register",
        "language": "pt",
        "region": "PT",
        "topics": "events, funding",
    }
    response = await client.post("/organisers/events", data=fields)
    assert response.status_code == 303
    stored = await web_app.services.events.list_stored()
    assert [(event.title, event.region, event.topics) for event in stored] == [
        ("Social economy summit", "PT", ("events", "funding"))
    ]
    listed = await client.get(response.headers["location"])
    assert "Social economy summit" in listed.text


async def test_a_bad_field_is_named_and_nothing_is_stored(web_app: App, client: httpx.AsyncClient) -> None:
    await signed_in(web_app, client)
    form = await client.get("/organisers/events/new")
    response = await client.post(
        "/organisers/events",
        data={
            "csrf": csrf_of(form.text),
            "title": "Bad link",
            "start": "2027-03-15 09:00",
            "signup_url": "htp:/x",
        },
    )
    assert response.status_code == 400
    assert "Sign-up page" in response.text
    assert "signup_url is not an http(s) link" in response.text
    assert 'value="Bad link"' in response.text  # what was typed stays in the form
    assert await web_app.services.events.list_stored(upcoming=False) == []


async def test_an_event_is_edited_through_the_same_validation(
    web_app: App, client: httpx.AsyncClient
) -> None:
    await signed_in(web_app, client)
    event = await web_app.services.events.add(
        {"title": "Webinar", "start": "2027-02-01 10:00", "timezone": "Europe/Warsaw", "region": "PL"}
    )
    form = await client.get(f"/organisers/events/{event.id}")
    assert 'value="2027-02-01 10:00"' in form.text
    fields = {
        "csrf": csrf_of(form.text),
        "title": "Webinar on funding",
        "start": "2027-02-02 11:00",
        "timezone": "Europe/Warsaw",
        "region": "PL",
        "language": "pl",
    }
    response = await client.post(f"/organisers/events/{event.id}", data=fields)
    assert response.status_code == 303
    (stored,) = await web_app.services.events.list_stored()
    assert (stored.id, stored.title, stored.start.isoformat()) == (
        event.id,
        "Webinar on funding",
        "2027-02-02T10:00:00+00:00",
    )
    assert (await client.get("/organisers/events/ev-missing")).status_code == 404


async def test_pages_follow_the_browser_language_and_the_switcher(
    web_app: App, client: httpx.AsyncClient
) -> None:
    await signed_in(web_app, client)
    french = await client.get("/organisers/events", headers={"Accept-Language": "fr-BE,fr;q=0.9,en;q=0.5"})
    assert "Ajouter un événement" in french.text and 'lang="fr"' in french.text
    polish = await client.get("/organisers/events?lang=pl")
    assert "Dodaj wydarzenie" in polish.text
    still = await client.get("/organisers/events", headers={"Accept-Language": "fr"})
    assert "Dodaj wydarzenie" in still.text  # the choice is kept in the session


async def test_sign_out_ends_the_session(web_app: App, client: httpx.AsyncClient) -> None:
    await signed_in(web_app, client)
    page = await client.get("/organisers/")
    response = await client.post("/organisers/logout", data={"csrf": csrf_of(page.text)})
    assert response.status_code == 200
    assert "signed out" in response.text
    assert (await client.get("/organisers/")).status_code == 401


async def test_pages_carry_no_script_and_a_strict_policy(web_app: App, client: httpx.AsyncClient) -> None:
    await signed_in(web_app, client)
    response = await client.get("/organisers/")
    assert "<script" not in response.text
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["referrer-policy"] == "no-referrer"
    assert ORGANISER[1] not in response.text.replace("100 %", "")
