"""Sentences of passages: splitting, whether a sentence leans on the one before it, whether it holds
the kind of fact a question asks for, and which sentences only talk about the page."""

from __future__ import annotations

from typing import get_args

import pytest

from knowledge.question import QuestionKind
from knowledge.sentences import META_SENTENCE, holds_kind, leans_on_previous, split_sentences


# --- split_sentences ------------------------------------------------------------------------------
def test_sentences_end_at_full_stops_exclamation_and_question_marks() -> None:
    text = "ESER was founded in 2019. It has 30 members! Can a city join? Yes."
    assert split_sentences(text) == [
        "ESER was founded in 2019.",
        "It has 30 members!",
        "Can a city join?",
        "Yes.",
    ]


def test_a_sentence_may_start_with_a_digit_a_quote_a_bracket_or_a_euro_sign() -> None:
    text = (
        'Apply now. 2027 is the last year. "Social economy" is defined. (ESF+) funds it. €5 million is left.'
    )
    assert split_sentences(text) == [
        "Apply now.",
        "2027 is the last year.",
        '"Social economy" is defined.',
        "(ESF+) funds it.",
        "€5 million is left.",
    ]


def test_a_full_stop_before_a_lower_case_word_does_not_end_a_sentence() -> None:
    assert split_sentences("Costs, e.g. travel, are covered. Staff costs are not.") == [
        "Costs, e.g. travel, are covered.",
        "Staff costs are not.",
    ]


def test_a_decimal_point_does_not_end_a_sentence() -> None:
    assert split_sentences("The ESF+ has 99.3 billion euros. It runs to 2027.") == [
        "The ESF+ has 99.3 billion euros.",
        "It runs to 2027.",
    ]


def test_list_items_are_sentences_of_their_own_without_their_markers() -> None:
    text = "Who can apply:\n- Regions\n- Cities. Also towns.\n* Provinces\n1. First step\n2. Second step"
    assert split_sentences(text) == [
        "Who can apply:",
        "Regions",
        "Cities.",
        "Also towns.",
        "Provinces",
        "First step",
        "Second step",
    ]


def test_paragraphs_split_and_wrapped_lines_join() -> None:
    text = "The first paragraph is\nwrapped over two lines.\n\n  The second   paragraph.  "
    assert split_sentences(text) == [
        "The first paragraph is wrapped over two lines.",
        "The second paragraph.",
    ]


def test_table_rows_are_sentences_of_their_own() -> None:
    text = "Budgets:\n| ESF+ | 99.3 bn |\n| ERDF | 226 bn |"
    assert split_sentences(text) == ["Budgets:", "| ESF+ | 99.3 bn |", "| ERDF | 226 bn |"]


def test_a_heading_at_the_end_is_not_a_sentence() -> None:
    assert split_sentences("First sentence. Second one!\n\n## Next section") == [
        "First sentence.",
        "Second one!",
    ]


def test_a_heading_on_its_own_paragraph_is_not_a_sentence() -> None:
    text = "Intro sentence.\n\n#### Eligibility\n\nOnly public authorities may apply."
    assert split_sentences(text) == ["Intro sentence.", "Only public authorities may apply."]


def test_the_text_right_under_a_heading_is_kept() -> None:
    # Markdown puts a paragraph on the line after its heading; the chunker leaves h4 headings and
    # deeper in the passage text, so the sentences under them must not be lost with the heading.
    text = "Intro sentence.\n\n#### Eligibility\nOnly public authorities may apply. Cooperatives may not."
    assert split_sentences(text) == [
        "Intro sentence.",
        "Only public authorities may apply.",
        "Cooperatives may not.",
    ]


@pytest.mark.parametrize("text", ["", "   ", "\n\n \n", "## Only a heading"])
def test_no_sentences_in_an_empty_text(text: str) -> None:
    assert split_sentences(text) == []


def test_every_sentence_is_stripped_and_non_empty() -> None:
    text = "  One.   Two!  \n\n\n - Three \n\n Four?  "
    result = split_sentences(text)
    assert result == ["One.", "Two!", "Three", "Four?"]
    assert all(sentence == sentence.strip() and sentence for sentence in result)


# --- leans_on_previous ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "sentence",
    [
        "It has 30 members.",
        "Its budget is 99.3 billion euros.",
        "This applies to regions only.",
        "They meet once a year.",
        "However, cities may not join.",
        "In addition, towns may apply.",
        "As a result, the call closed early.",
        "The same applies to provinces.",
        "Such bodies cannot apply.",
        "Both networks are open.",
        "Then send the form.",
    ],
)
def test_a_pronoun_or_connective_at_the_start_leans_on_the_previous_sentence(sentence: str) -> None:
    assert leans_on_previous(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "ESER has 30 members.",
        "Italy is an ESER member.",  # "It" only as a word of its own
        "Thusly is not a connective.",
        "There are three calls.",  # not "Then"
        "Thematic calls open in May.",  # "Them" only as a word of its own
        "Regions say it helps.",  # a pronoun later in the sentence is fine
        "Membership is free; however, travel is not.",
        "it has 30 members.",  # openers are matched as they start a sentence, capitalised
        "",
    ],
)
def test_a_sentence_that_names_its_subject_stands_alone(sentence: str) -> None:
    assert not leans_on_previous(sentence)


# --- holds_kind -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "sentence"),
    [
        ("when", "The summit takes place on 15–16 May in Brussels."),
        ("when", "The call opened in March 2025."),
        ("when", "The deadline is 2025-11-01."),
        ("when", "The programme runs until 2027."),
        ("when", "The call is permanent."),
        ("when", "Applications are accepted on a rolling basis."),
        ("how_many", "ESER has 30 member regions."),
        ("how_many", "Twelve regions and three cities joined."),
        ("how_many", "About 1,200 organisations took part."),
        ("how_much", "The budget is €99.3 billion."),
        ("how_much", "Grants reach 60,000 EUR per project."),
        ("how_much", "The fund has 5 million for pilots."),
        ("how_much", "Co-financing covers 80% of costs."),
        ("contact", "Write to info@eser.example.org for details."),
        ("contact", "See https://example.org/apply for the form."),
        ("contact", "Contact the managing authority of your region."),
        ("who", "The European Commission runs the call."),
        ("who", "Managing authorities select the projects."),
        ("who", "The network is led by the Basque Country."),
        ("where", "The summit is held in Brussels."),
        ("where", "The meeting is online."),
        ("how", "Apply through the Funding and Tenders portal."),
        ("how", "Regions must submit a letter of intent."),
        ("yes_no", "Cooperatives cannot join."),
        ("yes_no", "Only public authorities are members."),
        ("what", "The social economy is a set of organisations."),
        ("what", "Social innovation refers to new answers to social needs."),
    ],
)
def test_a_sentence_with_the_fact_asked_for_holds_its_kind(kind: QuestionKind, sentence: str) -> None:
    assert holds_kind(sentence, kind)


@pytest.mark.parametrize(
    ("kind", "sentence"),
    [
        ("when", "Apply through the portal of your region."),
        ("when", "ESER has thirty members."),
        ("how_many", "The call closes in 2026."),  # a year is not a count
        ("how_many", "Many regions joined the network."),
        ("how_much", "ESER has 30 members."),  # a number, but not an amount
        ("how_much", "Membership is free of charge."),
        ("contact", "The network meets twice a year."),
        ("who", "the budget grows every year."),
        ("where", "the summit was a success."),
        ("how", "The summit was a success."),
        ("what", "Regions joined in 2019."),
    ],
)
def test_a_sentence_without_the_fact_asked_for_does_not_hold_its_kind(
    kind: QuestionKind, sentence: str
) -> None:
    assert not holds_kind(sentence, kind)


def test_every_question_kind_has_its_evidence() -> None:
    kinds: tuple[QuestionKind, ...] = get_args(QuestionKind)
    assert len(kinds) >= 9
    for kind in kinds:
        assert holds_kind("", kind) is False
        assert isinstance(
            holds_kind("ESER is a network of 30 regions held in Brussels since 2019.", kind), bool
        )


def test_the_same_sentence_holds_some_kinds_and_not_others() -> None:
    sentence = "The summit is held in Brussels on 6 May 2026."
    assert holds_kind(sentence, "when") and holds_kind(sentence, "where")
    assert not holds_kind(sentence, "how_much") and not holds_kind(sentence, "contact")


# --- META_SENTENCE --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "sentence",
    [
        "Last checked on 1 November 2025.",
        "This page lists the calls of 2026.",
        "THIS SECTION explains membership.",
        "See the facts below for details.",
    ],
)
def test_sentences_about_the_page_itself_are_meta(sentence: str) -> None:
    assert META_SENTENCE.search(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "ESER membership is open to public authorities.",
        "The pager of this pages-long report.",  # only the whole phrases
        "Checked last by the secretariat.",
        "The facts are below the fold.",
    ],
)
def test_sentences_about_the_subject_are_not_meta(sentence: str) -> None:
    assert not META_SENTENCE.search(sentence)
