"""Prompt templates, kept as plain text files in ``prompts/`` and loaded by name."""

from __future__ import annotations

from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


def load_prompt(name: str, prompts_dir: Path = PROMPTS_DIR) -> str:
    """The text of ``prompts/<name>.txt``.

    Raises:
        FileNotFoundError: Naming the missing template.
    """
    path = prompts_dir / f"{name}.txt"
    if not path.exists():
        raise FileNotFoundError(f"prompt template {name!r} not found at {path}")
    return path.read_text(encoding="utf-8")
