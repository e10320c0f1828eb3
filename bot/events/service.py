"""Organisers' events: stored in the database (their source of truth) and indexed at once.

Every change (add, update, remove, import) is written to the ``events`` table and then to the
knowledge index under the source root ``db:events``, so that the next question finds it. Another
process (``eser-bot events add`` while ``serve`` runs) changes the table too: ``refresh_if_changed``
notices it on the next tick of the periodic jobs and indexes the change in this process, and
questions look first (``refresh_if_due``, every two seconds at most).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.events.files import read_event_file
from bot.events.validation import validate_event
from bot.store.events import EventStore
from knowledge.documents import SourceDocument
from knowledge.engine import KnowledgeEngine
from knowledge.events import event_document
from knowledge.ingest import IngestReport
from knowledge.models import EventData

log = logging.getLogger(__name__)
SOURCE_ROOT = "db:events"
# Questions look for events changed by another process at most this often (the index's own check,
# knowledge.index_watch, waits as long between two looks).
QUESTION_CHECK_SECONDS = 2.0


def doc_id(event_id: str) -> str:
    """The knowledge-index document id of a database event."""
    return f"event:{event_id}"


def event_source(event: EventData, fallback_url: str) -> SourceDocument:
    """A database event as an indexable document (cited with ``fallback_url``, the configured
    Gateway link, when it gives no link of its own)."""
    document = event_document(event, doc_id=doc_id(event.id), fallback_url=fallback_url)
    return document.model_copy(update={"source_root": SOURCE_ROOT})


class ImportReport(BaseModel):
    """What ``import_file`` did.

    Attributes:
        added: Ids of new events.
        updated: Ids of events imported before (same UID or YAML id), now replaced.
        problems: One message per event that could not be read, naming the file and the event.
    """

    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)


class EventService:
    """Add, change, list and remove organisers' events; find any event, stored or in a file.

    Args:
        sessions: Session factory of the bot's database.
        knowledge: The knowledge engine whose index the events go into. None stores changes only
            (the CLI: the bot indexes them on its next tick, ``ask`` and ``chat`` at start-up), which
            keeps a single process writing to an embedded index.
        clock: Current UTC time.
        question_check_seconds: Least seconds between two looks at the table from the question path
            (``refresh_if_due``): every question looking would cost each one a database round trip.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        knowledge: KnowledgeEngine | None,
        clock: Callable[[], datetime],
        *,
        question_check_seconds: float = QUESTION_CHECK_SECONDS,
    ) -> None:
        self._store = EventStore(sessions)
        self._knowledge = knowledge
        self._clock = clock
        self._question_check_seconds = question_check_seconds
        self._looked_at = -math.inf  # time.monotonic() of the last look from the question path
        # What this process has indexed: event id -> the row's updated_at (None: not synced yet).
        self._indexed: dict[str, datetime] | None = None
        self._lock = asyncio.Lock()

    # --- changes ---------------------------------------------------------------------------------
    async def add(
        self, fields: Mapping[str, Any], *, created_by: str = "", event_id: str | None = None
    ) -> EventData:
        """Validate, store and index a new event.

        Args:
            fields: See ``bot.events.validation.validate_event``.
            created_by: Who added it (``telegram:123``, ``cli``).
            event_id: Its id; a new random one when None. Adding with an id already stored replaces
                that event (a dialogue's Save pressed twice stores one event).

        Raises:
            EventError: Naming the field that is missing or wrong.
        """
        event = validate_event(fields, event_id=event_id or f"ev-{uuid.uuid4().hex[:8]}")
        await self._save([event], created_by=created_by)
        log.info("event %s added by %s", event.id, created_by or "?")
        return event

    async def remove(self, event_id: str) -> bool:
        """Delete a stored event and take it out of the index; False when there is none."""
        async with self._lock:
            if not await self._store.delete(event_id):
                return False
            if self._knowledge is not None:
                await self._knowledge.remove_documents([doc_id(event_id)])
                if self._indexed is not None:
                    self._indexed.pop(event_id, None)
        log.info("event %s removed", event_id)
        return True

    async def import_file(self, path: Path, *, created_by: str = "") -> ImportReport:
        """Store and index every valid event of an ``.ics`` or YAML file.

        Raises:
            ValueError: When the file is not ``.ics``, ``.yaml`` or ``.yml``.
        """
        events, problems = read_event_file(path)
        report = ImportReport(problems=problems)
        if events:
            existing = await self._store.existing_ids([event.id for event in events])
            await self._save(events, created_by=created_by)
            for event in events:
                (report.updated if event.id in existing else report.added).append(event.id)
        return report

    async def _save(self, events: Sequence[EventData], *, created_by: str) -> None:
        now = self._clock()
        async with self._lock:
            await self._store.save(events, created_by=created_by, now=now)
            stamps = {event.id: now for event in events}
            if self._knowledge is None:
                return
            await self._knowledge.upsert_documents(
                [event_source(event, self._knowledge.links.gateway) for event in events],
                source_root=SOURCE_ROOT,
            )
            if self._indexed is not None:
                self._indexed.update(stamps)

    # --- reading ---------------------------------------------------------------------------------
    async def get(self, event_id: str) -> EventData | None:
        """Any event by id: a stored one, else one of the knowledge base's event files."""
        stored = await self._store.get(event_id)
        if stored is not None or self._knowledge is None:
            return stored
        found = self._knowledge.indexed_events(event_id=event_id, exclude_root=SOURCE_ROOT)
        return found[0] if found else None

    async def get_stored(self, event_id: str) -> EventData | None:
        """A stored event by id (not one of the knowledge base's files: those are edited as files)."""
        return await self._store.get(event_id)

    async def list_stored(self, *, upcoming: bool = True) -> list[EventData]:
        """Stored events, soonest first: those still to start (``upcoming``), or all of them."""
        return await self._store.listed(starting_from=self._clock() if upcoming else None)

    async def events_starting(self, after: datetime, before: datetime) -> list[EventData]:
        """Every event starting in ``[after, before)``, stored or in the knowledge base, soonest first."""
        stored = await self._store.starting(after, before)
        files = (
            self._knowledge.indexed_events(starts_after=after, starts_before=before, exclude_root=SOURCE_ROOT)
            if self._knowledge is not None
            else []
        )
        return sorted([*stored, *files], key=lambda event: (event.start, event.id))

    # --- keeping the index in step with the table ------------------------------------------------
    async def sync_index(self, *, unless_done: bool = False) -> IngestReport:
        """Make the index hold exactly the stored events (at start-up; embeds only what changed).

        Args:
            unless_done: Do nothing when a sync has run already (the first questions after a start
                arrive together, and each would otherwise sync again, one after the other).
        """
        if self._knowledge is None:
            return IngestReport()
        async with self._lock:
            if unless_done and self._indexed is not None:
                return IngestReport()
            stored = await self._store.stamped()
            report = await self._knowledge.sync_documents(
                [event_source(event, self._knowledge.links.gateway) for event, _ in stored],
                source_root=SOURCE_ROOT,
            )
            self._indexed = {event.id: stamp for event, stamp in stored}
        if report.added or report.updated or report.removed:
            log.info(
                "database events indexed: %d added, %d updated, %d removed",
                len(report.added),
                len(report.updated),
                len(report.removed),
            )
        return report

    async def refresh_if_due(self) -> bool:
        """``refresh_if_changed``, at most once every ``question_check_seconds`` (for questions:
        an event added by ``eser-bot events add`` is found within that time, and questions asked
        meanwhile do not each query the table).

        Returns:
            True when something was indexed or removed.
        """
        now = time.monotonic()
        if self._indexed is not None and now - self._looked_at < self._question_check_seconds:
            return False
        self._looked_at = now
        return await self.refresh_if_changed()

    async def refresh_if_changed(self) -> bool:
        """Index what another process changed in the events table since this one last looked.

        Cheap when nothing changed (one query of ids and timestamps). Changed events are embedded
        again in this process: an embedded Chroma only searches vectors its own process wrote.

        Returns:
            True when something was indexed or removed.
        """
        if self._knowledge is None:
            return False
        if self._indexed is None:
            await self.sync_index(unless_done=True)
            return True
        current = await self._store.stamps()
        async with self._lock:
            known = self._indexed or {}
            changed = [row_id for row_id, stamp in current.items() if known.get(row_id) != stamp]
            removed = [row_id for row_id in known if row_id not in current]
            if not changed and not removed:
                return False
            if changed:
                await self._knowledge.upsert_documents(
                    [
                        event_source(event, self._knowledge.links.gateway)
                        for event in await self._store.get_many(changed)
                    ],
                    source_root=SOURCE_ROOT,
                    force=True,
                )
            if removed:
                await self._knowledge.remove_documents([doc_id(row_id) for row_id in removed])
            self._indexed = current
        log.info("events changed elsewhere: %d indexed, %d removed", len(changed), len(removed))
        return True
