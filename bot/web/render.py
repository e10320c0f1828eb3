"""Server-rendered pages: Jinja2 templates with the i18n extension, one environment per language.

The templates call ``_("web.key", name=value)``: the key is looked up in the same gettext catalogues
as every chat message (``bot/locales/<lang>/LC_MESSAGES/messages.po``, through ``bot.i18n``), so the
web page speaks the same six languages with the same translators' files.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse

from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, Catalogue

TEMPLATES = Path(__file__).parent / "templates"


def language_names() -> dict[str, str]:
    """Each supported language in its own name (``français``), for the language switcher."""
    return {code: Locale.parse(code).get_display_name(code) or code for code in LANGUAGES}


def accepted_language(header: str | None) -> str | None:
    """The first supported language of an ``Accept-Language`` header, by its q-values.

    Args:
        header: ``fr-BE,fr;q=0.9,en;q=0.8`` or None.
    """
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        code, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        base = code.strip().replace("_", "-").split("-", 1)[0].lower()
        if base in LANGUAGES and quality > 0:
            choices.append((-quality, position, base))
    return min(choices)[2] if choices else None


class Pages:
    """Renders templates in a language.

    Args:
        catalogue: The message catalogues.
    """

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.languages = language_names()
        loader = FileSystemLoader(TEMPLATES)
        self._environments: dict[str, Environment] = {}
        for language in LANGUAGES:
            environment = Environment(
                loader=loader,
                autoescape=select_autoescape(("html", "svg")),
                extensions=["jinja2.ext.i18n"],
                trim_blocks=True,
                lstrip_blocks=True,
            )
            # str.format placeholders, as everywhere in the catalogues: _("web.x", count=3).
            environment.install_gettext_callables(  # type: ignore[attr-defined]
                gettext=self._gettext(language), ngettext=self._ngettext(language), newstyle=False
            )
            environment.globals["lang"] = language
            environment.filters["day"] = self._day_filter(language)
            environment.filters["when"] = self._when_filter(language)
            self._environments[language] = environment

    def _gettext(self, language: str) -> Any:
        def gettext(key: str, **values: object) -> str:
            return self.catalogue.text(key, language, **values)

        return gettext

    def _ngettext(self, language: str) -> Any:
        # The catalogues keep one key per form (``web.x.one`` / ``web.x.other``) rather than plurals.
        def ngettext(singular: str, plural: str, count: int, **values: object) -> str:
            return self.catalogue.text(singular if count == 1 else plural, language, count=count, **values)

        return ngettext

    @staticmethod
    def _day_filter(language: str) -> Any:
        def day(value: Any, style: str = "medium") -> str:
            return format_date(value, style, locale=language)

        return day

    @staticmethod
    def _when_filter(language: str) -> Any:
        def when(value: datetime | None, zone: str = "UTC") -> str:
            if value is None:
                return "—"
            local = format_datetime(value, "d MMM y, HH:mm", tzinfo=ZoneInfo(zone), locale=language)
            return f"{local} ({zone})"

        return when

    def text(self, key: str, language: str, **values: object) -> str:
        """One catalogue text (for messages made outside a template)."""
        return self.catalogue.text(key, language, **values)

    def render(
        self, name: str, language: str, context: Mapping[str, Any], *, status_code: int = 200
    ) -> HTMLResponse:
        """The template ``name`` rendered in ``language`` as an HTML response."""
        environment = self._environments.get(language) or self._environments[DEFAULT_LANGUAGE]
        html = environment.get_template(name).render({**context, "languages": self.languages})
        return HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)


# No scripts at all on these pages, no framing, no referrer (a sign-in URL must not leak onwards).
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
