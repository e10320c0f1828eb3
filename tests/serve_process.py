"""``eser-bot serve`` as a real process, for the tests that kill, stop or wait on one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


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
