"""Facts in a text, normalised across formats and the six languages."""

from __future__ import annotations

import pytest

from knowledge.facts import normalise_url, source_facts, unsupported

PASSAGE = source_facts(
    "ESF+ has about €98.5 billion; EaSI about EUR 762 million and 14% of it for microfinance. "
    "EUSES took place on 26–27 May 2021; 3,000 people joined. Budget: EUR 1 000 000. "
    "Write to GROW-SOCIAL-ENTERPRISE@ec.europa.eu or see https://social-economy-gateway.ec.europa.eu/x_en."
)


@pytest.mark.parametrize(
    "claim",
    [
        "EaSI has €762 million [1].",
        "EaSI dispose de 762 millions d'euros [1].",
        "ESF+ verfügt über 98,5 Mrd. Euro [1].",
        "Il budget è di 1.000.000 EUR [1].",
        "The budget is €1,000,000 [1].",
        "Il y avait 3 000 personnes le 26 mai 2021 [1].",
        "El 27 de mayo de 2021 [1].",
        "On 2021-05-26 and 27/05/2021 [1].",
        "In May 2021, 14 % went to microfinance [1].",
        "Ask grow-social-enterprise@ec.europa.eu or https://social-economy-gateway.ec.europa.eu/x_en/ [1].",
        "Membership is free and open to regions [1].",
    ],
)
def test_facts_from_the_passage_are_supported_in_any_format(claim: str) -> None:
    assert unsupported(claim, PASSAGE) == []


@pytest.mark.parametrize(
    ("claim", "kinds"),
    [
        ("Cooperatives get EUR 2,000,000 each [1].", ["number"]),
        ("Send it to http://evil.example/collect [1].", ["link"]),
        ("Write to eser@evil.example [1].", ["e-mail"]),
        ("EUSES took place in June 2021 [1].", ["date"]),
        ("EUSES took place on 28 May 2021 [1].", ["date"]),
        ("About 15% of it [1].", ["number"]),
    ],
)
def test_invented_facts_are_unsupported(claim: str, kinds: list[str]) -> None:
    assert unsupported(claim, PASSAGE) == kinds


def test_urls_normalise_scheme_host_case_and_trailing_slash() -> None:
    assert normalise_url("HTTPS://WWW.Example.org/a/") == normalise_url("http://example.org/a")
    assert normalise_url("https://x.eu/p?a=1&amp;b=2") == "x.eu/p?a=1&b=2"
