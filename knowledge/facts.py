"""The checkable facts of a text: links, e-mail addresses, dates and numbers (amounts, percentages,
numbers with units), normalised so that a generated answer can be held to its passages.

"€1,000,000", "EUR 1 000 000", "1 million euro" and "1 Mio. €" are all the value 1000000; "26 May
2021", "26 mai 2021", "26/05/2021" and "2021-05-26" all the date 2021-05-26. Written in our own code
because the parsers around (price-parser, dateparser) read one amount or date per string, guess
ambiguous ones from a locale we do not have, and are far slower than these few patterns.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.dates import get_month_names

from knowledge.suspicious import EMAIL, URL

LANGUAGES = ("en", "fr", "de", "es", "it", "pl")
Date = tuple[int | None, int, int | None]  # year, month, day (year or day unknown: None)

SCALES = {
    "thousand": 3, "k": 3, "tys": 3, "mille": 3, "mila": 3, "tausend": 3, "mil": 3,
    "million": 6, "millions": 6, "m": 6, "mn": 6, "mio": 6, "mln": 6, "millionen": 6, "millón": 6,
    "millones": 6, "milione": 6, "milioni": 6, "milion": 6, "miliony": 6, "milionów": 6,
    "billion": 9, "billions": 9, "bn": 9, "mrd": 9, "milliard": 9, "milliards": 9, "milliarde": 9,
    "milliarden": 9, "miliardo": 9, "miliardi": 9, "miliard": 9, "miliardy": 9, "miliardów": 9,
    "mld": 9, "mil millones": 9,
}  # fmt: skip
_SCALE = "|".join(sorted((re.escape(word) for word in SCALES), key=len, reverse=True))
NUMBER = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:([ ,.\u00a0\u202f'’])\d{3})(?:\2\d{3})*(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
    rf"(?:\s?({_SCALE})\b\.?)?",
    re.IGNORECASE,
)
MARKERS = re.compile(r"\[\d{1,3}\]")


@lru_cache(maxsize=1)
def _months() -> dict[str, int]:
    names: dict[str, set[int]] = {}
    for language in LANGUAGES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, language).items():
                    key = name.lower().rstrip(".")
                    if len(key) >= 3:
                        names.setdefault(key, set()).add(number)
    # An abbreviation meaning different months in two languages proves nothing: left out.
    return {name: next(iter(numbers)) for name, numbers in names.items() if len(numbers) == 1}


@lru_cache(maxsize=1)
def _date_patterns() -> tuple[re.Pattern[str], ...]:
    month = "|".join(sorted((re.escape(name) for name in _months()), key=len, reverse=True))
    of = r"(?:\s+(?:de|del|of)\s+|\s+)"
    return (
        re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"),
        re.compile(r"(?<![\d.])(\d{1,2})[./](\d{1,2})[./](\d{4})(?!\d)"),
        re.compile(
            rf"(?<!\d)(\d{{1,2}})(?:\.|er|st|nd|rd|th)?(?:\s*[–-]\s*(\d{{1,2}})\.?)?{of}({month})\.?"
            rf"(?:,?{of}(\d{{4}}))?\b",
            re.IGNORECASE,
        ),
        re.compile(
            rf"\b({month})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:\s*[–-]\s*(\d{{1,2}}))?,?\s+(\d{{4}})\b", re.I
        ),
        re.compile(rf"\b({month})\.?{of}(\d{{4}})\b", re.IGNORECASE),
    )


def _dates(text: str) -> Iterator[tuple[tuple[int, int], list[Date]]]:
    """``(span, dates)`` for every date expression (a range "26–27 May" gives two dates)."""
    months = _months()
    iso, numeric, day_month, month_day, month_year = _date_patterns()
    for match in iso.finditer(text):
        yield match.span(), [(int(match[1]), int(match[2]), int(match[3]))]
    for match in numeric.finditer(text):
        yield match.span(), [(int(match[3]), int(match[2]), int(match[1]))]
    for match in day_month.finditer(text):
        month, year = months[match[3].lower()], int(match[4]) if match[4] else None
        yield match.span(), [(year, month, int(day)) for day in (match[1], match[2]) if day]
    for match in month_day.finditer(text):
        month, year = months[match[1].lower()], int(match[4])
        yield match.span(), [(year, month, int(day)) for day in (match[2], match[3]) if day]
    for match in month_year.finditer(text):
        yield match.span(), [(int(match[2]), months[match[1].lower()], None)]


def _value(digits: str, separator: str | None) -> Decimal | None:
    text = digits.replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'")
    if separator:  # grouped thousands, then maybe a decimal part with the other mark
        separator = {"\u00a0": " ", "\u202f": " ", "’": "'"}.get(separator, separator)
        text = text.replace(separator, "")
        text = text.replace(",", ".")
    elif re.fullmatch(r"\d+[.,]\d{3}", text) and not text.startswith("0"):
        text = text.replace(",", "").replace(".", "")  # "1,000" / "1.000": a thousand either way
    else:
        text = text.replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _numbers(text: str) -> Iterator[tuple[str, Decimal, Decimal]]:
    """``(as written, value, value with its scale word applied)`` for every number."""
    for match in NUMBER.finditer(text):
        value = _value(match[1], match[2])
        if value is None:
            continue
        scale = SCALES.get((match[3] or "").lower().rstrip("."), 0)
        yield match.group(0).strip(), value, value.scaleb(scale)


def normalise_url(url: str) -> str:
    """Scheme, ``www.``, case of the host, trailing slash and fragment do not matter."""
    url = html.unescape(url).strip().rstrip(".,;:!?)'\"")
    url = re.sub(r"^[a-z]+://", "", url, flags=re.IGNORECASE).split("#")[0]
    host, _, rest = url.partition("/")
    return (host.lower().removeprefix("www.") + ("/" + rest if rest else "")).rstrip("/")


@dataclass
class Facts:
    """What a text states that can be checked: links, addresses, dates, numbers."""

    urls: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    dates: set[Date] = field(default_factory=set)
    numbers: set[Decimal] = field(default_factory=set)

    def supports_date(self, date: Date) -> bool:
        year, month, day = date
        return any(
            m == month and (year is None or y == year) and (day is None or d == day) for y, m, d in self.dates
        )


def source_facts(text: str) -> Facts:
    """The facts a passage can vouch for (every number counts, also those inside dates)."""
    text = html.unescape(text)
    facts = Facts()
    facts.urls = {normalise_url(match.group(0)) for match in URL.finditer(text)}
    facts.emails = {match.group(0).lower() for match in EMAIL.finditer(text)}
    for _, dates in _dates(text):
        facts.dates.update(dates)
    for _, value, scaled in _numbers(text):
        facts.numbers.update((value.normalize(), scaled.normalize()))
    return facts


def unsupported(claim: str, sources: Facts) -> list[str]:
    """The links, addresses, dates and numbers of ``claim`` that ``sources`` do not contain.

    Returns:
        A short label per unsupported fact ("number", "date", "link", "e-mail"), without its text
        (so that logs never carry what a member wrote).
    """
    text = MARKERS.sub(" ", html.unescape(claim))
    missing: list[str] = []
    taken: list[tuple[int, int]] = []
    for match in URL.finditer(text):
        taken.append(match.span())
        if normalise_url(match.group(0)) not in sources.urls:
            missing.append("link")
    for match in EMAIL.finditer(text):
        taken.append(match.span())
        if match.group(0).lower() not in sources.emails:
            missing.append("e-mail")
    for span, dates in _dates(text):
        if any(start <= span[0] < end for start, end in taken):
            continue
        taken.append(span)
        if not all(sources.supports_date(date) for date in dates):
            missing.append("date")
    blanked = list(text)
    for start, end in taken:
        blanked[start:end] = " " * (end - start)
    for _, value, scaled in _numbers("".join(blanked)):
        if scaled.normalize() not in sources.numbers and value.normalize() not in sources.numbers:
            missing.append("number")
    return missing
