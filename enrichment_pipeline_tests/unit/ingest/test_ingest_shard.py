"""Splitting a large upload into shards that are each a valid upload of their own."""

from __future__ import annotations

from pathlib import Path

import pytest

from enrichment_pipeline.core.ingest import IngestConfig, read_upload, upload_partition_key
from enrichment_pipeline.core.ingest.shard import shard_upload
from enrichment_pipeline_tests.fixtures.nasty_csvs import case, write_rows_file


def test_shards_keep_every_row_once_in_order_with_the_original_headers(tmp_path: Path) -> None:
    source = write_rows_file(tmp_path / "big.csv", 2_500)
    upload = read_upload(source)
    original = upload.frame
    shards = shard_upload(source, tmp_path / "inbox", rows_per_shard=1_000)
    assert [p.name for p in shards] == [f"big.part-0{i}-of-03.csv" for i in (1, 2, 3)]
    frames = [read_upload(p).frame for p in shards]
    assert [len(f) for f in frames] == [1_000, 1_000, 500]
    names = [n for f in frames for n in f["name"]]
    assert names == list(original["name"])
    assert all(read_upload(p).headers == upload.headers for p in shards)
    assert [c for f in frames for c in f["phone"]] == list(original["phone"])
    assert len({upload_partition_key(p) for p in shards}) == 3  # three uploads, three runs


def test_a_file_over_the_row_cap_can_still_be_split(tmp_path: Path) -> None:
    source = write_rows_file(tmp_path / "over.csv", 120)
    with pytest.raises(Exception, match="ENRICH_MAX_ROWS"):
        read_upload(source, IngestConfig(max_rows=100))
    shards = shard_upload(
        source, tmp_path / "out", rows_per_shard=100, config=IngestConfig(max_rows=100)
    )
    assert [len(read_upload(p, IngestConfig(max_rows=100)).frame) for p in shards] == [100, 20]


def test_encodings_and_delimiters_become_plain_utf8_csv(tmp_path: Path) -> None:
    item = case("cp1252")
    source = item.write(tmp_path)
    (shard,) = shard_upload(source, tmp_path / "out")
    assert tuple(read_upload(shard).frame["name"]) == item.names
    shard.read_bytes().decode("utf-8")  # re-encoded
