"""The pages' language from the browser, and templates rendered in each language."""

from __future__ import annotations

import pytest

from bot.i18n import Catalogue
from bot.web.render import Pages, accepted_language


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("fr-BE,fr;q=0.9,en;q=0.8", "fr"),
        ("pt-PT,pt;q=0.9,es;q=0.8,en;q=0.5", "es"),
        ("en;q=0.3, pl;q=0.9", "pl"),
        ("nl,de;q=0", None),
        ("", None),
        (None, None),
        ("it;q=abc, de", "de"),
    ],
)
def test_the_first_supported_language_by_preference(header: str | None, language: str | None) -> None:
    assert accepted_language(header) == language


def test_each_language_renders_its_own_text(catalogue: Catalogue) -> None:
    pages = Pages(catalogue)
    context = {"reason": "signed_out", "key": "web.refused.expired", "status": 410}
    french = pages.render("signed_out.html", "fr", context, status_code=410)
    assert french.status_code == 410
    body = bytes(french.body).decode()
    assert "Ce lien de connexion a expiré" in body and '<html lang="fr">' in body
    assert "polski" in body and "Deutsch" in body  # the switcher names each language in itself
