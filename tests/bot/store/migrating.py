"""What one replica does at start, run in a process of its own by the parallel migration test (a
module of its own so that the spawned processes import little)."""

from __future__ import annotations

import asyncio
from multiprocessing.synchronize import Barrier

from bot.store.database import make_engine, migrate


def migrate_at_the_start_line(url: str, start: Barrier) -> None:
    """Connect to ``url``, wait for every other process at ``start``, then migrate.

    An error ends the process with a non-zero exit code.
    """

    async def run() -> None:
        engine = make_engine(url)
        try:
            async with engine.connect():  # connected before the start line: the race is the migration
                pass
            start.wait()
            await migrate(engine)
        finally:
            await engine.dispose()

    asyncio.run(run())
