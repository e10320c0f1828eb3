"""Follow-ups rewritten as the standalone question they stand for."""

from __future__ import annotations

import pytest

from knowledge.followup import is_follow_up, standalone_question


@pytest.mark.parametrize(
    ("follow_up", "previous", "standalone"),
    [
        (
            "and for Italy?",
            "What is the deadline for the ESF+ call in Spain?",
            "What is the deadline for the ESF+ call in Italy?",
        ),
        (
            "et en 2020 ?",
            "Quelle était la date limite de l'appel ESER 2019 ?",
            "Quelle était la date limite de l'appel ESER 2020?",
        ),
        (
            "und in Polen?",
            "Welche Veranstaltungen gibt es in Spanien?",
            "Welche Veranstaltungen gibt es in Polen?",
        ),
        ("what about Erasmus+?", "How much is the ESF+ budget?", "How much is the erasmus+ budget?"),
        (
            "and for Italy?",
            "What is the deadline for the next call?",
            "What is the deadline for the next call in Italy?",
        ),
        ("y en 2021?", "¿Cuándo cerró la convocatoria ESER?", "¿Cuándo cerró la convocatoria ESER in 2021?"),
    ],
)
def test_follow_ups_take_the_topic_of_the_previous_question(
    follow_up: str, previous: str, standalone: str
) -> None:
    assert is_follow_up(follow_up)
    assert standalone_question(follow_up, ["Something older?", previous]) == standalone


def test_a_question_of_its_own_is_left_alone() -> None:
    assert not is_follow_up("What is the Liège Roadmap?")
    assert (
        standalone_question("What is the Liège Roadmap?", ["How much is ESF+?"])
        == "What is the Liège Roadmap?"
    )
    assert standalone_question("and for Italy?", []) == "and for Italy?"
