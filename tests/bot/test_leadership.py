"""Leader election on a real PostgreSQL database: one leader among contenders, a takeover within the
lease time when the leader dies, a hand-over at once when it stops cleanly, and a leader that cannot
renew stops before its lease runs out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.leadership import LeaderElection, Work
from bot.store.database import make_engine, migrate, session_factory
from bot.store.leases import LeaseStore
from tests.bot.store.postgres import (
    allow_connections,
    create_database,
    drop_database,
    refuse_connections,
    url_of,
)
from tests.conftest import make_settings

LEASE = 1.5


class Terms:
    """Who does the leader's work, and when each term ended (loop time)."""

    def __init__(self) -> None:
        self.leading: set[str] = set()
        self.most_at_once = 0
        self.ended: dict[str, float] = {}

    def work(self, name: str) -> Work:
        async def lead(stop: asyncio.Event) -> None:
            self.leading.add(name)
            self.most_at_once = max(self.most_at_once, len(self.leading))
            try:
                await stop.wait()
            finally:
                self.leading.discard(name)
                self.ended[name] = asyncio.get_running_loop().time()

        return lead


@asynccontextmanager
async def database() -> AsyncIterator[tuple[str, async_sessionmaker[AsyncSession]]]:
    name = create_database()
    settings = make_settings(Path("."), DATABASE_URL=url_of(name))
    engine = make_engine(settings.effective_database_url)
    try:
        await migrate(engine)
        yield name, session_factory(engine)
    finally:
        await engine.dispose()
        drop_database(name)


async def until(check: object, within: float) -> float:
    """Wait until ``check()`` is true; returns how long it took (fails after ``within`` seconds)."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    while not check():  # type: ignore[operator]
        assert loop.time() - started < within, f"not within {within}s"
        await asyncio.sleep(0.02)
    return loop.time() - started


@pytest.mark.postgres
async def test_one_statement_gives_the_lease_to_exactly_one_of_many_askers() -> None:
    async with database() as (_, sessions):
        leases = LeaseStore(sessions)
        won = await asyncio.gather(*(leases.acquire("delivery", f"r{n}", LEASE) for n in range(12)))
        assert sum(won) == 1
        holder = f"r{won.index(True)}"
        assert await leases.acquire("delivery", holder, LEASE)  # the holder renews
        assert not await leases.acquire("delivery", "other", LEASE)
        await asyncio.sleep(LEASE + 0.1)
        assert await leases.acquire("delivery", "other", LEASE)  # ran out: taken over
        lease = await leases.current("delivery")
        assert lease is not None and lease.holder == "other"
        assert not await leases.release("delivery", holder) and await leases.release("delivery", "other")


@pytest.mark.postgres
async def test_two_contenders_one_leads_and_the_other_takes_over_within_the_lease() -> None:
    async with database() as (_, sessions):
        terms = Terms()
        elections = {
            name: LeaderElection(LeaseStore(sessions), lease_seconds=LEASE, holder=name, settle_seconds=0)
            for name in ("a", "b")
        }
        stop = asyncio.Event()
        tasks = {
            name: asyncio.create_task(election.run(terms.work(name), stop))
            for name, election in elections.items()
        }
        try:
            await until(lambda: terms.leading, within=LEASE)
            await asyncio.sleep(LEASE * 2)  # several renewals: still one leader, the same one
            [leader] = terms.leading
            follower = "b" if leader == "a" else "a"
            assert elections[leader].terms == 1 and elections[follower].terms == 0

            # The leader dies without giving the lease up (its task cancelled, as a crash would).
            tasks[leader].cancel()
            await asyncio.gather(tasks[leader], return_exceptions=True)
            assert terms.leading == set()
            took = await until(lambda: follower in terms.leading, within=LEASE * 2)
            assert took <= LEASE * (1 + 1 / 3) + 0.2, took
            assert terms.most_at_once == 1

            # Back again, the first one waits as a follower, and takes over in turn.
            tasks[leader] = asyncio.create_task(elections[leader].run(terms.work(leader), stop))
            await asyncio.sleep(LEASE)
            assert terms.leading == {follower}
            tasks[follower].cancel()
            await asyncio.gather(tasks[follower], return_exceptions=True)
            await until(lambda: leader in terms.leading, within=LEASE * 2)
            tasks[follower] = asyncio.create_task(elections[follower].run(terms.work(follower), stop))
            await asyncio.sleep(LEASE)
            assert terms.leading == {leader}
        finally:
            stop.set()
            await asyncio.wait_for(asyncio.gather(*tasks.values(), return_exceptions=True), 10)
        assert terms.most_at_once == 1 and terms.leading == set()


@pytest.mark.postgres
async def test_a_leader_that_stops_cleanly_hands_over_at_once() -> None:
    async with database() as (_, sessions):
        terms = Terms()
        first, second = asyncio.Event(), asyncio.Event()
        a = LeaderElection(LeaseStore(sessions), lease_seconds=LEASE * 4, holder="a", settle_seconds=0)
        b = LeaderElection(LeaseStore(sessions), lease_seconds=LEASE * 4, holder="b", settle_seconds=0)
        task_a = asyncio.create_task(a.run(terms.work("a"), first))
        await until(lambda: terms.leading == {"a"}, within=2)
        task_b = asyncio.create_task(b.run(terms.work("b"), second))
        await asyncio.sleep(0.3)
        assert terms.leading == {"a"}
        first.set()
        await task_a
        # Well before a's lease of 6 s would have run out: b's next poll (a sixth of it) finds it free.
        took = await until(lambda: terms.leading == {"b"}, within=LEASE * 4 / 6 + 0.5)
        assert took < LEASE * 4 / 2
        second.set()
        await task_b
        assert await LeaseStore(sessions).current("delivery") is None


@pytest.mark.postgres
async def test_a_leader_that_cannot_renew_stops_before_its_lease_runs_out() -> None:
    async with database() as (name, sessions):
        terms = Terms()
        stop = asyncio.Event()
        election = LeaderElection(LeaseStore(sessions), lease_seconds=LEASE * 2, holder="a", settle_seconds=0)
        task = asyncio.create_task(election.run(terms.work("a"), stop))
        try:
            await until(lambda: terms.leading == {"a"}, within=2)
            await asyncio.sleep(LEASE)  # at least one renewal
            refuse_connections(name)
            cut = asyncio.get_running_loop().time()
            await until(lambda: "a" in terms.ended, within=LEASE * 2)
            # It stopped before the lease it last renewed (at most ``cut``) could run out.
            assert terms.ended["a"] < cut + LEASE * 2
            assert not election.is_leader
            allow_connections(name)
            await until(lambda: terms.leading == {"a"}, within=LEASE * 2 + 5)  # leads again
        finally:
            allow_connections(name)
            stop.set()
            await asyncio.wait_for(task, 10)


async def test_alone_on_sqlite_the_process_leads_at_once_and_stops_when_told() -> None:
    terms = Terms()
    stop = asyncio.Event()
    election = LeaderElection(None, lease_seconds=LEASE, holder="only", settle_seconds=5)
    task = asyncio.create_task(election.run(terms.work("only"), stop))
    await until(lambda: terms.leading == {"only"}, within=0.5)  # no settling: nobody to make room for
    assert election.is_leader
    stop.set()
    await asyncio.wait_for(task, 2)
    assert terms.leading == set() and not election.is_leader and election.terms == 1


@pytest.mark.postgres
async def test_a_slow_database_is_reported_as_slow_not_as_out_of_reach(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from sqlalchemy import text

    async with database() as (_, sessions):
        terms = Terms()
        stop = asyncio.Event()
        election = LeaderElection(LeaseStore(sessions), lease_seconds=1.0, holder="a", settle_seconds=0)
        async with sessions() as blocker, blocker.begin():
            # Another transaction holds the leases table: taking the role waits past its poll.
            await blocker.execute(text("LOCK TABLE leader_leases IN ACCESS EXCLUSIVE MODE"))
            task = asyncio.create_task(election.run(terms.work("a"), stop))
            await until(lambda: "took longer than" in caplog.text, within=5)
        try:
            await until(lambda: terms.leading == {"a"}, within=5)  # leads once the table is free
            assert "out of reach" not in caplog.text
        finally:
            stop.set()
            await asyncio.wait_for(task, 10)
