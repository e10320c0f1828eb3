"""The focus of a question: weighted topic words, years and programmes an answer must name."""

from __future__ import annotations

from knowledge.anchors import ProgrammeNames
from knowledge.crosslingual import CrossLingual
from knowledge.focus import TermWeights, question_focus, stem, stems_of
from knowledge.language import LanguageDetector
from knowledge.question import QuestionReader
from tests.conftest import FIXED_NOW

PASSAGES = [
    "ESER membership is for regional and local public authorities.",
    "ESER gives no money for events; support is in kind.",
    "ESF+ has about 99.3 billion euro for 2021-2027.",
    "Erasmus+ funds cooperation partnerships in education.",
]


def _focus(question: str):  # type: ignore[no-untyped-def]
    reader = QuestionReader(LanguageDetector(), CrossLingual(), multilingual_dense=False)
    return question_focus(reader.prepare(question, now=FIXED_NOW), TermWeights(PASSAGES), ProgrammeNames())


def test_rare_words_weigh_more_and_everyday_unknown_words_little() -> None:
    focus = _focus("Is ESER trying to give money for events?")
    assert focus.terms[stem("money")] > focus.terms[stem("eser")]  # ESER is on every page
    assert focus.terms[stem("trying")] < focus.terms[stem("eser")]  # a common word the pages never use
    assert stem("what") not in focus.terms and stem("give") not in focus.terms


def test_countries_and_names_weigh_less_than_topics() -> None:
    focus = _focus("Can a cooperative in Spain or in Ghent join ESER?")
    assert stem("spain") not in focus.terms  # the member's context, not the topic
    assert focus.terms[stem("ghent")] < focus.terms[stem("cooperative")]


def test_years_and_programmes_are_required_entities() -> None:
    focus = _focus("What was the Erasmus+ budget in 2019?")
    assert focus.years == {"2019"} and focus.programmes == {"erasmus+"}
    assert focus.years_covered("in 2019 and 2020") and not focus.years_covered("in 2020")
    assert _focus("Jaki jest budżet EFS+?").programmes == {"esf+"}


def test_translated_questions_are_read_through_their_english_terms() -> None:
    focus = _focus("Quel est le budget du FSE+ ?")
    assert stem("budget") in focus.terms and focus.kind == "how_much"
    assert stem("esf+") in focus.terms and focus.programmes == {"esf+"}
    assert stem("quel") not in focus.terms  # its own function words are in no passage


def test_stems_join_word_forms() -> None:
    assert stems_of("joining joins") == {"join"} and stem("cooperatives") == stem("cooperative")


def test_words_stemmed_on_several_threads_at_once_get_their_own_stems() -> None:
    # The answers run on a pool; one shared Snowball stemmer corrupted words stemmed at the same
    # moment (an IndexError or a wrong stem). Uncached, so that every call stems.
    from concurrent.futures import ThreadPoolExecutor

    from knowledge.focus import stem

    words = [
        f"{base}{ending}"
        for base in ("join", "fund", "organis", "cooperat", "region")
        for ending in ("ing", "ed", "ation", "ations", "ers", "ingly", "ements", "s", "ies", "ness")
    ] * 60
    expected = [stem.__wrapped__(word) for word in words]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(3):
            assert list(pool.map(stem.__wrapped__, words, chunksize=1)) == expected
