"""Programme names a question is anchored to, in the six languages, from the shipped glossary
(``knowledge/glossary/programmes.yaml``) and from a glossary of a test's own."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.anchors import ProgrammeNames
from knowledge.crosslingual import GLOSSARY_DIR


@pytest.fixture(scope="module")
def names() -> ProgrammeNames:
    return ProgrammeNames()


def test_the_shipped_glossary_names_every_programme_by_its_own_canonical_name(names: ProgrammeNames) -> None:
    glossary = yaml.safe_load((GLOSSARY_DIR / "programmes.yaml").read_text(encoding="utf-8"))
    assert len(glossary) >= 10
    for canonical in glossary:
        assert canonical in names.named_in(f"A question about {canonical} here.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What is the ESF+ budget for 2027?", {"esf+"}),
        ("What is the Erasmus+ budget for 2027?", {"erasmus+"}),
        ("Can we apply to Erasmus with a school?", {"erasmus+"}),
        ("Who can join ESER?", {"eser"}),
        ("Horizon Europe and the ERDF together", {"horizon europe", "erdf"}),
        ("Is InvestEU open to us?", {"investeu"}),
        ("Is Invest EU open to us?", {"investeu"}),
        ("What is the EaSI strand?", {"easi"}),
        ("Interreg Europe projects", {"interreg"}),
        ("The SMP replaced COSME.", {"single market programme"}),
        ("How do I enter the Social Innovation Competition?", {"social innovation competition"}),
        ("The ESF Social Innovation+ call", {"esf social innovation+"}),
        ("How do social enterprises find customers?", set()),
        ("", set()),
    ],
)
def test_english_names_and_abbreviations(names: ProgrammeNames, text: str, expected: set[str]) -> None:
    assert names.named_in(text) == frozenset(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Quel est le budget du FSE+ ?", "esf+"),
        ("Europäischer Sozialfonds Plus: wie hoch ist das Budget?", "esf+"),
        ("¿Cuánto tiene el Fondo Social Europeo Plus?", "esf+"),
        ("Qual è il bilancio del Fondo sociale europeo plus?", "esf+"),
        ("Europejski Fundusz Społeczny Plus: jaki jest budżet?", "esf+"),
        ("Le FEDER finance-t-il les coopératives ?", "erdf"),
        ("Europäischer Fonds für regionale Entwicklung", "erdf"),
        ("Fondo europeo di sviluppo regionale", "erdf"),
        ("Programma per il mercato unico", "single market programme"),
        ("Qui peut rejoindre les Régions européennes de l'économie sociale ?", "eser"),
        ("Chi può aderire alle Regioni europee dell'economia sociale?", "eser"),
        ("Horyzont Europa dla regionów", "horizon europe"),
        ("Le concours européen de l'innovation sociale", "social innovation competition"),
    ],
)
def test_names_in_the_other_languages_with_accents_and_case_folded(
    names: ProgrammeNames, text: str, expected: str
) -> None:
    assert names.named_in(text) == frozenset({expected})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Qui peut rejoindre les Régions européennes de l’économie sociale ?", "eser"),
        ("Chi può aderire alle Regioni europee dell’economia sociale?", "eser"),
        ("Quand ouvre le concours européen de l’innovation sociale ?", "social innovation competition"),
    ],
)
def test_a_typographic_apostrophe_names_the_programme_as_a_straight_one_does(
    names: ProgrammeNames, text: str, expected: str
) -> None:
    # Phones and word processors type ’ for ': the name is the same (other modules replace ’ by ').
    assert names.named_in(text.replace("’", "'")) == frozenset({expected})
    assert names.named_in(text) == frozenset({expected})


def test_an_answer_with_a_typographic_apostrophe_names_its_programme(names: ProgrammeNames) -> None:
    answer = "Les Régions européennes de l’économie sociale réunissent des autorités publiques."
    assert names.all_named(frozenset({"eser"}), answer.replace("’", "'"))
    assert names.all_named(frozenset({"eser"}), answer)


@pytest.mark.parametrize(
    "text",
    [
        "Our horizontal approach",  # "horizon" is an alias, but only as a whole word
        "The eserver is down",  # "eser" inside a longer word
        "Smpl notes",  # "smp" inside a longer word
        "Erasmusplus",  # a letter may not follow a name
        "The ESF budget",  # "ESF" without "+" is not ESF+
    ],
)
def test_a_name_inside_a_longer_word_is_not_a_mention(names: ProgrammeNames, text: str) -> None:
    assert names.named_in(text) == frozenset()


def test_a_plus_may_follow_a_name(names: ProgrammeNames) -> None:
    assert names.named_in("erasmus+ and Erasmus") == frozenset({"erasmus+"})
    assert names.named_in("ESF+, ERDF.") == frozenset({"esf+", "erdf"})


def test_all_named_needs_every_programme(names: ProgrammeNames) -> None:
    both = frozenset({"esf+", "erdf"})
    assert names.all_named(both, "The ESF+ and the ERDF fund cooperatives.")
    assert names.all_named(both, "Le FSE+ et le FEDER financent les coopératives.")
    assert not names.all_named(both, "The ESF+ funds cooperatives.")
    assert not names.all_named(frozenset({"erasmus+"}), "The ESF+ budget is 99.3 billion euros.")


def test_all_named_without_programmes_is_true_for_any_text(names: ProgrammeNames) -> None:
    assert names.all_named(frozenset(), "")
    assert names.all_named(frozenset(), "Anything at all.")


def test_all_named_accepts_any_alias_of_the_programme(names: ProgrammeNames) -> None:
    esf = frozenset({"esf+"})
    for text in ("ESF+", "European Social Fund Plus", "FSE+", "EFS+", "esf plus"):
        assert names.all_named(esf, f"Funded by the {text} since 2021.")


def test_named_in_and_all_named_agree(names: ProgrammeNames) -> None:
    text = "Interreg, InvestEU and Horizon Europe calls; ESER members apply."
    named = names.named_in(text)
    assert named == frozenset({"interreg", "investeu", "horizon europe", "eser"})
    assert names.all_named(named, text)
    assert not names.all_named(named | {"easi"}, text)


def test_a_glossary_of_ones_own(tmp_path: Path) -> None:
    path = tmp_path / "programmes.yaml"
    path.write_text("life: [life, life programme, programme life]\nx+: [x+]\n", encoding="utf-8")
    own = ProgrammeNames(path)
    assert own.named_in("The LIFE Programme funds nature.") == frozenset({"life"})
    assert own.named_in("Programme LIFE") == frozenset({"life"})
    assert own.named_in("Lifelong learning") == frozenset()
    assert own.named_in("Apply to X+ now") == frozenset({"x+"})
    assert own.named_in("Who can join ESER?") == frozenset()  # not in this glossary


def test_an_empty_glossary_names_nothing(tmp_path: Path) -> None:
    path = tmp_path / "programmes.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    empty = ProgrammeNames(path)
    assert empty.named_in("ESF+ and Erasmus+") == frozenset()
    assert empty.all_named(frozenset(), "ESF+")
