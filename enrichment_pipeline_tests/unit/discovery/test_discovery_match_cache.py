"""The cross-upload match cache in a real SQLite file."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from enrichment_pipeline.core.discovery import MatchCache, MatchConfig, MatchInput, WebsiteMatch
from enrichment_pipeline.core.discovery.cache import TABLE

CONFIG = MatchConfig()


def record(key: str, website: str | None = None) -> MatchInput:
    return MatchInput(1, key, "Gator Auto Sales", city="Ocala", state="FL", website=website)


def match(key: str, status: str = "matched") -> WebsiteMatch:
    return WebsiteMatch(
        7,
        key,
        status,
        website="https://www.gator.com/" if status == "matched" else None,
        confidence=0.93,
        source="searxng",
        evidence=[{"kind": "phone", "value": "+13525550142", "weight": 0.55}],
        candidates_tried=3,
        checked_at=datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
    )


def test_answers_survive_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with MatchCache(path) as cache:
        assert (
            cache.store([(record("a"), match("a")), (record("b"), match("b", "not_found"))], CONFIG)
            == 2
        )
    with MatchCache(path) as cache:
        found = cache.lookup([record("a"), record("b"), record("c")], CONFIG)
    assert set(found) == {"a", "b"}
    assert found["a"] == match("a")  # every field, evidence and timestamp included
    assert found["b"].status == "not_found"


def test_errors_are_not_cached(tmp_path: Path) -> None:
    with MatchCache(tmp_path / "c.sqlite3") as cache:
        assert cache.store([(record("a"), match("a", "error"))], CONFIG) == 0
        assert cache.lookup([record("a")], CONFIG) == {}


def test_expired_answers_are_misses(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with MatchCache(path, ttl_s=3600) as cache:
        cache.store([(record("a"), match("a"))], CONFIG)
    con = sqlite3.connect(path)
    con.execute(f"UPDATE {TABLE} SET written_at = written_at - 7200")
    con.commit()
    con.close()
    with MatchCache(path, ttl_s=3600) as cache:
        assert cache.lookup([record("a")], CONFIG) == {}
    with MatchCache(path, ttl_s=3 * 3600) as cache:
        assert set(cache.lookup([record("a")], CONFIG)) == {"a"}


def test_a_new_website_or_threshold_makes_the_answer_stale(tmp_path: Path) -> None:
    with MatchCache(tmp_path / "c.sqlite3") as cache:
        cache.store([(record("a", "https://old.com/"), match("a"))], CONFIG)
        assert cache.lookup([record("a", "https://old.com/")], CONFIG)
        assert cache.lookup([record("a", "https://new.com/")], CONFIG) == {}
        assert (
            cache.lookup([record("a", "https://old.com/")], replace(CONFIG, accept_threshold=0.8))
            == {}
        )


def test_unreadable_rows_are_misses(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with MatchCache(path) as cache:
        cache.store([(record("a"), match("a")), (record("b"), match("b"))], CONFIG)
    con = sqlite3.connect(path)
    con.execute(f"UPDATE {TABLE} SET value = '{{\"fingerprint\": 1}}' WHERE key = 'a'")
    con.commit()
    con.close()
    with MatchCache(path) as cache:
        assert set(cache.lookup([record("a"), record("b")], CONFIG)) == {"b"}
        cache.forget("b")
        assert cache.lookup([record("b")], CONFIG) == {}
