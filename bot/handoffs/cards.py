"""Answer cards kept from organisers' answers: saved as drafts, published by an organiser, indexed at
once (the cards collection, and the index version other replicas reload on).

A kept card's first phrasing is the member's question and its answer the organiser's, in the
language it was written in. It cites one source, a small document indexed beside it: the organiser's
link when they gave one, else "ESER organisers, <date>" (linked to the ESER page). It answers only
in the languages it has; a member asking in another gets it with the note that says so.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from bot.handoffs.card_documents import SOURCE_ROOT, card_doc_id, indexed_documents, note_doc_id
from bot.handoffs.card_edits import checked_content, checked_url, gap_card_id
from bot.handoffs.models import HandoffError, OrganiserCard
from bot.handoffs.service import HandoffService
from bot.handoffs.values import organiser_answer_text
from bot.i18n import LANGUAGES
from bot.store.handoffs import OrganiserCardRow
from knowledge.engine import KnowledgeEngine

log = logging.getLogger(__name__)


class OrganiserCards:
    """Keep, publish, translate and list organisers' cards.

    Args:
        handoffs: The hand-offs (a card is kept from one) and their store.
        knowledge: The engine whose index published cards go into (None: store only).
        clock: Current UTC time.
    """

    def __init__(
        self,
        handoffs: HandoffService,
        knowledge: KnowledgeEngine | None,
        clock: Callable[[], datetime],
    ) -> None:
        self.handoffs = handoffs
        self.store = handoffs.store
        self.knowledge = knowledge
        self._clock = clock
        self._indexed: dict[str, datetime] | None = None
        self._lock = asyncio.Lock()

    async def save_draft(self, handoff_id: str, *, organiser: str, source_url: str = "") -> OrganiserCard:
        """Keep an answered hand-off as a draft card (saving twice keeps one card).

        Raises:
            HandoffError: ``handoff.error.not_found``, ``handoff.error.not_organiser``, or
                ``handoff.error.not_answered``.
        """
        handoff = await self.handoffs.for_organiser(handoff_id, organiser)
        if not handoff.answer:
            raise HandoffError("handoff.error.not_answered")
        card_id = f"organisers-{handoff.id}"
        existing = await self.store.card(card_id)
        if existing is not None:
            return self._value(existing)
        now = self._clock()
        language = handoff.answer_language or handoff.language
        await self.store.add_card(
            OrganiserCardRow(
                id=card_id,
                status="draft",
                questions=json.dumps({handoff.language: [handoff.question]}, ensure_ascii=False),
                answers=json.dumps({language: handoff.answer}, ensure_ascii=False),
                source_url=source_url,
                handoff_id=handoff.id,
                created_by=organiser,
                published_by="",
                created_at=now,
                updated_at=now,
            )
        )
        await self.handoffs.link_card(handoff.id, card_id)
        log.info("organiser card %s saved as a draft by %s", card_id, organiser)
        return await self._card(card_id)

    async def publish(self, card_id: str, *, organiser: str) -> OrganiserCard:
        """Publish a draft: members get it from the next question on, in every replica.

        Raises:
            HandoffError: ``handoff.error.not_organiser`` or ``handoff.error.card_not_found``.
        """
        await self._check_organiser(organiser)
        now = self._clock()
        row = await self.store.update_card(
            card_id, status="published", published_by=organiser, published_at=now, updated_at=now
        )
        if row is None:
            raise HandoffError("handoff.error.card_not_found")
        card = self._value(row)
        await self._index([card])
        log.info("organiser card %s published by %s", card_id, organiser)
        return card

    async def add_language(self, card_id: str, language: str, *, question: str, answer: str) -> OrganiserCard:
        """Add (or replace) a card's phrasing and answer in ``language``; a published card is
        indexed again at once.

        Raises:
            HandoffError: ``handoff.error.card_not_found``, or ``handoff.error.empty``.
        """
        row = await self.store.card(card_id)
        if row is None:
            raise HandoffError("handoff.error.card_not_found")
        text = organiser_answer_text(answer)
        if not text or not question.strip() or language not in LANGUAGES:
            raise HandoffError("handoff.error.empty")
        questions = json.loads(row.questions)
        questions[language] = [
            question.strip(),
            *(q for q in questions.get(language, []) if q != question.strip()),
        ]
        answers = json.loads(row.answers)
        answers[language] = text
        changed = await self.store.update_card(
            card_id,
            questions=json.dumps(questions, ensure_ascii=False),
            answers=json.dumps(answers, ensure_ascii=False),
            updated_at=self._clock(),
        )
        assert changed is not None
        card = self._value(changed)
        if card.status == "published":
            await self._index([card])
        return card

    async def draft_from_gap(
        self, question: str, *, language: str, answer: str, organiser: str, source_url: str = ""
    ) -> OrganiserCard:
        """Draft a card for a knowledge gap: its example question as the first phrasing, the answer
        the organiser wrote (a draft for the same question already kept is returned unchanged).

        Raises:
            HandoffError: ``handoff.error.not_organiser``, or ``handoff.error.card_field`` naming
                the field to fix.
        """
        await self._check_organiser(organiser)
        language = language if language in LANGUAGES else "en"
        questions, answers = checked_content({language: [question]}, {language: answer})
        url = checked_url(source_url)
        card_id = gap_card_id(question)
        existing = await self.store.card(card_id)
        if existing is not None:
            return self._value(existing)
        now = self._clock()
        await self.store.add_card(
            OrganiserCardRow(
                id=card_id,
                status="draft",
                questions=json.dumps(questions, ensure_ascii=False),
                answers=json.dumps(answers, ensure_ascii=False),
                source_url=url,
                handoff_id="",
                created_by=organiser,
                published_by="",
                created_at=now,
                updated_at=now,
            )
        )
        log.info("organiser card %s drafted from a knowledge gap by %s", card_id, organiser)
        return await self._card(card_id)

    async def edit(
        self,
        card_id: str,
        *,
        questions: Mapping[str, Sequence[str]],
        answers: Mapping[str, str],
        source_url: str,
        organiser: str,
    ) -> OrganiserCard:
        """Replace a card's phrasings, answers and source link (a language left empty goes); a
        published card is indexed again at once, and other replicas follow on their next tick.

        Raises:
            HandoffError: ``handoff.error.not_organiser``, ``handoff.error.card_not_found``, or
                ``handoff.error.card_field`` naming the field to fix.
        """
        await self._check_organiser(organiser)
        kept_questions, kept_answers = checked_content(questions, answers)
        row = await self.store.update_card(
            card_id,
            questions=json.dumps(kept_questions, ensure_ascii=False),
            answers=json.dumps(kept_answers, ensure_ascii=False),
            source_url=checked_url(source_url),
            updated_at=self._clock(),
        )
        if row is None:
            raise HandoffError("handoff.error.card_not_found")
        card = self._value(row)
        if card.status == "published":
            await self._index([card])
        log.info("organiser card %s edited by %s", card_id, organiser)
        return card

    async def listed(self, status: str | None = None) -> list[OrganiserCard]:
        """Organisers' cards (``draft`` or ``published`` only when given), oldest first."""
        return [self._value(row) for row in await self.store.cards(status)]

    async def get(self, card_id: str) -> OrganiserCard | None:
        """One card, or None."""
        row = await self.store.card(card_id)
        return self._value(row) if row is not None else None

    async def remove(self, card_id: str) -> bool:
        """Delete a card and take it out of the index; False when there was none."""
        if not await self.store.delete_card(card_id):
            return False
        if self.knowledge is not None:
            await self.knowledge.remove_documents([card_doc_id(card_id), note_doc_id(card_id)])
        if self._indexed is not None:
            self._indexed.pop(card_id, None)
        return True

    async def refresh_if_changed(self) -> bool:
        """Index the cards another process published or changed since this one last looked (each
        replica's periodic job; one query when nothing changed). True when something changed."""
        if self.knowledge is None:
            return False
        current = await self.store.card_stamps()
        async with self._lock:
            known = self._indexed
            if known is None:
                changed = list(current)
                removed: list[str] = []
            else:
                changed = [card_id for card_id, stamp in current.items() if known.get(card_id) != stamp]
                removed = [card_id for card_id in known if card_id not in current]
            if changed:
                rows = [await self.store.card(card_id) for card_id in changed]
                await self._index_unlocked([self._value(row) for row in rows if row is not None])
            if removed:
                await self.knowledge.remove_documents(
                    [doc for card_id in removed for doc in (card_doc_id(card_id), note_doc_id(card_id))]
                )
            self._indexed = dict(current)
        return bool(changed or removed) and known is not None

    async def _index(self, cards: Sequence[OrganiserCard]) -> None:
        async with self._lock:
            await self._index_unlocked(cards)

    async def _index_unlocked(self, cards: Sequence[OrganiserCard]) -> None:
        if self.knowledge is None or not cards:
            return
        documents = [doc for card in cards for doc in indexed_documents(card, self.knowledge.links.eser)]
        await self.knowledge.upsert_documents(documents, source_root=SOURCE_ROOT, force=True)
        if self._indexed is not None:
            self._indexed.update({card.id: card.updated_at for card in cards})

    async def _check_organiser(self, organiser: str) -> None:
        platform, _, user_id = organiser.partition(":")
        if not await self.handoffs.organisers.is_organiser(platform, user_id):
            raise HandoffError("handoff.error.not_organiser")

    async def _card(self, card_id: str) -> OrganiserCard:
        row = await self.store.card(card_id)
        if row is None:
            raise HandoffError("handoff.error.card_not_found")
        return self._value(row)

    @staticmethod
    def _value(row: OrganiserCardRow) -> OrganiserCard:
        return OrganiserCard.of(row, LANGUAGES)
