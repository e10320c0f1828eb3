"""``eser-bot serve telegram`` replicas as real processes for the replica benchmark: start them, wait
until ``/readyz`` says 200, read what each one costs (CPU seconds and memory from ``/proc``, Linux
only) and stop them with SIGTERM.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from common import ROOT

# Clock ticks per second of the CPU times in /proc/<pid>/stat.
TICKS = os.sysconf("SC_CLK_TCK")
READY_TIMEOUT_SECONDS = 900  # indexing and loading the model on a busy two-core machine take a while


@dataclass
class Replica:
    """One running ``eser-bot serve telegram`` process.

    Attributes:
        name: Its label in the figures (``pg-2/b``).
        process: The process.
        port: Its webhook port (``/readyz`` answers there too).
        log: Where its output goes.
    """

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def webhook_url(self) -> str:
        """Where the benchmark posts updates (as Telegram would, through a load balancer)."""
        return f"http://127.0.0.1:{self.port}/telegram/updates"

    def cpu_seconds(self) -> float:
        """User plus system CPU seconds used by the process so far."""
        stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        # The command name (field 2) may hold spaces: count fields after its closing parenthesis.
        fields = stat[stat.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def memory_mb(self) -> tuple[float, float]:
        """(resident set size now, its peak) in MB."""
        values: dict[str, float] = {}
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024  # kB
        return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)

    def tail(self, chars: int = 3000) -> str:
        """The end of its log, for an error message."""
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def start_replica(name: str, env: dict[str, str], port: int, log: Path) -> Replica:
    """Start ``eser-bot serve telegram`` with ``env`` (webhook on ``port``), its output to ``log``."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "telegram"],
            cwd=ROOT,
            env={**env, "TELEGRAM_WEBHOOK_PORT": str(port)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Replica(name, process, port, log)


async def wait_ready(replica: Replica, within: float = READY_TIMEOUT_SECONDS) -> float:
    """Wait until ``replica`` answers ``/readyz`` with 200; returns the seconds it took.

    Raises:
        RuntimeError: The process ended or did not become ready in time (with its log's end).
    """
    started = time.monotonic()
    url = f"http://127.0.0.1:{replica.port}/readyz"
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
        while True:
            if replica.process.poll() is not None:
                raise RuntimeError(
                    f"{replica.name} exited with {replica.process.returncode}\n{replica.tail()}"
                )
            try:
                async with session.get(url) as response:
                    if response.status == 200:
                        return time.monotonic() - started
            except (aiohttp.ClientError, TimeoutError):
                pass  # not listening yet
            if time.monotonic() - started > within:
                raise RuntimeError(f"{replica.name} not ready after {within:.0f} s\n{replica.tail()}")
            await asyncio.sleep(0.25)


def stop_replicas(replicas: list[Replica], timeout: float = 60) -> None:
    """SIGTERM each replica and wait for it (SIGKILL after ``timeout``)."""
    for replica in replicas:
        if replica.process.poll() is None:
            replica.process.send_signal(signal.SIGTERM)
    for replica in replicas:
        try:
            replica.process.wait(timeout)
        except subprocess.TimeoutExpired:
            replica.process.kill()
            replica.process.wait()
