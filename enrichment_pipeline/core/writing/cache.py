"""Cache of model-written emails in the shared SQLite cache file.

Key: (facts hash, prompt version, model, sender profile hash), so an unchanged rerun makes no
model calls, while a new prompt, model or sender profile writes afresh. Only answers worth
keeping are stored: accepted emails, and fallbacks caused by the content (the model broke the
rules twice; asking again would cost the same and likely fail the same way). Fallbacks caused by
the endpoint (rate limits, timeouts, 5xx, auth) are not stored, so the next run tries again.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from enrichment_pipeline.core.storage.cache_db import JsonCache, open_cache_db
from enrichment_pipeline.core.writing.facts import EmailFacts
from enrichment_pipeline.core.writing.prompt import PROMPT_VERSION
from enrichment_pipeline.core.writing.result import GeneratedEmail
from enrichment_pipeline.core.writing.sender import SenderProfile

TABLE = "llm_emails"


def cache_key(facts: EmailFacts, *, model: str, profile: SenderProfile | str) -> str:
    """The cache key of one business's email for this model and sender.

    `profile` may be the profile or its precomputed `content_hash()` (cheaper in loops).
    """
    profile_hash = profile if isinstance(profile, str) else profile.content_hash()
    parts = (facts.content_hash(), PROMPT_VERSION, model, profile_hash)
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


class LlmCache:
    """Model answers by cache key, in table `llm_emails` of the cache database at `path`.

    Connections are opened per thread on first use (sqlite3 connections are bound to their
    thread and the writer may run its event loop in a worker thread).
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._table()  # create the file and table now: a bad path fails early

    def _table(self) -> JsonCache:
        table = getattr(self._local, "table", None)
        if table is None:
            self._local.con = open_cache_db(self.path)
            table = JsonCache(self._local.con, TABLE)
            self._local.table = table
        return table

    def get_many(self, keys: Iterable[str]) -> dict[str, GeneratedEmail]:
        """Stored emails for the given keys (missing keys are absent from the result)."""
        found = self._table().get_many(keys)
        return {key: GeneratedEmail.from_dict(value) for key, value in found.items()}

    def put(self, key: str, email: GeneratedEmail) -> None:
        """Store one email (its own commit: a killed run keeps what it finished)."""
        self._table().put(key, email.to_dict())

    def close(self) -> None:
        """Close the calling thread's connection (each thread closes its own)."""
        con: sqlite3.Connection | None = getattr(self._local, "con", None)
        if con is not None:
            con.close()
        self._local.con = None
        self._local.table = None
