"""Reading a question: the kind of answer it wants, and its preparation (language, follow-up, typos)."""

from __future__ import annotations

import pytest

from knowledge.crosslingual import CrossLingual
from knowledge.language import LanguageDetector
from knowledge.question import QuestionReader, question_kind
from knowledge.spelling import Vocabulary
from tests.conftest import FIXED_NOW


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("When did the 2023 call close?", "when"),
        ("Quelle était la date limite de l'appel ?", "when"),
        ("How many regions took part?", "how_many"),
        ("¿Cuántas personas asistieron?", "how_many"),
        ("How much is the ESF+ budget?", "how_much"),
        ("Wie hoch ist das Budget?", "how_much"),
        ("Who should we email about joining?", "contact"),
        ("Who leads the S3 partnership?", "who"),
        ("Gdzie odbył się szczyt?", "where"),
        ("How do we apply for ERDF money?", "how"),
        ("Can a cooperative join ESER?", "yes_no"),
        ("¿Es ESER gratuito?", "yes_no"),
        ("What is the Liège Roadmap?", "what"),
    ],
)
def test_kinds_of_question(question: str, kind: str) -> None:
    assert question_kind(question) == kind


@pytest.fixture(scope="module")
def reader() -> QuestionReader:
    reader = QuestionReader(LanguageDetector(), CrossLingual(), multilingual_dense=False)
    reader.vocabulary = Vocabulary(["How a city council joins the ESER network", "join join council city"])
    return reader


def test_typos_are_corrected_for_retrieval_only(reader: QuestionReader) -> None:
    prepared = reader.prepare("how do i joinn eser as a citty counsil", now=FIXED_NOW)
    assert prepared.text == "how do i join eser as a city council"
    assert prepared.asked == "how do i joinn eser as a citty counsil"
    assert prepared.corrections == {"joinn": "join", "citty": "city", "counsil": "council"}


def test_real_words_and_names_are_never_corrected(reader: QuestionReader) -> None:
    assert reader.prepare("Can our city host an event in Ghent?", now=FIXED_NOW).corrections == {}


def test_a_follow_up_is_read_with_the_previous_question(reader: QuestionReader) -> None:
    prepared = reader.prepare(
        "and for Italy?", now=FIXED_NOW, history=["What is the deadline for the ESF+ call in Spain?"]
    )
    assert prepared.text == "What is the deadline for the ESF+ call in Italy?"
    assert prepared.intent.region == "IT"


def test_an_unsupported_language_is_answered_in_english(reader: QuestionReader) -> None:
    prepared = reader.prepare("Como posso aderir ao ESER?", now=FIXED_NOW)
    assert prepared.detected.code == "pt" and prepared.language == "en"


def test_the_english_only_model_embeds_a_translated_question_as_its_english_terms(
    reader: QuestionReader,
) -> None:
    prepared = reader.prepare("Quel est le budget du FSE+ ?", now=FIXED_NOW)
    assert prepared.language == "fr" and "ESF+" in prepared.query.dense_text
    multilingual = QuestionReader(LanguageDetector(), CrossLingual(), multilingual_dense=True)
    assert multilingual.prepare("Quel est le budget du FSE+ ?", now=FIXED_NOW).query.dense_text.startswith(
        "Quel"
    )
