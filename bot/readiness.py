"""Whether this process can serve: the database answers with its schema current, the vector store
answers and the embedding model is loaded. What ``/readyz`` reports (``adapters.health``); a load
balancer sends members only to replicas that are ready."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.database import missing_revisions, one_line
from knowledge.engine import KnowledgeEngine

log = logging.getLogger(__name__)
# A probe must answer before the load balancer gives up on it (they wait a few seconds).
CHECK_SECONDS = 3.0


@dataclass
class Readiness:
    """The result of one readiness check.

    Attributes:
        problems: What is not ready, by check (``database``, ``migrations``, ``vector_store``,
            ``model``).
    """

    problems: dict[str, str] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        """True when every check passed."""
        return not self.problems


async def check_readiness(db: AsyncEngine, knowledge: KnowledgeEngine) -> Readiness:
    """Check the database (reachable, every migration applied), the vector store (reachable) and the
    embedding model (loaded by ``KnowledgeEngine.warm_up``: until then a question would wait for it).

    Args:
        db: The database engine.
        knowledge: The knowledge engine, whose Chroma collection is asked for its size and whose
            ``model_problem`` says whether its models are loaded.

    Returns:
        The problems found, each in one line (no password, no member data).
    """
    result = Readiness()
    try:
        missing = await asyncio.wait_for(missing_revisions(db), CHECK_SECONDS)
        if missing:
            result.problems["migrations"] = "not applied: " + ", ".join(sorted(missing))
    except Exception as error:  # unreachable, refused, timed out: not ready, whatever the reason
        result.problems["database"] = one_line(error) or type(error).__name__
    try:
        # The collection's size is one round trip to Chroma (embedded or server); its client
        # blocks, so it is asked in a thread: a hanging server cannot stall the loop.
        collection = knowledge.index.store._collection
        await asyncio.wait_for(asyncio.to_thread(collection.count), CHECK_SECONDS)
    except Exception as error:
        result.problems["vector_store"] = one_line(error) or type(error).__name__
    if knowledge.model_problem:
        result.problems["model"] = knowledge.model_problem
    if result.problems:
        log.info("not ready: %s", "; ".join(f"{name}: {text}" for name, text in result.problems.items()))
    return result
