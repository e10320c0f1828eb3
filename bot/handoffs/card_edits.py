"""What an organiser may write into an organiser card, checked before anything is stored: phrasings
and an answer per language, and an optional source link. A refusal names the field to fix.

Used when a card is edited on the web page and when a card is drafted from a knowledge gap (the
gap's example question as the first phrasing, the answer written by the organiser).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from bot.handoffs.models import HandoffError
from bot.handoffs.values import organiser_answer_text
from bot.i18n import LANGUAGES
from bot.safety import clean_text

MAX_PHRASING_CHARS = 300
MAX_PHRASINGS = 12  # per language: more only dilutes the card's vectors


def gap_card_id(question: str) -> str:
    """The id of the card drafted from a gap's question (the same question gives the same card)."""
    digest = hashlib.sha256(" ".join(question.lower().split()).encode()).hexdigest()[:10]
    return f"organisers-gap-{digest}"


def checked_url(value: str) -> str:
    """An http(s) link with a host, or "" for none.

    Raises:
        HandoffError: ``handoff.error.card_field`` naming ``source_url``.
    """
    url = value.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise HandoffError("handoff.error.card_field", field="source_url", language="")
    return url


def checked_content(
    questions: Mapping[str, Sequence[str]], answers: Mapping[str, str]
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Phrasings and answers cleaned (answers defanged like every organiser answer), in the six
    languages' order; empty ones dropped. A language may have phrasings without an answer (a member
    asking in it gets an answer of another language, with the note that says so).

    Raises:
        HandoffError: ``handoff.error.card_field`` (``field``: ``questions`` or ``answer``, with the
            ``language``) when a phrasing is too long, a language has too many, or no phrasing or no
            answer is left at all.
    """
    kept_questions: dict[str, list[str]] = {}
    kept_answers: dict[str, str] = {}
    for language in LANGUAGES:
        phrasings = list(
            dict.fromkeys(clean_text(q).strip() for q in questions.get(language, ()) if q.strip())
        )
        if len(phrasings) > MAX_PHRASINGS or any(len(q) > MAX_PHRASING_CHARS for q in phrasings):
            raise HandoffError("handoff.error.card_field", field="questions", language=language)
        if phrasings:
            kept_questions[language] = phrasings
        answer = organiser_answer_text(answers.get(language, ""))
        if answer:
            kept_answers[language] = answer
    # A refusal names the language the organiser wrote in (the first they filled in).
    first = next((code for code in LANGUAGES if questions.get(code) or answers.get(code)), LANGUAGES[0])
    if not kept_questions:
        raise HandoffError("handoff.error.card_field", field="questions", language=first)
    if not kept_answers:
        raise HandoffError("handoff.error.card_field", field="answer", language=first)
    return kept_questions, kept_answers
