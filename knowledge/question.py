"""Reading a member's question before retrieval: its language, the standalone question a follow-up
stands for, typo corrections, English terms for the lexical index, what kind of answer it wants.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from knowledge.crosslingual import CrossLingual, fold
from knowledge.followup import standalone_question
from knowledge.intent import Intent, read_intent
from knowledge.language import DetectedLanguage, LanguageDetector
from knowledge.retrieval import Query
from knowledge.spelling import Vocabulary

QuestionKind = Literal["when", "how_many", "how_much", "contact", "who", "where", "how", "yes_no", "what"]
# Cue words per answer kind, folded, in the six languages; the first kind whose cue appears wins.
KIND_CUES: tuple[tuple[QuestionKind, re.Pattern[str]], ...] = (
    (
        "contact",
        re.compile(
            r"\b(e-?mail|mail|mailbox|contact\w*|write to|whom should|kontakt\w*|correo|skontaktowac|"
            r"adres e-?mail|indirizzo e-?mail|adresse e-?mail|direccion de correo|ansprechp\w*)\b"
        ),
    ),
    (
        "how_many",
        re.compile(
            r"\b(how many|combien de (?!fonds|financement|budget|argent)\w+|wie viele|cuant[oa]s (?!dinero)|"
            r"quant[ie] |ile (?!pieniedzy|kosztuje)\w+|number of|nombre de|anzahl)\b"
        ),
    ),
    (
        "how_much",
        re.compile(
            r"\b(how much|budget\w*|amount|worth|combien|montant|wie ?viel\w*|wie hoch|"
            r"betrag|cuant[oa]s?|importe|presupuesto|quant[oiae]|importo|ile|kwot\w*|budzet\w*|"
            r"prize|prix|preis\w*|premio)\b"
        ),
    ),
    (
        "when",
        re.compile(
            r"\b(when|what date|deadline|until when|closing date|quand|date limite|wann|frist|bis wann|"
            r"cuando|plazo|fecha|quando|scadenza|entro quando|kiedy|termin\w*|do kiedy)\b"
        ),
    ),
    (
        "who",
        re.compile(
            r"\b(who|whom|which (?:city|region|country|organisation)s?|qui|wer|quien\w*|chi|kto|kogo)\b"
        ),
    ),
    ("where", re.compile(r"\b(where|ou|wo|donde|dove|gdzie)\b")),
    (
        "how",
        re.compile(
            r"\b(how (?:do|can|to|should|does)|how\b.*\b(?:apply|join)|steps?|procedure|comment|"
            r"wie (?:kann|konnen|werden|bewerben)|como|come (?:posso|possiamo|si)|jak)\b"
        ),
    ),
    (
        "yes_no",
        re.compile(
            r"^(is|are|can|could|does|do|did|was|were|will|has|have|est-ce|peut|peuvent|kann|konnen|ist|"
            r"gibt es|puede|pueden|es|hay|e|puo|possono|c'e|czy)\b"
        ),
    ),
)


def question_kind(text: str) -> QuestionKind:
    """What kind of answer the question wants (what, who, when, how much, how to, where, contact)."""
    folded = " ".join(fold(text).split()).lstrip("¿¡ ")
    for kind, pattern in KIND_CUES:
        if pattern.search(folded):
            return kind
    return "what"


@dataclass(frozen=True)
class PreparedQuestion:
    """A question ready for retrieval and composition.

    Attributes:
        asked: The text as the member wrote it.
        text: The standalone question (a follow-up rewritten with the previous one), typos corrected.
        detected: The language of the member's message.
        language: The language to answer in (English for a language the bot does not speak).
        query: What the retrievers see.
        intent: Upcoming events, date window, countries.
        kind: The kind of answer wanted.
        corrections: Misspelt words and their corrections.
    """

    asked: str
    text: str
    detected: DetectedLanguage
    language: str
    query: Query
    intent: Intent
    kind: QuestionKind
    corrections: dict[str, str] = field(default_factory=dict)


class QuestionReader:
    """Prepares questions: language, follow-ups, typos, English terms, intent.

    Args:
        detector: Language detection.
        crosslingual: Glossaries (English terms of fr/de/es/it/pl questions).
        multilingual_dense: Whether the embedding model reads every language (then the question is
            embedded as written; else a translated question is embedded as its English terms).
    """

    def __init__(
        self, detector: LanguageDetector, crosslingual: CrossLingual, *, multilingual_dense: bool
    ) -> None:
        self.detector = detector
        self.crosslingual = crosslingual
        self.multilingual_dense = multilingual_dense
        self.vocabulary = Vocabulary()

    def prepare(
        self,
        question: str,
        *,
        now: dt.datetime,
        language: str | None = None,
        hint: str | None = None,
        history: Sequence[str] = (),
    ) -> PreparedQuestion:
        """Read ``question``.

        Args:
            question: As asked.
            now: The current time (date windows).
            language: The answer language when the caller already knows it.
            hint: The member's profile language or the platform's hint (breaks detection ties).
            history: Earlier questions of the same thread, oldest first.
        """
        detected = self.detector.detect(question, hint=hint)
        if language is not None:
            detected = DetectedLanguage(language, True, detected.confident)
        answer_language = detected.code if detected.supported else "en"
        text = standalone_question(question, history) if history else question
        keep = self.crosslingual.function_words(detected.code)
        corrected, corrections = self.vocabulary.correct(text, keep=keep, language=detected.code)
        expansion = self.crosslingual.expand(corrected, detected.code)
        untranslated = " ".join(self.crosslingual.untranslated(corrected, detected.code)) if expansion else ""
        query = Query(
            text=corrected,
            expansion=expansion,
            language=detected.code,
            untranslated=untranslated,
            multilingual=self.multilingual_dense,
        )
        intent = read_intent(corrected, expansion, now, detected.code)
        return PreparedQuestion(
            asked=question,
            text=corrected,
            detected=detected,
            language=answer_language,
            query=query,
            intent=intent,
            kind=question_kind(f"{question} {expansion}" if detected.code != "en" else question),
            corrections=corrections,
        )
