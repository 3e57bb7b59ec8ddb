"""Whole-site scrape results, reused while every page the scrape read is the same cached copy.

A rerun of an unchanged upload used to walk every site again: read each page back from the
page cache (SQLite read + zstd + decode) and fetch its extraction from the page memo, then
merge. At 10,000 businesses that was 17.7 s of a 42 s rerun for a result that could not differ.
This memo stores each site's `SiteContacts` with the URLs the scrape asked for and the fetch
time of the copy each one got. It is reused only when the page cache would now serve exactly
those copies (same fetch times, within the same age limits; checked on the cache's index,
bodies unread), for the same extractor code, region, page limit and fetch settings. A site
whose scrape met a passing failure (timeout, refused connection, 429/5xx, a failed render) is
never stored, so a rerun asks the network again, as it would without the memo.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import zstandard

from enrichment_pipeline.core.extract.memo import extractor_version
from enrichment_pipeline.core.source_hash import sources_digest
from enrichment_pipeline.core.storage.cache_db import MemoTable

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS site_scrapes ("
    " website TEXT NOT NULL, region TEXT NOT NULL, max_pages INTEGER NOT NULL,"
    " version TEXT NOT NULL, reads TEXT NOT NULL, data BLOB NOT NULL,"
    " PRIMARY KEY (website, region, max_pages))"
)
# Copies match when their fetch times agree to the millisecond (the page cache stores floats).
_TOLERANCE_S = 0.0005

CopyTimes = Callable[[list[str]], Mapping[str, float]]


def _web_rules_version() -> str:
    """The web layer's rendering rules decide which pages a scrape renders, so they count too."""
    web = Path(__file__).parent.parent / "web"
    return sources_digest(web, ("rendering.py", "data_endpoints.py"))[:16]


class SiteMemo:
    """Scrape results by (website, region, page limit); one per stage run, one thread."""

    def __init__(self, path: Path, *, settings: str = "") -> None:
        self._table = MemoTable(Path(path), _SCHEMA, "site_scrapes", columns=6)
        self._version = hashlib.sha256(
            f"{extractor_version()}|{_web_rules_version()}|{settings}".encode()
        ).hexdigest()[:16]
        self._zstd = zstandard.ZstdCompressor(level=1)
        self._unzstd = zstandard.ZstdDecompressor()
        self.hits = 0
        self.pages_reused = 0

    def get(
        self, website: str, region: str, max_pages: int, copy_times: CopyTimes
    ) -> dict[str, Any] | None:
        """The stored result (a `SiteContacts.to_dict()`), if every page it read is unchanged.

        `copy_times(keys)` answers, for each page-cache key recorded by `put`, the fetch time of
        the copy the cache would serve now (missing: the fetcher would go to the network).
        """
        row = self._table.read_one(
            "SELECT version, reads, data FROM site_scrapes"
            " WHERE website = ? AND region = ? AND max_pages = ?",
            (website, region, max_pages),
        )
        if row is None or row[0] != self._version:
            return None
        try:
            reads: dict[str, float] = json.loads(row[1])
            now = copy_times(list(reads))
            if any(
                url not in now or abs(now[url] - when) > _TOLERANCE_S for url, when in reads.items()
            ):
                return None
            data: dict[str, Any] = json.loads(self._unzstd.decompress(row[2]))
        except (ValueError, TypeError, zstandard.ZstdError):
            return None  # an unreadable row is a miss, never an error
        for page in data.get("pages", []):
            page["from_cache"] = True  # as the scrape itself would now report them
        self.hits += 1
        self.pages_reused += len(reads)
        return data

    def put(
        self,
        website: str,
        region: str,
        max_pages: int,
        reads: Mapping[str, float],
        contacts: dict[str, Any],
    ) -> None:
        """Remember a site's result and, per page-cache key it read, that copy's fetch time."""
        row = (
            website,
            region,
            max_pages,
            self._version,
            json.dumps(dict(reads), separators=(",", ":")),
            self._zstd.compress(json.dumps(contacts, separators=(",", ":")).encode()),
        )
        self._table.add(row)

    def flush(self) -> None:
        self._table.flush()

    def close(self) -> None:
        self._table.close()
