"""Split a large upload into shards: each becomes its own upload, partition and run.

A file is one partition and one run, and a run is one process on one machine. Past the upload
caps (ENRICH_MAX_ROWS, ENRICH_MAX_UPLOAD_MB), or to spread one big list over several run pods
(Kubernetes, README "Beyond one machine"), split it: `shard_upload` reads the file with the same
reader as the pipeline (any encoding or delimiter), and writes UTF-8 CSVs of at most
`rows_per_shard` records with the original headers, in file order. Dropped into the inbox
together they run concurrently (up to the instance's `max_concurrent_runs`) and resume
independently; each shard's output keeps the original columns, so the enriched files
concatenate back into one list.
"""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

from enrichment_pipeline.core.ingest.config import IngestConfig
from enrichment_pipeline.core.ingest.reader import read_upload


def shard_upload(
    path: Path,
    out_dir: Path,
    *,
    rows_per_shard: int = 10_000,
    config: IngestConfig | None = None,
) -> list[Path]:
    """Write `<stem>.part-NN-of-MM.csv` files into `out_dir`; returns their paths in order.

    The row cap does not apply to the file being split (that is the point); the size cap and
    every other reading rule do. Raises `UploadError` for a file the pipeline could not read.
    """
    if rows_per_shard < 1:
        raise ValueError("rows_per_shard must be at least 1")
    config = replace(config or IngestConfig(), max_rows=10**12)
    upload = read_upload(path, config)
    rows = [json.loads(fields) for fields in upload.frame["fields"]]
    headers = list(upload.headers)
    for row in rows:  # cells beyond the header row are kept under generated names
        headers.extend(key for key in row if key not in headers)
    count = max(1, -(-len(rows) // rows_per_shard))
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for index in range(count):
        target = out_dir / f"{path.stem}.part-{index + 1:02d}-of-{count:02d}.csv"
        chunk = rows[index * rows_per_shard : (index + 1) * rows_per_shard]
        with target.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=headers, restval="")
            writer.writeheader()
            writer.writerows(chunk)
        written.append(target)
    return written
