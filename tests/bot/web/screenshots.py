"""Screenshots of the organisers' web page for the README: ``python -m tests.bot.web.screenshots``.

Serves the web app on 127.0.0.1 (``tests.bot.web.live``) over a fresh database with two weeks of
made-up activity, a few events and hand-offs, and photographs the main pages with Playwright and
Debian's Chromium into ``docs/web-*.png``.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import sync_playwright

from bot.app import App
from bot.i18n import Catalogue
from knowledge.chroma_records import chroma_client
from knowledge.embeddings import build_embeddings
from knowledge.engine import KnowledgeEngine
from knowledge.index import VectorIndex
from knowledge.models import Answer
from tests.bot.web.live import LiveServer, seed_activity
from tests.conftest import LINKS, Clock

DOCS = Path(__file__).resolve().parents[3] / "docs"
ORGANISER = "telegram:100"
CHROMIUM = "/usr/bin/chromium"


async def seed(app: App) -> None:
    """Activity, events and hand-offs that look like a real fortnight."""
    await seed_activity(app)
    now = app.services.clock()
    for title, days, zone, place, region, topics in (
        ("Social economy summit", 9, "Europe/Madrid", "Palacio de Congresos, Madrid", "ES", "events,funding"),
        ("ESF+ calls for social enterprises: webinar", 16, "Europe/Brussels", "", "EU", "funding"),
        ("Cooperatives in Alentejo", 30, "Europe/Lisbon", "Évora", "PT", "events"),
    ):
        start = (now + timedelta(days=days)).strftime("%Y-%m-%d 10:00")
        await app.services.events.add(
            {
                "title": title,
                "start": start,
                "timezone": zone,
                "place": place,
                "region": region,
                "topics": topics,
                "online": "" if place else "https://example.org/live",
                "signup_url": "https://example.org/register",
            },
            created_by=ORGANISER,
        )
    for n, (question, language) in enumerate(
        (
            ("Can our cooperative get a grant to buy a building?", "en"),
            ("Is there a grant to buy premises for a cooperative?", "en"),
            ("Une coopérative peut-elle obtenir une aide pour acheter un local ?", "fr"),
            ("Who is the ESER contact person in Slovenia?", "en"),
            ("Who should we contact about ESER in Slovenia?", "en"),
            ("Wann ist die nächste ESER-Bewerbungsrunde?", "de"),
        )
    ):
        await app.services.answers.record_answer(
            platform="telegram",
            user_id=f"g{n}",
            chat_id=f"g{n}",
            thread=f"g{n}",
            answer=Answer(question=question, text="…", grounded=False, language=language, decline="unknown"),
            now=now - timedelta(hours=2 + n),
        )
    # A card drafted from the Slovenian-contact gap, completed in a second language.
    card = await app.services.organiser_cards.draft_from_gap(
        "Who is the ESER contact person in Slovenia?",
        language="en",
        answer="The ESER contact for Slovenia is the social economy unit of the Ministry of Economy; "
        "write to the ESER secretariat and they will put you in touch.",
        organiser=ORGANISER,
        source_url="https://example.org/eser/contacts",
    )
    await app.services.organiser_cards.add_language(
        card.id,
        "fr",
        question="Qui est le contact ESER en Slovénie ?",
        answer="Le contact ESER pour la Slovénie est l’unité d’économie sociale du ministère de l’Économie ; "
        "écrivez au secrétariat d’ESER, qui vous mettra en relation.",
    )
    for user, question, language, kind, country in (
        (
            "501",
            "Peut-on candidater à ESER en tant que communauté de communes ?",
            "fr",
            "public-authority",
            "FR",
        ),
        ("502", "Gibt es Fördermittel für Sozialunternehmen in Sachsen?", "de", "social-enterprise", "DE"),
        ("503", "Is there a cooperative fund in Łódź?", "pl", "ngo", "PL"),
    ):
        await app.services.handoffs.ask(
            platform="telegram",
            user_id=user,
            chat_id=user,
            question=question,
            language=language,
            organisation_type=kind,
            country=country,
        )


def main() -> None:
    """Take the screenshots."""
    clock = Clock(datetime.now(UTC).replace(microsecond=0))
    with tempfile.TemporaryDirectory() as folder:
        client = chroma_client(Path(folder) / "chroma")
        engine = KnowledgeEngine(
            VectorIndex(client, "eser", build_embeddings("bundled:all-MiniLM-L6-v2")),
            Catalogue(),
            clock=clock,
            links=LINKS,
        )
        live = LiveServer(Path(folder), engine, clock, ORGANISER).start()
        try:
            live.call(seed)
            handoff = live.call(lambda app: app.services.handoffs.listed())[0]
            card = live.call(lambda app: app.services.organiser_cards.listed())[0]
            gap_card = "/organisers/gaps/card?" + urlencode(
                {"question": "Is there a grant to buy premises for a cooperative?", "language": "en"}
            )
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-GB")
                page.goto(live.login_url(ORGANISER))
                for name, path in (
                    ("overview", "/organisers/"),
                    ("gaps", "/organisers/gaps"),
                    ("handoffs", "/organisers/handoffs"),
                    ("handoff", f"/organisers/handoffs/{handoff.id}"),
                    ("events", "/organisers/events"),
                    ("gap-card", gap_card),
                    ("cards", "/organisers/cards"),
                    ("card-edit", f"/organisers/cards/drafts/{card.id}/edit"),
                    ("overview-fr", "/organisers/?lang=fr"),
                ):
                    page.goto(live.base_url + path)
                    page.screenshot(path=DOCS / f"web-{name}.png", full_page=name != "cards")
                    print(f"docs/web-{name}.png")
                    if name == "overview-fr":
                        page.goto(live.base_url + "/organisers/?lang=en")
                browser.close()
        finally:
            live.stop()


if __name__ == "__main__":
    main()
