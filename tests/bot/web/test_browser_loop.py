"""The organisers' loop in a real browser (Playwright and Debian's Chromium, like ``test_browser``):
a knowledge gap turned into a card that the bot then answers from, an event removed after its
confirmation step, and the broadcasts page with its delivery progress and report per announcement."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from bot.app import App
from bot.broadcast.models import Draft
from bot.models import IncomingMessage, Target
from bot.store.outbox import OutboxStore, Outcome
from knowledge.models import Answer
from tests.bot.web import test_browser as shared
from tests.bot.web.live import LiveServer
from tests.bot.web.test_browser import ORGANISER, sign_in

# The same browser, server and page fixtures as test_browser (each module starts its own server).
pytestmark = shared.pytestmark
browser = shared.browser
live = shared.live
page = shared.page

GAP = "Is there a quiet room for prayer at the ESER annual meeting?"
ANSWER = "Yes: a quiet room is open all day on the ground floor; ask at the welcome desk."


def test_a_gap_becomes_a_card_the_bot_answers_from(page: Page, live: LiveServer) -> None:
    async def declined(app: App) -> None:
        answer = Answer(question=GAP, text="…", grounded=False, language="en", decline="unknown")
        await app.services.answers.record_answer(
            platform="slack",
            user_id="U1",
            chat_id="C1",
            thread="t-gap",
            answer=answer,
            now=app.services.clock() - timedelta(hours=2),
        )

    live.call(declined)
    sign_in(page, live)
    page.get_by_role("link", name="Knowledge gaps").click()
    page.get_by_role("row", name=GAP).get_by_role("link", name="Write a card").click()
    expect(page.get_by_label("Question (the card’s first phrasing)")).to_have_value(GAP)
    page.get_by_label("Answer").fill(ANSWER)
    page.get_by_role("button", name="Save as a draft card").click()
    expect(page.get_by_role("status")).to_contain_text("Draft card saved")
    page.get_by_role("button", name="Publish the card").click()
    expect(page.get_by_role("status")).to_contain_text("Published")

    async def ask(app: App) -> str:
        message = IncomingMessage(
            platform="telegram",
            chat_id="71",
            user_id="71",
            text="Can I find a room to pray during the annual ESER meeting?",
            is_direct=True,
            event_id="gap-card-1",
        )
        return (await app.handle(message))[-1].text

    assert "quiet room is open all day" in live.call(ask)


def test_an_event_is_removed_after_its_confirmation(page: Page, live: LiveServer) -> None:
    fields = {"title": "Solidarity finance in Turin", "start": "2027-05-04 10:00", "timezone": "Europe/Rome"}
    event = live.call(lambda app: app.services.events.add(fields, created_by=ORGANISER))
    sign_in(page, live)
    page.get_by_role("link", name="Events").first.click()
    page.get_by_role("link", name="Remove Solidarity finance in Turin").click()
    expect(page.get_by_role("heading", name="Remove this event?")).to_be_visible()
    page.get_by_role("link", name="Keep it").click()
    expect(page.get_by_role("row", name="Solidarity finance in Turin")).to_be_visible()
    page.get_by_role("link", name="Remove Solidarity finance in Turin").click()
    page.get_by_role("button", name="Remove the event").click()
    expect(page.get_by_role("status")).to_contain_text("“Solidarity finance in Turin” removed")
    expect(page.get_by_role("row", name="Solidarity finance in Turin")).to_have_count(0)
    assert live.call(lambda app: app.services.events.get_stored(event.id)) is None


def test_the_broadcasts_page_shows_progress_and_the_report(page: Page, live: LiveServer) -> None:
    async def half_delivered(app: App) -> int:
        services = app.services
        now = services.clock()
        for platform, user in (("telegram", "61"), ("telegram", "62"), ("telegram", "63"), ("slack", "U64")):
            await services.subscriptions.subscribe(
                platform,
                user,
                chat_id=f"c{user}",
                topics=[],
                country=None,
                region=None,
                language="en",
                now=now,
            )
        organiser = Target(platform="telegram", chat_id=ORGANISER.split(":")[1])
        submitted = await services.broadcasts.submit(
            Draft(text="The 2027 call for ESER regions is open."), organiser=organiser, report_to=None
        )
        outbox = OutboxStore(services.sessions)
        await outbox.start_due(now)
        claimed = await outbox.claim("telegram", now, limit=2, lease=timedelta(minutes=1))
        await outbox.record([Outcome(claimed[0], "sent"), Outcome(claimed[1], "gone", error="blocked")], now)
        return submitted.announcement_id

    announcement = live.call(half_delivered)
    sign_in(page, live)
    page.get_by_role("link", name="Broadcasts").click()
    row = page.get_by_role("row", name=f"{announcement} The 2027 call for ESER regions is open.")
    expect(row.get_by_role("progressbar")).to_have_attribute("value", "50")
    expect(row).to_contain_text("2 of 4")
    row.get_by_role("link", name=str(announcement)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(announcement))
    report = page.get_by_role("table", name="Delivery report per platform")
    telegram = report.get_by_role("row", name="Telegram")
    expect(telegram.get_by_role("cell")).to_have_text(["1", "0", "1", "1", "3"])
    expect(report.get_by_role("row", name="Slack").get_by_role("cell")).to_have_text(
        ["0", "0", "0", "1", "1"]
    )
