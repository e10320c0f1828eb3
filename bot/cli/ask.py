"""``eser-bot ask``: answer questions from the command line, as text or JSON lines."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from bot.cli.common import build_engine, offline_defaults, read_settings
from bot.cli.events import sync_stored_events

if TYPE_CHECKING:
    from knowledge.models import Answer


def _answer_json(answer: Answer) -> dict[str, object]:
    return {
        "question": answer.question,
        "answer": answer.text,
        "grounded": answer.grounded,
        "language": answer.language,
        "citations": [
            {"n": c.n, "title": c.title, "url": c.url, "text": c.snippet} for c in answer.citations
        ],
        "passages": [
            {"title": p.chunk.title, "url": p.chunk.url, "text": p.chunk.text, "score": round(p.score, 6)}
            for p in answer.passages
        ],
        "timing_ms": {
            key: round(answer.timing_ms.get(key, 0.0), 3) for key in ("retrieve", "answer", "total")
        },
    }


def _stdin_questions() -> Iterator[str]:
    for line in sys.stdin:
        if line.strip():
            yield line.strip()


def ask(
    question: Annotated[
        str, typer.Argument(help="The question, or '-' to read one question per line from stdin.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per question.")] = False,
) -> None:
    """Answer a question with numbered sources."""
    offline_defaults()
    console = Console(stderr=True)
    settings = read_settings(console)
    engine = build_engine(settings)
    asyncio.run(sync_stored_events(settings, engine))  # organisers' events from the database
    out = Console(highlight=False, soft_wrap=True)
    questions = _stdin_questions() if question == "-" else iter([question])
    for text in questions:
        answer = asyncio.run(engine.answer(text))
        if as_json:
            sys.stdout.write(json.dumps(_answer_json(answer), ensure_ascii=False) + "\n")
            sys.stdout.flush()
            continue
        out.print(answer.text, markup=False)
        if answer.citations:
            out.print()
            for citation in answer.citations:
                out.print(f"[{citation.n}] {citation.title} — {citation.url}", markup=False)
        for action in answer.actions:
            out.print(f"→ {action.label}: {action.url}", markup=False)
