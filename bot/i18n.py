"""User-facing text: one gettext catalogue per language, editable by translators.

Catalogues live in ``bot/locales/<lang>/LC_MESSAGES/messages.po``. Each ``msgid`` is a stable key
(``ask.not_found``) and each ``msgstr`` the text, with ``{name}`` placeholders filled by ``str.format``.
English is the reference: a key missing elsewhere falls back to English (and a test fails on it).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.pofile import read_po

LANGUAGES: tuple[str, ...] = ("en", "fr", "de", "es", "it", "pl")
DEFAULT_LANGUAGE = "en"
LOCALES_DIR = Path(__file__).parent / "locales"


def preferred_language(chosen: str | None, hint: str | None) -> str:
    """The member's language: the one they chose (their profile's), else their platform's, else
    English. Every place that speaks to a member works it out here.

    Args:
        chosen: The language the member chose, if any.
        hint: The platform's language for the member (Telegram's ``language_code``, Slack's locale).
    """
    return normalise_language(chosen or hint)


def normalise_language(code: str | None) -> str:
    """Map a platform language code (``fr-BE``, ``pt``...) to a supported language.

    Args:
        code: A BCP 47 / ISO 639-1 code or None.

    Returns:
        One of ``LANGUAGES``; English when the code is unknown.
    """
    if not code:
        return DEFAULT_LANGUAGE
    base = code.replace("_", "-").split("-", 1)[0].lower()
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


@cache  # the same six names are read on every typed language choice: look them up once
def display_names(code: str) -> tuple[str, ...]:
    """The name of language ``code`` in every supported language (``fr`` → French, français...)."""
    locale = Locale.parse(code)
    return tuple(str(locale.get_display_name(other)) for other in LANGUAGES)


class Catalogue:
    """All message catalogues, loaded once at start-up."""

    def __init__(self, locales_dir: Path = LOCALES_DIR) -> None:
        self._messages: dict[str, dict[str, str]] = {}
        for language in LANGUAGES:
            path = locales_dir / language / "LC_MESSAGES" / "messages.po"
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=language)
            self._messages[language] = {
                str(message.id): str(message.string)
                for message in catalog
                if message.id and message.string and not message.fuzzy
            }

    def keys(self, language: str) -> set[str]:
        """The keys translated in ``language``."""
        return set(self._messages[language])

    def text(self, key: str, language: str | None = None, **values: object) -> str:
        """The text for ``key`` in ``language``, with ``values`` filled in.

        Args:
            key: Message key, e.g. ``ask.not_found``.
            language: Wanted language; falls back to English.
            **values: Placeholder values.

        Returns:
            The formatted text.

        Raises:
            KeyError: When the key is not in the English catalogue either.
        """
        language = normalise_language(language)
        template = self._messages[language].get(key) or self._messages[DEFAULT_LANGUAGE][key]
        return template.format(**values) if values else template
