"""``eser-bot eval``: answer quality on the shipped question sets, reported per set and language group."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.cli.common import build_engine, offline_defaults, progress_bar, read_settings, run_ingest


def _fraction(count: int, total: int) -> str:
    return f"{count}/{total}" if total else "–"


def evaluate_command(
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="A question set: questions, dev, holdout or a YAML file in their format (repeatable; "
            "default: questions, dev and holdout).",
        ),
    ] = None,
    show_misses: Annotated[bool, typer.Option("--misses", help="List every miss.")] = False,
) -> None:
    """Recall@1/@5, stated facts, false refusals, declines and reply language, per set and language group."""
    from knowledge.evaluation import MODES, SETS, evaluate, load_questions

    offline_defaults()
    console = Console()
    settings = read_settings(console)
    engine = build_engine(settings, indexing=True)
    if not run_ingest(engine, list(settings.content_dirs), console, quiet_when_unchanged=True):
        raise typer.Exit(1)
    for name in sets or ["questions", "dev", "holdout"]:
        path = SETS.get(name) or Path(name)
        if not path.exists():
            console.print(
                f"[red]No question set {name!r}: give questions, dev, holdout or a YAML file.[/red]"
            )
            raise typer.Exit(2)
        questions = load_questions(path)
        with progress_bar(console, f"Evaluating {name}") as on_progress:
            report = evaluate(
                engine,
                questions,
                name=name,
                modes=MODES if name == "questions" else (),
                on_progress=on_progress,
            )
        table = Table(title=f"{name}: {report.answerable} answerable, {report.unanswerable} unanswerable")
        columns = ("group", "recall@1", "recall@5", "states fact", "first sentence", "false refusals")
        for column in (*columns, "declined (right kind)", "reply language", "body language"):
            table.add_column(column, justify="right")
        for group_name, group in report.groups.items():
            retrieval = group.retrieval
            table.add_row(
                "English" if group_name == "en" else "fr/de/es/it/pl",
                _fraction(retrieval.hits_at_1, retrieval.questions) if retrieval else "–",
                _fraction(retrieval.hits_at_5, retrieval.questions) if retrieval else "–",
                _fraction(group.states_fact, group.with_fact),
                _fraction(group.first_sentence_fact, group.with_fact),
                _fraction(group.false_refusals, group.answerable),
                f"{_fraction(group.declined, group.unanswerable)} ({group.declined_right_kind})",
                _fraction(group.reply_in_language, group.replies),
                _fraction(group.body_in_language, group.replies),
            )
        console.print(table)
        if name == "questions":
            modes = Table(title="Retrieval alone, all answerable questions of this set")
            for column in ("mode", "recall@1", "recall@5", "MRR"):
                modes.add_column(column, justify="right")
            for mode in MODES:
                scores = report.overall[mode]
                modes.add_row(
                    mode, f"{scores.recall_at_1:.3f}", f"{scores.recall_at_5:.3f}", f"{scores.mrr:.3f}"
                )
            console.print(modes)
        if show_misses:
            for miss in report.misses:
                console.print(f"  miss: {miss}", markup=False)
