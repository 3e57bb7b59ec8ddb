"""The size and row caps: real files just under and over the defaults, and small custom caps."""

from __future__ import annotations

from pathlib import Path

import pytest

from enrichment_pipeline.core.ingest import IngestConfig, UploadError, read_upload
from enrichment_pipeline.core.ingest.config import MAX_BYTES_ENV, MAX_ROWS_ENV
from enrichment_pipeline_tests.fixtures.nasty_csvs import write_bytes_file, write_rows_file


def test_default_row_cap_refuses_100001_rows(tmp_path: Path) -> None:
    path = write_rows_file(tmp_path / "many.csv", 100_001)
    with pytest.raises(UploadError) as caught:
        read_upload(path)
    assert caught.value.code == "too_many_rows"
    message = str(caught.value)
    assert "100,000" in message and MAX_ROWS_ENV in message


def test_exactly_the_row_cap_is_accepted(tmp_path: Path) -> None:
    path = write_rows_file(tmp_path / "fifty.csv", 50)
    assert len(read_upload(path, IngestConfig(max_rows=50)).frame) == 50
    with pytest.raises(UploadError) as caught:
        read_upload(path, IngestConfig(max_rows=49))
    assert caught.value.code == "too_many_rows" and "49" in str(caught.value)


def test_default_size_cap_refuses_a_real_file_over_50_mb(tmp_path: Path) -> None:
    path = write_bytes_file(tmp_path / "big.csv", 50 * 1024 * 1024 + 1)
    assert path.stat().st_size > 50 * 1024 * 1024
    with pytest.raises(UploadError) as caught:
        read_upload(path)
    assert caught.value.code == "too_large"
    message = str(caught.value)
    assert MAX_BYTES_ENV in message and "big.csv" in message


def test_small_size_cap_is_configurable(tmp_path: Path) -> None:
    path = write_rows_file(tmp_path / "small.csv", 20)
    size = path.stat().st_size
    assert len(read_upload(path, IngestConfig(max_bytes=size)).frame) == 20
    with pytest.raises(UploadError) as caught:
        read_upload(path, IngestConfig(max_bytes=size - 1))
    assert caught.value.code == "too_large"
    assert f"{size - 1:,}" in str(caught.value)


def test_config_from_environment() -> None:
    config = IngestConfig.from_env(
        {MAX_BYTES_ENV: "2", MAX_ROWS_ENV: "10", "ENRICH_COLUMN_MAP": '{"Dealer Title": "name"}'}
    )
    assert config.max_bytes == 2 * 1024 * 1024
    assert config.max_rows == 10
    assert dict(config.column_map) == {"Dealer Title": "name"}
    assert IngestConfig.from_env({}) == IngestConfig()


@pytest.mark.parametrize("raw", ["{not json", '["name"]', '{"Dealer": 3}'])
def test_bad_column_map_in_environment_is_refused(raw: str) -> None:
    with pytest.raises(UploadError) as caught:
        IngestConfig.from_env({"ENRICH_COLUMN_MAP": raw})
    assert caught.value.code == "bad_column_map"
