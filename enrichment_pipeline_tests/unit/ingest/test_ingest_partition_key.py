"""Partition keys: stable for the same bytes, new for edited files, safe for any file name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from enrichment_pipeline.core.ingest import UploadError, upload_partition_key
from enrichment_pipeline.core.ingest.partition_key import HASH_LENGTH, STEM_LIMIT
from enrichment_pipeline_tests.fixtures.nasty_csvs import corpus

SAFE_KEY = re.compile(r"^[a-z0-9_-]+-[0-9a-f]{8}$")


@pytest.mark.parametrize("item", corpus(), ids=lambda c: c.case)
def test_every_corpus_file_name_gives_a_safe_key(item, tmp_path: Path) -> None:
    key = upload_partition_key(item.write(tmp_path))
    assert SAFE_KEY.match(key), key
    assert len(key) <= STEM_LIMIT + 1 + HASH_LENGTH


def test_same_content_same_key_edited_content_new_key(tmp_path: Path) -> None:
    first = tmp_path / "a" / "dealers.csv"
    second = tmp_path / "b" / "dealers.csv"
    for path in (first, second):
        path.parent.mkdir()
        path.write_bytes(b"Name\nGator Motors\n")
    assert upload_partition_key(first) == upload_partition_key(second)
    second.write_bytes(b"Name\nGator Motors\nSunshine Auto Mall\n")
    assert upload_partition_key(first) != upload_partition_key(second)
    assert upload_partition_key(first).split("-")[0] == "dealers"


@pytest.mark.parametrize(
    ("filename", "readable"),
    [
        ("Florida Dealers (final).csv", "florida-dealers-final"),
        ("Café Ñandú.csv", "cafe-nandu"),
        ("dealers, \"v2\" 'x'.csv", "dealers-v2-x"),
        ("販売店.csv", "upload"),
    ],
)
def test_key_keeps_a_readable_stem(filename: str, readable: str, tmp_path: Path) -> None:
    path = tmp_path / filename
    path.write_bytes(b"Name\nGator Motors\n")
    key = upload_partition_key(path)
    assert key.rsplit("-", 1)[0] == readable


def test_very_long_name_is_capped_at_a_word_boundary(tmp_path: Path) -> None:
    path = tmp_path / (("florida car dealers " * 10)[:196] + ".csv")
    path.write_bytes(b"Name\nGator Motors\n")
    stem = upload_partition_key(path).rsplit("-", 1)[0]
    assert len(stem) <= STEM_LIMIT
    assert stem.startswith("florida-car-dealers")
    assert not stem.endswith("-")


def test_unreadable_file_raises_upload_error(tmp_path: Path) -> None:
    with pytest.raises(UploadError) as caught:
        upload_partition_key(tmp_path / "missing.csv")
    assert caught.value.code == "unreadable"
