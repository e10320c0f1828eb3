"""Every catalogue file exists in every language with the same keys and the same placeholders."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.commands import MEMBER_COMMANDS
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, LOCALES_DIR, Catalogue, normalise_language

CATALOGUE_FILES = sorted({path.name for path in LOCALES_DIR.glob("*/LC_MESSAGES/*.po")})
COMMANDS = MEMBER_COMMANDS


def entries(language: str, name: str) -> dict[str, str]:
    """The translated, non-fuzzy entries of one catalogue file."""
    path = LOCALES_DIR / language / "LC_MESSAGES" / name
    assert path.exists(), f"{path} is missing"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string and not m.fuzzy}


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_one_catalogue_per_language() -> None:
    assert CATALOGUE_FILES == ["messages.po"]
    assert sorted(path.parent.parent.name for path in LOCALES_DIR.glob("*/LC_MESSAGES/*.po")) == sorted(
        LANGUAGES
    )


@pytest.mark.parametrize("name", CATALOGUE_FILES)
@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE])
def test_every_key_is_translated_with_the_same_placeholders(language: str, name: str) -> None:
    english = entries(DEFAULT_LANGUAGE, name)
    translated = entries(language, name)
    assert not set(english) - set(translated), (
        f"{language}/{name} lacks {sorted(set(english) - set(translated))}"
    )
    assert not set(translated) - set(english), (
        f"{language}/{name} has extra {sorted(set(translated) - set(english))}"
    )
    wrong = {key for key in english if placeholders(english[key]) != placeholders(translated[key])}
    assert not wrong, f"{language}/{name}: placeholders differ from English in {sorted(wrong)}"


@pytest.mark.parametrize("name", CATALOGUE_FILES)
def test_no_key_is_defined_in_two_files(name: str) -> None:
    mine = set(entries(DEFAULT_LANGUAGE, name))
    for other in CATALOGUE_FILES:
        if other != name:
            assert not mine & set(entries(DEFAULT_LANGUAGE, other)), f"{name} and {other} share keys"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_command_has_a_description(catalogue: Catalogue, language: str) -> None:
    for command in COMMANDS:
        assert catalogue.text(f"command.{command}", language).strip()
    assert catalogue.keys(language) >= {f"command.{command}" for command in COMMANDS}


def test_catalogue_falls_back_to_english_and_formats(tmp_path: Path) -> None:
    for language in LANGUAGES:
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        body = 'msgid "greet"\nmsgstr "Hello {name}"\n' if language == "en" else ""
        (folder / "messages.po").write_text(body, encoding="utf-8")
    catalogue = Catalogue(tmp_path)
    assert catalogue.text("greet", "pl", name="Ola") == "Hello Ola"
    with pytest.raises(KeyError):
        catalogue.text("missing", "en")


@pytest.mark.parametrize(("code", "expected"), [("fr-BE", "fr"), ("pt", "en"), (None, "en"), ("PL_pl", "pl")])
def test_normalise_language(code: str | None, expected: str) -> None:
    assert normalise_language(code) == expected
