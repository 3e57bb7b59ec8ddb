"""The extraction memo: a rerun reuses the extraction of exactly the same cached page copy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from enrichment_pipeline.core.extract import extract_page
from enrichment_pipeline.core.extract import memo as memo_module
from enrichment_pipeline.core.extract.memo import ExtractionMemo
from enrichment_pipeline.core.storage.cache_db import open_cache_db
from enrichment_pipeline_tests.fixtures.web import generate_businesses, render_site

WHEN = datetime(2026, 3, 1, 12, 0, 0, 123456, tzinfo=UTC)


def _page() -> tuple[str, str]:
    business = next(b for b in generate_businesses(30, seed=3) if b.style == "dealercom")
    pages = render_site(business)
    path = next(p for p in pages if "staff" in p)
    return f"{business.website}{path.lstrip('/')}", pages[path].body_bytes().decode()


def test_round_trip_gives_the_same_extraction(tmp_path: Path) -> None:
    url, html = _page()
    extraction = extract_page(html, url)
    assert extraction.people and extraction.emails and extraction.links  # a page worth keeping
    memo = ExtractionMemo(tmp_path / "cache.sqlite3")
    memo.put(url, "US", WHEN, False, extraction)
    memo.close()
    again = ExtractionMemo(tmp_path / "cache.sqlite3")
    assert again.get(url, "US", WHEN, False) == extraction
    assert again.hits == 1


@pytest.mark.parametrize(
    "change",
    [
        {"fetched_at": WHEN + timedelta(seconds=1)},  # the page was fetched again
        {"rendered": True},  # the browser's copy, not the static one
        {"region": "CA"},  # phones are read with another default country
        {"url": "https://other.example/"},
    ],
)
def test_any_other_copy_is_a_miss(change: dict[str, object], tmp_path: Path) -> None:
    url, html = _page()
    memo = ExtractionMemo(tmp_path / "cache.sqlite3")
    memo.put(url, "US", WHEN, False, extract_page(html, url))
    memo.flush()
    key: dict[str, object] = {"url": url, "region": "US", "fetched_at": WHEN, "rendered": False}
    key.update(change)
    assert memo.get(**key) is None  # type: ignore[arg-type]


def test_a_changed_extractor_invalidates_every_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, html = _page()
    memo = ExtractionMemo(tmp_path / "cache.sqlite3")
    memo.put(url, "US", WHEN, False, extract_page(html, url))
    memo.close()
    monkeypatch.setattr(memo_module, "extractor_version", lambda: "another-version")
    assert ExtractionMemo(tmp_path / "cache.sqlite3").get(url, "US", WHEN, False) is None


def test_a_damaged_row_is_a_miss_not_an_error(tmp_path: Path) -> None:
    url, html = _page()
    memo = ExtractionMemo(tmp_path / "cache.sqlite3")
    memo.put(url, "US", WHEN, False, extract_page(html, url))
    memo.flush()
    con = open_cache_db(tmp_path / "cache.sqlite3")  # damaged behind the memo's back
    con.execute("UPDATE page_extractions SET data = x'00ff'")
    con.close()
    assert memo.get(url, "US", WHEN, False) is None
