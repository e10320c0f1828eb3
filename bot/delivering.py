"""The delivering replica: what only one replica at a time does, and how it is chosen.

``eser-bot serve`` asks ``delivery_election`` for this process's election and runs
``delivering_work`` under it: the broadcast runner and the leader's periodic jobs run in the replica
holding the ``delivery`` lease only (on SQLite, in the one process). ``ESER_BROADCAST_WORKERS=false``
keeps a replica out of the election altogether.
"""

from __future__ import annotations

import asyncio

from bot.app import App
from bot.broadcast.runner import BroadcastRunner
from bot.jobs import leader_jobs, run_periodic_jobs
from bot.leadership import LeaderElection, Work
from bot.store.leases import LeaseStore


def delivery_election(app: App, *, settle_seconds: float = 1.0) -> LeaderElection:
    """This process's election for the delivering role.

    On PostgreSQL the replicas share a lease of ``ESER_LEADER_LEASE_SECONDS``; on SQLite there is
    one process, and it always leads.

    Args:
        app: The running core.
        settle_seconds: Wait between winning the role and the first send (see ``bot.leadership``).
    """
    on_postgres = app.services.db.dialect.name == "postgresql"
    return LeaderElection(
        LeaseStore(app.services.sessions) if on_postgres else None,
        lease_seconds=app.services.settings.leader_lease_seconds,
        settle_seconds=settle_seconds,
    )


def delivering_work(app: App, runner: BroadcastRunner | None = None, *, interval_seconds: float = 60) -> Work:
    """What the leader runs during a term: the broadcast runner and the leader's periodic jobs.

    Args:
        app: The running core.
        runner: The broadcast runner (a fresh ``BroadcastRunner(app.services)`` each term when None).
        interval_seconds: Time between ticks of the periodic jobs.
    """

    async def deliver(stop: asyncio.Event) -> None:
        broadcasts = runner or BroadcastRunner(app.services)
        app.services.metrics.leader.set(1)  # this replica delivers for as long as its term lasts
        try:
            await asyncio.gather(
                broadcasts.run(stop),
                run_periodic_jobs(app, stop, interval_seconds=interval_seconds, jobs=leader_jobs()),
            )
        finally:
            app.services.metrics.leader.set(0)

    return deliver
