"""What the organisers' loop hands out: hand-offs and organiser cards as plain values, and its errors."""

from __future__ import annotations

import json
from datetime import datetime

from pydantic import BaseModel

from bot.store.handoffs import CardStatus, HandoffRow, HandoffState, OrganiserCardRow, members


class Handoff(BaseModel, frozen=True):
    """A member's question handed to the organisers (see ``bot.store.handoffs`` for the states).

    Attributes:
        id: Its id (buttons and the web page name it).
        platform: The member's platform.
        user_id: The member.
        chat_id: Where the member asked (the answer goes back there).
        thread_id: The thread or message the answer replies to, if any.
        question: The member's question.
        context: The line of context the member added.
        bot_answer: What the bot answered, if it answered.
        language: The member's language.
        organisation_type: The member's organisation type, if known.
        country: The member's country (ISO code), if known.
        state: ``open``, ``answered``, ``closed`` or ``withdrawn``.
        assignees: Organisers it was sent to (``platform:user_id``).
        passed_by: Organisers who said "not for us".
        answer: The organiser's answer (defanged), once answered.
        answer_language: The language the answer was written in.
        answered_by: The organiser who answered (``platform:user_id``).
        card_id: The card kept from the answer, if any.
        created_at: When the member asked.
        updated_at: The last change.
        answered_at: When it was answered.
        reminded_at: When its organisers were reminded.
        escalated_at: When it went to every organiser.
    """

    id: str
    platform: str
    user_id: str
    chat_id: str
    thread_id: str | None
    question: str
    context: str
    bot_answer: str
    language: str
    organisation_type: str
    country: str
    state: HandoffState
    assignees: tuple[str, ...]
    passed_by: tuple[str, ...]
    answer: str
    answer_language: str
    answered_by: str
    card_id: str
    created_at: datetime
    updated_at: datetime
    answered_at: datetime | None
    reminded_at: datetime | None
    escalated_at: datetime | None

    @classmethod
    def of(cls, row: HandoffRow) -> Handoff:
        """The value of a stored row."""
        return cls(
            **{
                name: getattr(row, name)
                for name in cls.model_fields
                if name not in ("assignees", "passed_by", "state")
            },
            state=row.state,
            assignees=tuple(members(row.assignees)),
            passed_by=tuple(members(row.passed_by)),
        )


class OrganiserCard(BaseModel, frozen=True):
    """An answer card kept from an organiser's answer.

    Attributes:
        id: The card's id (``organisers-<hand-off id>``).
        status: ``draft`` (members never see it) or ``published`` (indexed, answers members).
        questions: Phrasings by language (the member's question first).
        answers: The answer by language (the organiser's language first; others added later).
        source_url: The link the organiser gave; cited as "ESER organisers, <date>" without one.
        handoff_id: The hand-off it was kept from.
        created_by: The organiser who saved it (``platform:user_id``).
        published_by: The organiser who published it.
        created_at: When it was saved.
        updated_at: Its last change.
        published_at: When it was published.
        missing_languages: Languages of the six it has no answer in (a member asking in one gets
            the answer in the card's language with a note).
    """

    id: str
    status: CardStatus
    questions: dict[str, list[str]]
    answers: dict[str, str]
    source_url: str
    handoff_id: str
    created_by: str
    published_by: str
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    missing_languages: tuple[str, ...]

    @classmethod
    def of(cls, row: OrganiserCardRow, languages: tuple[str, ...]) -> OrganiserCard:
        """The value of a stored row (``languages``: the languages every card should have)."""
        answers = dict(json.loads(row.answers))
        return cls(
            id=row.id,
            status=row.status,
            questions=dict(json.loads(row.questions)),
            answers=answers,
            source_url=row.source_url,
            handoff_id=row.handoff_id,
            created_by=row.created_by,
            published_by=row.published_by,
            created_at=row.created_at,
            updated_at=row.updated_at,
            published_at=row.published_at,
            missing_languages=tuple(lang for lang in languages if not answers.get(lang)),
        )


class HandoffError(Exception):
    """An action on a hand-off or card that cannot be done; ``key`` is the catalogue text saying why.

    Args:
        key: Catalogue key (``handoff.error.not_found``...).
        params: Its placeholders.
    """

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
