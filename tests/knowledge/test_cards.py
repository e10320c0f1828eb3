"""Answer cards: loading with lines, and the checks that keep six languages consistent and cited."""

from __future__ import annotations

from pathlib import Path

from knowledge.cards import (
    card_files,
    check_cards,
    document_sections,
    figures,
    load_card_file,
    sentences,
)
from knowledge.ingest import load_paths

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "knowledge" / "content"
LANGUAGES = ("en", "fr", "de", "es", "it", "pl")


def card_yaml(card_id: str = "ok", *, fr_answer: str | None = None, fr_question: str | None = None) -> str:
    answers = {language: f"Answer in {language} on 6 April 2023 [1]." for language in LANGUAGES}
    if fr_answer is not None:
        answers["fr"] = fr_answer
    questions = {language: f"Question {card_id} in {language}?" for language in LANGUAGES}
    questions["fr"] = fr_question or f"Question {card_id} ?"
    lines = [f"- id: {card_id}", "  questions:"]
    lines += [f"    {language}: [{text!r}]" for language, text in questions.items()]
    lines += ["  answer:"] + [f"    {language}: {text!r}" for language, text in answers.items()]
    lines += ["  sources:", "    - doc: resources/page.md", "      section: Who can join"]
    return "\n".join(lines) + "\n"


def check(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "answers" / "cards.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    cards, problems = load_card_file(path)
    sections = {"resources/page.md": {"Page", "Who can join"}}
    return [str(problem) for problem in [*problems, *check_cards(cards, sections)]]


def test_a_consistent_card_passes(tmp_path: Path) -> None:
    assert check(tmp_path, card_yaml()) == []


def test_a_different_figure_in_one_language_is_named_by_file_line_and_card(tmp_path: Path) -> None:
    problems = check(tmp_path, card_yaml() + card_yaml("bad", fr_answer="Réponse le 6 avril 2024 [1]."))
    assert problems == [  # each card takes 18 lines: the second starts on line 19
        f"{tmp_path / 'answers' / 'cards.yaml'}:19: card 'bad': fr answer has numbers ['2024', '6'], "
        "English has ['2023', '6']"
    ]


def test_missing_language_uncited_sentence_unknown_source_and_shared_phrasing(tmp_path: Path) -> None:
    one = card_yaml("one", fr_question="Question ?")
    text = one + card_yaml("two", fr_answer="Première phrase. Seconde [1].", fr_question="Question ?")
    text = text.replace("    pl: ['Question two in pl?']\n", "").replace(
        "section: Who can join", "section: Nowhere", 1
    )
    problems = "\n".join(check(tmp_path, text))
    assert "card 'two': no question phrasings in pl" in problems
    assert "card 'two': fr answer: sentence without a [n] citation: 'Première phrase.'" in problems
    assert "card 'one': cites section 'Nowhere' not in 'resources/page.md'" in problems
    assert "card 'two': phrasing 'Question ?' is also claimed by card 'one'" in problems


def test_a_malformed_card_names_its_line_and_the_others_load(tmp_path: Path) -> None:
    text = card_yaml("good") + "- id: Not A Slug\n  questions: {en: [x]}\n  answer: {en: y}\n  sources: []\n"
    path = tmp_path / "cards.yaml"
    path.write_text(text, encoding="utf-8")
    cards, problems = load_card_file(path)
    assert [c.card.id for c in cards] == ["good"]
    assert problems[0].line == 19 and "id" in problems[0].message


def test_dates_and_abbreviations_do_not_end_sentences() -> None:
    assert sentences("Die Frist endete am 6. April 2023 [1]. Vom 15. bis 19. September 2025 [1].") == [
        "Die Frist endete am 6. April 2023 [1].",
        "Vom 15. bis 19. September 2025 [1].",
    ]
    assert len(sentences("Spotkanie w 2023 r. w Brukseli [1]. Drugie zdanie [1].")) == 2


def test_figures_compare_across_number_formats() -> None:
    assert figures("€99.3 billion, 1,000,000 [1]") == figures("99,3 milliards, 1 000 000 [1]")
    assert figures("Write to GROW-X@ec.europa.eu [1]")["emails"] == ["GROW-X@ec.europa.eu"]


def test_the_shipped_cards_are_complete_and_consistent() -> None:
    cards, problems = [], []
    for path in card_files([CONTENT]):
        loaded, bad = load_card_file(path)
        cards += loaded
        problems += bad
    documents, _, _ = load_paths([CONTENT], [CONTENT])
    problems += check_cards(cards, document_sections(documents))
    assert not problems, "\n".join(map(str, problems))
    assert len(cards) >= 100
