"""The relevance gate in both directions: in-domain questions it must let through, and in-domain
unknowns (a year or programme the knowledge base lacks) and off-topic questions it must stop."""

from __future__ import annotations

from knowledge.anchors import ProgrammeNames
from knowledge.focus import Focus, stem
from knowledge.gate import GateThresholds, RelevanceGate
from knowledge.models import Chunk, Passage
from knowledge.question import QuestionKind


def passage(text: str, title: str = "Page", similarity: float = 0.6) -> Passage:
    chunk = Chunk(id=f"{title}::0", doc_id=title, text=text, title=title, url="https://x.eu", metadata={})
    return Passage(chunk=chunk, score=1.0, dense_score=similarity)


def focus(
    words: str, kind: QuestionKind = "what", years: tuple[str, ...] = (), programmes: tuple[str, ...] = ()
) -> Focus:
    return Focus({stem(w): 1.0 for w in words.split()}, frozenset(years), kind, frozenset(programmes))


GATE = RelevanceGate(GateThresholds(coverage=0.6, supported_coverage=0.3, similarity=0.5), ProgrammeNames())
ESF = passage("ESF+ has about €99.3 billion for 2021–2027.", title="ESF+ — Budget")


def test_a_passage_covering_the_focus_answers() -> None:
    verdict = GATE.judge(focus("esf+ budget", "how_much", programmes=("esf+",)), [ESF])
    assert verdict.grounded and verdict.best == 0


def test_moderate_coverage_needs_the_similarity_too() -> None:
    question = focus("budget esf+ cooperatives spain")
    assert GATE.judge(question, [ESF]).coverage < 0.6
    assert GATE.judge(question, [passage(ESF.chunk.text, "ESF+ — Budget", similarity=0.55)]).grounded
    assert not GATE.judge(question, [passage(ESF.chunk.text, "ESF+ — Budget", similarity=0.3)]).grounded


def test_a_year_the_knowledge_base_does_not_cover_is_declined() -> None:
    assert not GATE.judge(focus("esf+ budget", "how_much", years=("2035",)), [ESF]).grounded
    assert GATE.judge(focus("esf+ budget", "how_much", years=("2027",)), [ESF]).grounded


def test_another_programmes_passage_does_not_answer() -> None:
    erasmus = focus("budget erasmus+", "how_much", programmes=("erasmus+",))
    assert not GATE.judge(erasmus, [ESF]).grounded


def test_off_topic_words_the_passages_lack_keep_coverage_low() -> None:
    # As ``question_focus`` weighs them: words no passage uses weigh like rare ones, a place less.
    weather = Focus({"weather": 2.0, "tomorrow": 2.0, "brussel": 0.4}, frozenset(), "what")
    assert not GATE.judge(weather, [passage("ESER met in Brussels in 2024.")]).grounded


def test_a_passage_without_the_kind_of_fact_asked_counts_less() -> None:
    undated = passage("ESF+ has about €99.3 billion.", title="ESF+ — Budget")
    when, how_much = focus("esf+ budget", "when"), focus("esf+ budget", "how_much")
    assert GATE.judge(when, [undated]).coverage < GATE.judge(how_much, [undated]).coverage


def test_only_passages_covering_enough_are_usable() -> None:
    other = passage("Interreg has about €10 billion.", title="Interreg")
    verdict = GATE.judge(focus("esf+ budget", "how_much"), [other, ESF])
    assert verdict.best == 1 and verdict.usable == (1,)
