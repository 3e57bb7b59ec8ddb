"""The cross-upload match cache: a business seen recently is not searched again.

One row per `company_key` in the SQLite cache file (`core.storage.cache_db`), holding the
final answer (matched, not_found or ambiguous; errors are never cached, so they are retried)
and a fingerprint of what it was computed from: the rules version, the website given in the
file, and the acceptance threshold. A different website in a new upload, a new threshold or new
matching rules make the old answer stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from enrichment_pipeline.core.discovery.models import MatchConfig, MatchInput, WebsiteMatch
from enrichment_pipeline.core.storage.cache_db import JsonCache, open_cache_db

# Bump when scoring or the finder chain changes meaning: older answers are then recomputed.
RULES_VERSION = "discovery-1"
TABLE = "website_match_cache"
CACHEABLE = frozenset({"matched", "not_found", "ambiguous"})


def fingerprint(record: MatchInput, config: MatchConfig) -> str:
    """What an answer depends on besides the business itself."""
    text = f"{RULES_VERSION}|{record.website or ''}|{config.accept_threshold:g}"
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


class MatchCache:
    """Website answers by company_key with a TTL, in the cache database file."""

    def __init__(self, path: str | Path, *, ttl_s: float = 30 * 86_400) -> None:
        self.path = Path(path)
        self.ttl_s = ttl_s
        self._con = open_cache_db(self.path)
        self._table = JsonCache(self._con, TABLE)

    def lookup(self, records: Sequence[MatchInput], config: MatchConfig) -> dict[str, WebsiteMatch]:
        """Fresh cached answers for these records, by company_key (one batched read)."""
        wanted = {r.company_key: fingerprint(r, config) for r in records}
        found: dict[str, WebsiteMatch] = {}
        for key, value in self._table.get_many(wanted, max_age_s=self.ttl_s).items():
            if not isinstance(value, dict) or value.get("fingerprint") != wanted[key]:
                continue
            try:
                match = WebsiteMatch.from_dict(value["match"])
            except (KeyError, TypeError, ValueError):
                continue  # an unreadable row is a miss, never a crash
            found[key] = match
        return found

    def store(self, pairs: Iterable[tuple[MatchInput, WebsiteMatch]], config: MatchConfig) -> int:
        """Save final answers (errors are skipped); returns how many rows were written."""
        rows = [
            (
                record.company_key,
                {"fingerprint": fingerprint(record, config), "match": match.to_dict()},
            )
            for record, match in pairs
            if match.status in CACHEABLE
        ]
        self._table.put_many(rows)
        return len(rows)

    def forget(self, company_key: str) -> None:
        """Drop one business's answer (e.g. after a human corrected it)."""
        self._table.delete(company_key)

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> MatchCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
