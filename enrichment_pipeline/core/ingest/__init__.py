"""Reading uploaded CSVs: encodings, delimiters, header aliases, clear errors for bad files.

Plain Python (no dagster): the `raw_upload` asset calls `read_upload` and stores `frame`.
"""

from __future__ import annotations

from enrichment_pipeline.core.ingest.config import CANONICAL_FIELDS, IngestConfig
from enrichment_pipeline.core.ingest.errors import UploadError, UploadErrorCode
from enrichment_pipeline.core.ingest.headers import ALIASES, normalize_header
from enrichment_pipeline.core.ingest.partition_key import slugify_stem, upload_partition_key
from enrichment_pipeline.core.ingest.reader import RAW_COLUMNS, RawUpload, read_upload

__all__ = [
    "ALIASES",
    "CANONICAL_FIELDS",
    "RAW_COLUMNS",
    "IngestConfig",
    "RawUpload",
    "UploadError",
    "UploadErrorCode",
    "normalize_header",
    "read_upload",
    "slugify_stem",
    "upload_partition_key",
]
