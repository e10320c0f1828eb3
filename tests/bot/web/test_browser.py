"""The organisers' web page in a real browser: Playwright driving Debian's Chromium against the web
app served by uvicorn on 127.0.0.1 (one browser and one server for the module)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from bot.app import App
from bot.models import IncomingMessage
from knowledge.engine import KnowledgeEngine
from tests.bot.onboarding.member import RecordingSender
from tests.bot.web.live import LiveServer, seed_activity
from tests.conftest import Clock

CHROMIUM = "/usr/bin/chromium"
ORGANISER = "telegram:100"
pytestmark = pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed")


@pytest.fixture(scope="module")
def live(
    tmp_path_factory: pytest.TempPathFactory, web_knowledge: KnowledgeEngine, session_clock: Clock
) -> Iterator[LiveServer]:
    # The model loads now, not during the first saved event (whose page would wait for it).
    web_knowledge.index.embeddings.embed_query("warm up")
    server = LiveServer(tmp_path_factory.mktemp("web-live"), web_knowledge, session_clock, ORGANISER).start()
    server.call(seed_activity)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(60_000)  # two shared cores: a page saving an event embeds it first
    yield context.new_page()
    context.close()


def sign_in(page: Page, live: LiveServer) -> None:
    response = page.goto(live.login_url(ORGANISER))
    assert response is not None and response.status == 200
    expect(page).to_have_url(f"{live.base_url}/organisers/")


def test_a_link_signs_in_and_the_charts_render(page: Page, live: LiveServer) -> None:
    sign_in(page, live)
    expect(page.get_by_role("heading", name="How the assistant is doing")).to_be_visible()
    charts = page.locator("figure.chart svg[role=img]")
    expect(charts).to_have_count(4)  # languages, platforms, grounded share, votes; no hand-offs yet
    expect(page.locator("#handoffs")).to_contain_text("No data for this period yet.")
    assert page.locator("#by_language rect").count() > 10
    box = charts.first.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100  # drawn, not collapsed
    page.locator("#by_language summary").click()
    expect(page.locator("#by_language table tbody tr")).to_have_count(14)
    page.get_by_role("link", name="Deutsch").click()
    expect(page.get_by_role("heading", name="Wie es dem Assistenten geht")).to_be_visible()
    page.get_by_role("link", name="English").click()


def test_an_event_added_on_the_page_is_listed(page: Page, live: LiveServer) -> None:
    sign_in(page, live)
    page.get_by_role("link", name="Events").first.click()
    page.get_by_role("link", name="Add an event").click()
    page.get_by_label("Title").fill("Cooperatives in Alentejo")
    page.get_by_label("Start").fill("2027-04-20 09:30")
    page.get_by_label("Time zone").fill("Europe/Lisbon")
    page.get_by_label("Place").fill("Évora")
    page.get_by_label("Sign-up page").fill("https://example.org/alentejo")
    page.get_by_label("Country").fill("PT")
    page.get_by_role("button", name="Save the event").click()
    expect(page.get_by_role("status")).to_contain_text("saved")
    row = page.get_by_role("row", name="Cooperatives in Alentejo")
    expect(row).to_contain_text("Évora")
    stored = live.call(lambda app: app.services.events.list_stored())
    assert [event.title for event in stored] == ["Cooperatives in Alentejo"]


def test_a_bad_event_field_is_named_in_the_form(page: Page, live: LiveServer) -> None:
    sign_in(page, live)
    page.goto(f"{live.base_url}/organisers/events/new")
    page.get_by_label("Title").fill("No zone")
    page.get_by_label("Start").fill("2027-04-20 09:30")
    page.get_by_label("Time zone").fill("Mars/Olympus")
    page.get_by_role("button", name="Save the event").click()
    expect(page.get_by_role("alert")).to_contain_text("Time zone")
    expect(page.get_by_label("Title")).to_have_value("No zone")


def test_a_hand_off_is_answered_from_the_page(page: Page, live: LiveServer) -> None:
    async def ask(app: App) -> str:
        handoff = await app.services.handoffs.ask(
            platform="telegram",
            user_id="777",
            chat_id="777",
            question="Is there a cooperative fund in Łódź?",
            language="pl",
            organisation_type="ngo",
            country="PL",
        )
        return handoff.id

    handoff_id = live.call(ask)
    sign_in(page, live)
    page.get_by_role("link", name="Hand-offs").click()
    page.get_by_role("row", name="Is there a cooperative fund in Łódź?").get_by_role(
        "link", name="Answer"
    ).click()
    page.get_by_label("Your answer", exact=True).fill(
        "Tak: zapytaj regionalny ośrodek ekonomii społecznej w Łodzi."
    )
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_role("status")).to_contain_text("sent to the member")
    sender = live.app.services.senders["telegram"] if live.app else None
    assert isinstance(sender, RecordingSender)
    assert any(target.chat_id == "777" and "ośrodek ekonomii" in reply.text for target, reply in sender.sent)
    assert live.call(lambda app: app.services.handoffs.get(handoff_id)).state == "answered"  # type: ignore[union-attr]


def test_a_published_card_is_used_by_the_bot(page: Page, live: LiveServer) -> None:
    question = "Can a municipality host the ESER annual meeting in its town hall?"
    answer = "Yes: any member region can offer to host; write to the ESER secretariat with a proposed date."

    async def answered(app: App) -> str:
        handoff = await app.services.handoffs.ask(
            platform="telegram",
            user_id="888",
            chat_id="888",
            question=question,
            language="en",
        )
        await app.services.handoffs.answer(handoff.id, organiser=ORGANISER, text=answer, language="en")
        return handoff.id

    handoff_id = live.call(answered)
    sign_in(page, live)
    page.goto(f"{live.base_url}/organisers/handoffs/{handoff_id}")
    page.get_by_role("button", name="Keep this answer as an answer card (draft)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("draft")
    page.get_by_role("button", name="Publish the card").click()
    expect(page.get_by_role("status")).to_contain_text("Published")

    async def ask_bot(app: App) -> str:
        message = IncomingMessage(
            platform="telegram",
            chat_id="999",
            user_id="999",
            text=question,
            is_direct=True,
            event_id="web-card-1",
        )
        replies = await app.handle(message)
        return replies[-1].text

    assert "write to the ESER secretariat" in live.call(ask_bot)


def test_an_expired_or_reused_link_is_refused(page: Page, live: LiveServer, clock: Clock) -> None:
    link = live.login_url(ORGANISER)
    first = page.goto(link)
    assert first is not None and first.status == 200
    again = page.goto(link)
    assert again is not None and again.status == 410
    expect(page.get_by_text("already used")).to_be_visible()
    late = live.login_url(ORGANISER)
    clock.advance(minutes=16)
    expired = page.goto(late)
    assert expired is not None and expired.status == 410
    expect(page.get_by_text("has expired")).to_be_visible()


def test_a_member_who_is_not_an_organiser_is_refused(page: Page, live: LiveServer) -> None:
    response = page.goto(live.login_url("telegram:4242"))
    assert response is not None and response.status == 403
    expect(page.get_by_text("Only ESER organisers can use this page.")).to_be_visible()
    assert page.goto(f"{live.base_url}/organisers/events").status == 401  # type: ignore[union-attr]


def test_a_form_without_its_csrf_token_is_refused_by_the_server(live: LiveServer) -> None:
    with httpx.Client(base_url=live.base_url, follow_redirects=True) as http:
        signed = http.get(live.login_url(ORGANISER))
        assert signed.status_code == 200  # followed the redirect to the overview
        refused = http.post("/organisers/events", data={"title": "Forged", "start": "2027-01-01 10:00"})
        assert refused.status_code == 403
        assert http.get("/organisers/events").status_code == 200
    assert "Forged" not in [event.title for event in live.call(lambda app: app.services.events.list_stored())]
