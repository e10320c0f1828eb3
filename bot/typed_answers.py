"""Reading typed answers: control words (back, skip…), option numbers and option names.

The words a member may type come from the catalogues (``onboarding.words.*``, alternatives separated by
``|``), in the member's language and always in English too, so translators can add synonyms.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from bot.places import fold
from knowledge.text import Texts

CONTROL_WORDS = ("back", "skip", "cancel", "done", "restart")
# A typed name must be this similar to an option's label to count as choosing it.
OPTION_CUTOFF = 85.0


class Words:
    """Typed words by meaning, in every language.

    Args:
        texts: The catalogues holding ``onboarding.words.<meaning>``.
    """

    def __init__(self, texts: Texts) -> None:
        self._texts = texts

    def variants(self, meaning: str, language: str) -> set[str]:
        """The folded words meaning ``meaning`` in ``language`` and in English."""
        found: set[str] = set()
        for lang in {language, "en"}:
            found |= {fold(word) for word in self._texts.text(f"onboarding.words.{meaning}", lang).split("|")}
        return found - {""}

    def means(self, meaning: str, text: str, language: str) -> bool:
        """Whether the whole of ``text`` is one of the words for ``meaning``."""
        return fold(text) in self.variants(meaning, language)

    def control(self, text: str, language: str) -> str | None:
        """The control (``back``, ``skip``, ``cancel``, ``done``, ``restart``) ``text`` asks for, if any."""
        return next((word for word in CONTROL_WORDS if self.means(word, text, language)), None)

    def split_list(self, text: str, language: str) -> list[str]:
        """Split "funding, events and policy" into its items (commas, semicolons and "and" words)."""
        conjunctions = sorted(self.variants("and", language), key=len, reverse=True)
        pattern = r"[,;/+\n]" + "".join(rf"|\s{re.escape(word)}\s" for word in conjunctions)
        return [part.strip() for part in re.split(pattern, f" {text} ", flags=re.IGNORECASE) if part.strip()]


def numbered(text: str, count: int) -> int | None:
    """The 0-based index of a typed option number ("2", "2.", "#2"), if it is one of ``count``."""
    match = re.fullmatch(r"\s*#?(\d{1,2})[.)]?\s*", text)
    if not match:
        return None
    index = int(match.group(1)) - 1
    return index if 0 <= index < count else None


def best_option(text: str, labels: Sequence[Sequence[str]]) -> int | None:
    """The index of the option whose labels ``text`` names, or None when none (or several) fit.

    Args:
        text: What the member typed.
        labels: For each option, the names it may be typed as (labels in several languages, value).
    """
    typed = fold(text)
    if not typed:
        return None
    scores: list[float] = []
    for names in labels:
        best = 0.0
        for name in names:
            folded = fold(name)
            if not folded:
                continue
            if typed == folded:
                best = 101.0
                break
            best = max(best, fuzz.ratio(typed, folded))
            # A label's first word is a natural short answer ("sì" for "Sì, inviami gli annunci").
            if typed == folded.split()[0]:
                best = max(best, 100.0)
            # One word typed with a typo ("cooperatve") still names the label holding that word.
            if len(typed) >= 4 and " " not in typed:
                best = max(best, max(fuzz.ratio(typed, word) for word in folded.split()))
            # One distinctive word of a long label ("cooperative") is enough; short words ("or") are not.
            if len(typed) >= 3:
                best = max(best, fuzz.token_set_ratio(typed, folded))
        scores.append(best)
    ranked = sorted(range(len(scores)), key=lambda i: scores[i], reverse=True)
    if not ranked or scores[ranked[0]] < OPTION_CUTOFF:
        return None
    if len(ranked) > 1 and scores[ranked[1]] >= scores[ranked[0]] - 2:
        return None
    return ranked[0]
