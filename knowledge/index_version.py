"""The index's version marker, shared by every process on one Chroma store.

Each write to the index (an ingest, an event upserted or removed) stamps the passage collection's
metadata with a new token; a process that reads another token than the one it last loaded knows its
in-memory side (BM25, card vectors, chunk map) is stale. A token rather than a counter: two writers
never need to agree on the next number, and any change reads as a change.
"""

from __future__ import annotations

import time
import uuid

import chromadb

VERSION_KEY = "eser:version"


def new_token() -> str:
    """A token no other write will produce (time first, so a log shows which is newer)."""
    return f"{time.time_ns()}-{uuid.uuid4().hex[:8]}"


class VersionMarker:
    """Reads and stamps the version token of one Chroma collection.

    Args:
        client: The Chroma client (embedded or server).
        collection: The collection whose metadata holds the token.
    """

    def __init__(self, client: chromadb.ClientAPI, collection: str) -> None:
        self._client = client
        self._name = collection

    def read(self) -> str:
        """The current token ("" when no write has stamped one): one small request to the server."""
        metadata = self._client.get_collection(self._name).metadata or {}
        return str(metadata.get(VERSION_KEY, ""))

    def stamp(self) -> str:
        """Stamp a new token and return it (after the data it announces is written)."""
        token = new_token()
        collection = self._client.get_collection(self._name)
        # Chroma refuses a modify that names the distance function, and replaces the metadata
        # whole: keep every other key, leave out the ``hnsw:`` ones (they live in its configuration).
        kept = {k: v for k, v in (collection.metadata or {}).items() if not k.startswith("hnsw:")}
        collection.modify(metadata={**kept, VERSION_KEY: token})
        return token
