"""``eser-bot cards list|show|check``, run in-process with typer's runner on a tiny content folder
(two cards citing one document) and, for ``check``, on the shipped knowledge base."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import build_cli
from tests.knowledge.conftest import RESOURCE, write

cli = build_cli()
ROOT = Path(__file__).resolve().parents[3]
LANGUAGES = ("en", "fr", "de", "es", "it", "pl")
WIDE = {"COLUMNS": "250"}  # a table row per line, whatever the terminal


def card_yaml(
    card_id: str,
    *,
    members: int = 30,
    doc: str = "resources/doc.md",
    languages: tuple[str, ...] = LANGUAGES,
    fr_members: int | None = None,
    extra_en_question: str | None = None,
) -> str:
    """One card in every language of ``languages``; its answers cite ``doc`` and state ``members``."""
    lines = [f"- id: {card_id}", "  questions:"]
    for language in languages:
        phrasings = [f"{card_id} question in {language}?", f"{card_id} other question in {language}?"]
        if language == "en" and extra_en_question:
            phrasings.append(extra_en_question)
        lines.append(f"    {language}: [{', '.join(repr(p) for p in phrasings)}]")
    lines.append("  answer:")
    for language in languages:
        count = fr_members if language == "fr" and fr_members is not None else members
        lines.append(f"    {language}: 'Answer of {card_id} in {language}: {count} members [1].'")
    lines += ["  sources:", f"    - doc: {doc}", "      section: First section", "  last_checked: 2025-11-01"]
    return "\n".join(lines) + "\n"


def line_of(text: str, card_id: str) -> int:
    """The 1-based line where ``card_id`` starts in a card file."""
    return text.splitlines().index(f"- id: {card_id}") + 1


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A content root with ``resources/doc.md`` and two good cards in ``answers/x.yaml``."""
    root = tmp_path / "content"
    write(root / "resources" / "doc.md", RESOURCE.format(topic="membership", slug="membership"))
    write(root / "answers" / "x.yaml", card_yaml("who-can-join") + card_yaml("how-many-members", members=12))
    monkeypatch.setenv("ESER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ESER_CONTENT_DIRS", str(root))
    monkeypatch.delenv("ESER_LLM", raising=False)
    return root


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["cards", *args], env=WIDE)
    return result.exit_code, result.output


def test_list_prints_one_line_per_card(content: Path) -> None:
    code, output = run("list")
    assert code == 0, output
    assert "2 answer cards" in output
    rows = [line for line in output.splitlines() if "-" in line and "resources/doc.md" in line]
    assert len(rows) == 2, output
    first, second = rows  # sorted by id
    assert "how-many-members" in first and "who-can-join" not in first
    assert "who-can-join" in second and "how-many-members" not in second
    for row in rows:
        assert "published" in row and "de en es fr it pl" in row and "2025-11-01" in row
        assert " 12 " in row  # two phrasings in six languages


def test_list_grows_with_the_cards(content: Path) -> None:
    path = content / "answers" / "more.yaml"
    write(path, card_yaml("third-card", doc="resources/doc.md"))
    code, output = run("list")
    assert code == 0, output
    assert "3 answer cards" in output
    assert sum("resources/doc.md" in line for line in output.splitlines()) == 3


def test_list_names_an_unreadable_file_and_still_lists_the_others(content: Path) -> None:
    write(content / "answers" / "broken.yaml", "- id: broken\n  questions:\n    en: [oops\n")
    code, output = run("list")
    assert code == 0, output
    assert "2 answer cards" in output
    assert f"{content / 'answers' / 'broken.yaml'}:3" in output and "malformed YAML" in output


def test_show_prints_every_language_of_a_card(content: Path) -> None:
    code, output = run("show", "who-can-join")
    assert code == 0, output
    text = (content / "answers" / "x.yaml").read_text(encoding="utf-8")
    assert f"who-can-join ({content / 'answers' / 'x.yaml'}:{line_of(text, 'who-can-join')})" in output
    for language in LANGUAGES:
        assert f"\n{language}\n" in output
        assert f"? who-can-join question in {language}?" in output
        assert f"? who-can-join other question in {language}?" in output
        assert f"→ Answer of who-can-join in {language}: 30 members [1]." in output
    assert "[1] resources/doc.md — First section" in output
    assert "how-many-members" not in output


def test_show_prints_only_the_languages_a_card_has(content: Path) -> None:
    write(content / "answers" / "x.yaml", card_yaml("english-only", languages=("en",)))
    code, output = run("show", "english-only")
    assert code == 0, output
    assert "→ Answer of english-only in en: 30 members [1]." in output
    assert "(missing)" not in output  # only the languages the card has are shown
    assert "\nfr\n" not in output


def test_show_an_unknown_card_exits_2(content: Path) -> None:
    code, output = run("show", "no-such-card")
    assert code == 2
    assert "No card 'no-such-card'" in output


def test_check_passes_good_cards(content: Path) -> None:
    code, output = run("check")
    assert code == 0, output
    assert "2 cards checked, 0 problems." in output
    assert "problem " not in output


def check_problems(content: Path, text: str) -> tuple[int, list[str], str]:
    """Write ``text`` as ``answers/x.yaml`` and run ``check``: exit code, problem lines, the file."""
    path = content / "answers" / "x.yaml"
    write(path, text)
    code, output = run("check")
    problems = [line for line in output.splitlines() if line.startswith("problem ")]
    return code, problems, str(path)


def test_check_names_a_card_missing_a_language(content: Path) -> None:
    text = card_yaml("who-can-join") + card_yaml("no-polish", languages=LANGUAGES[:-1])
    code, problems, path = check_problems(content, text)
    assert code == 1
    assert problems, problems
    where = f"{path}:{line_of(text, 'no-polish')}: card 'no-polish'"
    assert f"problem {where}: no question phrasings in pl" in problems
    assert f"problem {where}: no answer in pl" in problems
    assert all("'no-polish'" in line for line in problems)


def test_check_names_a_card_citing_a_missing_document(content: Path) -> None:
    text = card_yaml("who-can-join") + card_yaml("cites-nothing", doc="resources/missing.md")
    code, problems, path = check_problems(content, text)
    assert code == 1
    assert problems == [
        f"problem {path}:{line_of(text, 'cites-nothing')}: card 'cites-nothing': "
        "cites 'resources/missing.md', which does not exist"
    ]


def test_check_names_two_cards_claiming_the_same_phrasing(content: Path) -> None:
    text = card_yaml("who-can-join", extra_en_question="Can a city join?") + card_yaml(
        "cities-too", extra_en_question="can a city join"
    )
    code, problems, path = check_problems(content, text)
    assert code == 1
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"problem {path}:{line_of(text, 'cities-too')}: card 'cities-too': ")
    assert "is also claimed by card 'who-can-join'" in problems[0]


def test_check_names_a_figure_that_differs_between_languages(content: Path) -> None:
    text = card_yaml("who-can-join") + card_yaml("wrong-figure", members=30, fr_members=31)
    code, problems, path = check_problems(content, text)
    assert code == 1
    assert problems == [
        f"problem {path}:{line_of(text, 'wrong-figure')}: card 'wrong-figure': "
        "fr answer has numbers ['31'], English has ['30']"
    ]


def test_check_names_the_file_and_line_of_malformed_yaml(content: Path) -> None:
    write(content / "answers" / "broken.yaml", "- id: broken\n  questions:\n    en: [oops\n  answer: x\n")
    code, output = run("check")
    assert code == 1
    broken = [line for line in output.splitlines() if "broken.yaml" in line]
    assert broken and broken[0].startswith(f"problem {content / 'answers' / 'broken.yaml'}:3: ")
    assert "malformed YAML" in broken[0]
    assert "2 cards checked, 1 problems." in output


def test_check_passes_the_shipped_knowledge_base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the default content folder is knowledge/content
    monkeypatch.setenv("ESER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ESER_CONTENT_DIRS", raising=False)
    code, output = run("check")
    assert code == 0, output
    checked = next(line for line in output.splitlines() if "cards checked" in line)
    assert checked.endswith(" cards checked, 0 problems.")
    assert int(checked.split()[0]) >= 50
