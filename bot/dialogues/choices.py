"""Choices both dialogues offer: a language, a country (or everywhere), topics (several at once).

Each reader takes the organiser's answer and returns a verdict for the current step, storing the
value under the field name it is given.
"""

from __future__ import annotations

from bot.dialogues.base import Again, Given, Next, Turn, Verdict
from bot.dialogues.inputs import EVERYWHERE, InputError, read_country
from bot.i18n import LANGUAGES
from bot.models import Button
from bot.onboarding.places import Places, fold
from bot.onboarding.typed import Words, best_option, numbered
from bot.topics import TOPICS

ANY = "any"
NOT_UNDERSTOOD = "dialogue.not_understood"


def rows(buttons: list[Button], per_row: int = 2) -> list[list[Button]]:
    """Buttons laid out ``per_row`` to a row."""
    return [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]


# --- language ----------------------------------------------------------------------------------
def language_name(turn: Turn, code: str) -> str:
    """A language's own name ("Español")."""
    return turn.t(f"onboarding.language.{code}") if code in LANGUAGES else code


def language_buttons(turn: Turn, *, any_label: str | None = None) -> list[list[Button]]:
    """One button per language, and an "any language" button when ``any_label`` is given."""
    buttons = [turn.option(language_name(turn, code), code) for code in LANGUAGES]
    if any_label:
        buttons.append(turn.option(any_label, ANY))
    return rows(buttons, 3)


def read_language(turn: Turn, given: Given, field: str, *, any_words: tuple[str, ...] = ()) -> Verdict:
    """A language by button, number, code (``es``) or name in any of the six languages."""
    choice = given.button
    if choice is None:
        text = given.text.strip()
        codes = list(LANGUAGES)
        index = numbered(text, len(codes))
        if index is None:
            names = [
                [
                    code,
                    *(
                        turn.services.catalogue.text(f"onboarding.language.{code}", lang)
                        for lang in LANGUAGES
                    ),
                ]
                for code in codes
            ]
            index = best_option(text, names)
        if index is not None:
            choice = codes[index]
        elif fold(text) in {fold(word) for word in any_words}:
            choice = ANY
    if choice == ANY and any_words:
        return Next({field: None})
    if choice in LANGUAGES:
        return Next({field: choice})
    return Again(NOT_UNDERSTOOD)


# --- region ------------------------------------------------------------------------------------
def region_buttons(turn: Turn, places: Places, everywhere_label: str) -> list[list[Button]]:
    """The "everywhere" button and any "did you mean…?" countries of the last answer."""
    suggestions = [
        turn.option(places.country_name(code, turn.language), code)
        for code in turn.state.pending.get("suggestions", ())
    ]
    return [*rows(suggestions), [turn.option(everywhere_label, EVERYWHERE)]]


def region_label(turn: Turn, places: Places, code: str | None, everywhere_label: str) -> str:
    """A chosen region in words."""
    return everywhere_label if code in (None, EVERYWHERE) else places.country_name(str(code), turn.language)


def read_region(turn: Turn, given: Given, places: Places, field: str, *, everywhere: str | None) -> Verdict:
    """A country by button, ISO code or name in any language, or everywhere (stored as ``everywhere``).

    A name close to several countries is asked again with "did you mean…?" buttons.
    """
    if given.button is not None:
        if given.button == EVERYWHERE:
            return Next({field: everywhere})
        if given.button in turn.state.pending.get("suggestions", ()):
            return Next({field: given.button})
        return Again(NOT_UNDERSTOOD)
    text = given.text.strip()
    if fold(text) in {"eu", "europe", "everywhere", fold(turn.t("dialogue.everywhere_word"))}:
        return Next({field: everywhere})
    try:
        country = read_country(places, text)
    except InputError as error:
        return Again(error.key, error.values, pending={})
    if country.code is not None:
        return Next({field: country.code})
    return Again("dialogue.did_you_mean", {"given": text}, pending={"suggestions": list(country.suggestions)})


# --- topics ------------------------------------------------------------------------------------
def topic_label(turn: Turn, topic: str) -> str:
    """A topic in words ("EU funding")."""
    return turn.t(f"onboarding.interest.{topic}")


def topic_buttons(turn: Turn, *, all_label: str | None = None) -> list[list[Button]]:
    """One button per topic (ticked when chosen), "done", and "everyone" when ``all_label`` is given."""
    chosen = set(turn.state.pending.get("topics", ()))
    buttons = [
        turn.option(("✓ " if topic in chosen else "") + topic_label(turn, topic), topic) for topic in TOPICS
    ]
    last = [turn.option(turn.t("onboarding.button.done"), "!done")]
    if all_label:
        last.insert(0, turn.option(all_label, ANY))
    return [*rows(buttons), last]


def topics_chosen(turn: Turn) -> str:
    """The topics ticked so far, in words (for the prompt)."""
    chosen = [topic for topic in TOPICS if topic in turn.state.pending.get("topics", ())]
    return ", ".join(topic_label(turn, topic) for topic in chosen) or "—"


def read_topics(turn: Turn, given: Given, field: str) -> Verdict:
    """Tick or untick a topic (button), finish with "done", or type several ("funding, events")."""
    chosen = list(turn.state.pending.get("topics", ()))
    if given.button == ANY:
        return Next({field: []})
    if given.button in TOPICS:
        chosen = (
            [t for t in chosen if t != given.button] if given.button in chosen else [*chosen, given.button]
        )
        return Again(pending={"topics": [topic for topic in TOPICS if topic in chosen]})
    if given.control == "done":
        return Next({field: [topic for topic in TOPICS if topic in chosen]})
    if given.button is not None or not given.text.strip():
        return Again(NOT_UNDERSTOOD)
    labels = [
        [topic, topic_label(turn, topic), turn.services.catalogue.text(f"onboarding.interest.{topic}", "en")]
        for topic in TOPICS
    ]
    picked: list[str] = []
    for part in Words(turn.services.catalogue).split_list(given.text, turn.language):
        index = numbered(part, len(TOPICS))
        index = best_option(part, labels) if index is None else index
        if index is None:
            return Again("dialogue.unknown_topic", {"given": part, "topics": ", ".join(TOPICS)})
        picked.append(TOPICS[index])
    return Next({field: [topic for topic in TOPICS if topic in picked]})
