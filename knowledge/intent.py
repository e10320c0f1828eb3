"""Reads what kind of answer a question wants: upcoming events, a date window, a country.

Date windows ("next month", "le mois prochain", "w marcu", "this year") are parsed by dateparser,
which also tells the period the phrase names (a week, a month, a year); this module only picks the
phrase to hand it: the few words around a month name or a period word of the question's language.
Country names are read in the six languages from CLDR (babel), so "Espagne", "Spanien" and
"Hiszpania" all mean ES.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from babel import Locale

from knowledge.crosslingual import SUPPORTED_LANGUAGES, fold

EVENT_WORDS = frozenset(
    """event events conference conferences summit summits webinar webinars workshop workshops meeting
    meetings forum agenda calendar""".split()
)
# "future" is not here: it names things ("The Social Economy, the Future of Europe") more often than
# it asks for what is still to come.
FUTURE_WORDS = frozenset("upcoming next coming soon planned scheduled".split())
WHATS_ON = re.compile(r"\bwhats on\b|\bwhat is on\b|\bgoing on\b")
WORD = re.compile(r"[a-z]+")
# Words that name a period, per language (folded): a phrase holding one may name a date window.
PERIOD_WORDS = {
    "en": frozenset("week month year weekend".split()),
    "fr": frozenset("semaine mois annee".split()),
    "de": frozenset("woche monat monats jahr jahres wochenende".split()),
    "es": frozenset("semana mes ano".split()),
    "it": frozenset("settimana mese anno".split()),
    "pl": frozenset("tydzien tygodniu miesiac miesiacu rok roku".split()),
}


@dataclass(frozen=True)
class Intent:
    """What the question asks for beyond its words.

    Attributes:
        upcoming_events: Only future events answer it.
        window_start: Events must start at or after this (a window named in the question).
        window_end: Events must start before this (e.g. "next month").
        region: ISO alpha-2 code of a country named in the question.
        countries: Every country named (codes), for follow-up rewriting.
    """

    upcoming_events: bool = False
    window_start: dt.datetime | None = None
    window_end: dt.datetime | None = None
    region: str | None = None
    countries: tuple[str, ...] = field(default_factory=tuple)


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Folded country names in the six languages (and English short forms) → ISO alpha-2 code."""
    names: dict[str, str] = {}
    for language in SUPPORTED_LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha() and code not in ("EU", "EZ", "UN", "ZZ", "QO"):
                names.setdefault(fold(name), code)
    return names


@lru_cache(maxsize=len(SUPPORTED_LANGUAGES))
def _month_names(language: str) -> frozenset[str]:
    # Full names only, in every grammatical form CLDR has ("marzec", "w marcu" uses "marca"...).
    locale = Locale.parse(language)
    words: set[str] = set()
    for context in ("format", "stand-alone"):
        words |= {fold(name) for name in locale.months[context]["wide"].values()}
    return frozenset(words)


@lru_cache(maxsize=1)
def _country_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    # One alternation, longest names first, so that "bosnia and herzegovina" wins over "bosnia"
    # and each place yields one name; compiled once (a thousand patterns per question cost 85 ms).
    names = {name: code for name, code in country_names().items() if len(name) > 3}
    body = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![a-z])(?:{body})(?![a-z])"), names


def country_spans(text: str) -> list[tuple[int, int, str]]:
    """Where ``text`` names a country (any of the six languages): ``(start, end, code)``, in order."""
    folded = fold(text)
    if len(folded) != len(text):  # folding changed the length (a ligature): positions would drift
        folded = text.lower()
    pattern, names = _country_pattern()
    return [(match.start(), match.end(), names[match.group(0)]) for match in pattern.finditer(folded)]


def countries_in(text: str) -> tuple[str, ...]:
    """Codes of the countries named in ``text`` (any of the six languages), in order of appearance."""
    return tuple(dict.fromkeys(code for _, _, code in country_spans(text)))


def date_window(text: str, language: str, now: dt.datetime) -> tuple[dt.datetime, dt.datetime] | None:
    """The period a question names ("next month" → that month), as ``[start, end)`` in UTC."""
    words = text.split()
    folded = [fold(word).strip("?!.,;:¿¡") for word in words]
    language = language if language in SUPPORTED_LANGUAGES else "en"
    months = _month_names(language)
    periods = PERIOD_WORDS[language]
    anchors = [
        n
        for n, word in enumerate(folded)
        # English months are capitalised: "may" and "march" are verbs more often than months.
        if word in periods
        or (_is_month(word, months, language) and (language != "en" or words[n][:1].isupper()))
    ]
    if not anchors:
        return None
    from dateparser.date import DateDataParser  # heavy import: only questions naming a period pay it

    parser = DateDataParser(
        languages=[language, "en"] if language != "en" else ["en"],
        settings={
            "RELATIVE_BASE": now.replace(tzinfo=None),
            "PREFER_DATES_FROM": "future",
            "RETURN_TIME_AS_PERIOD": True,
        },
    )
    for anchor in anchors:
        # The longest phrase around the anchor that parses: "w przyszłym miesiącu", "in March".
        for size in (4, 3, 2, 1):
            for start in range(max(0, anchor - size + 1), anchor + 1):
                phrase = " ".join(words[start : start + size]).strip("?!.,;:¿¡")
                data = parser.get_date_data(phrase)
                if data.date_obj is not None and data.period in ("week", "month", "year"):
                    return _period(data.date_obj.replace(tzinfo=dt.UTC), str(data.period), now)
    return None


def _is_month(word: str, months: frozenset[str], language: str) -> bool:
    if word in months:
        return True
    # Polish declines month names ("marzec", "marca", "w marcu"): compare without the ending.
    return language == "pl" and len(word) > 3 and any(word.startswith(month[:-1]) for month in months)


def _period(day: dt.datetime, period: str, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    midnight = day.replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "week":
        start = midnight - dt.timedelta(days=midnight.weekday())
        return start, start + dt.timedelta(days=7)
    if period == "month":
        start = midnight.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1)
        return start, end
    start = midnight.replace(month=1, day=1)
    return max(start, now.replace(hour=0, minute=0, second=0, microsecond=0)), start.replace(
        year=start.year + 1
    )


def read_intent(question: str, expansion: str, now: dt.datetime, language: str = "en") -> Intent:
    """Detect an upcoming-events question, a date window and the countries named.

    Args:
        question: As asked (or rewritten as a standalone question).
        expansion: Its English glossary terms (so "prochains événements" counts too).
        now: The current time.
        language: The question's language (for the date window).
    """
    text = fold(f"{question} {expansion}").replace("what's", "whats").replace("what’s", "whats")
    tokens = set(WORD.findall(text))
    whats_on = bool(WHATS_ON.search(text))
    asks_events = bool(tokens & EVENT_WORDS) or whats_on
    window = date_window(question, language, now) if asks_events else None
    future = bool(tokens & FUTURE_WORDS) or whats_on or (window is not None and window[1] > now)
    countries = countries_in(question)
    return Intent(
        upcoming_events=asks_events and future,
        window_start=window[0] if window else None,
        window_end=window[1] if window else None,
        region=countries[0] if countries else None,
        countries=countries,
    )
