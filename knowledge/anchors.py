"""Programme names a question is anchored to: an answer must name the same programme.

The names and their spellings in the six languages live in ``knowledge/glossary/programmes.yaml``.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from knowledge.crosslingual import GLOSSARY_DIR, fold


class ProgrammeNames:
    """Finds the programmes a text names.

    Args:
        path: The YAML file of canonical names and their aliases.
    """

    def __init__(self, path: Path = GLOSSARY_DIR / "programmes.yaml") -> None:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        self._patterns: dict[str, re.Pattern[str]] = {}
        for name, aliases in entries.items():
            # Longest aliases first; "+" may follow a name ("erasmus" in "erasmus+") but no letter may.
            ordered = sorted({fold(str(alias)) for alias in aliases}, key=len, reverse=True)
            body = "|".join(re.escape(alias) for alias in ordered)
            self._patterns[str(name)] = re.compile(rf"(?<![\w]){body}(?![\w])")

    def named_in(self, text: str) -> frozenset[str]:
        """Canonical names of the programmes ``text`` mentions."""
        folded = fold(text)
        return frozenset(name for name, pattern in self._patterns.items() if pattern.search(folded))

    def all_named(self, names: frozenset[str], text: str) -> bool:
        """Whether ``text`` mentions every programme of ``names``."""
        if not names:
            return True
        folded = fold(text)
        return all(self._patterns[name].search(folded) for name in names)
