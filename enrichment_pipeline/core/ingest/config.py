"""Settings for reading uploads, and the canonical fields the pipeline understands."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from enrichment_pipeline.core.ingest.errors import UploadError

CANONICAL_FIELDS: tuple[str, ...] = ("name", "address", "city", "state", "zip", "phone", "website")

# Environment variables read by `IngestConfig.from_env`; error messages name them so a user who
# hits a limit knows exactly which knob to turn.
MAX_BYTES_ENV = "ENRICH_MAX_UPLOAD_MB"
MAX_ROWS_ENV = "ENRICH_MAX_ROWS"
COLUMN_MAP_ENV = "ENRICH_COLUMN_MAP"


@dataclass(frozen=True)
class IngestConfig:
    """How uploads are read.

    `column_map` maps a header as it appears in the user's file (matched case-, space- and
    punctuation-insensitively) to one of `CANONICAL_FIELDS`; it wins over the built-in aliases.
    """

    max_bytes: int = 50 * 1024 * 1024
    max_rows: int = 100_000
    column_map: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> IngestConfig:
        """Build a config from ENRICH_MAX_UPLOAD_MB, ENRICH_MAX_ROWS and ENRICH_COLUMN_MAP (JSON).

        Unset variables keep the defaults. A malformed value raises `UploadError("bad_column_map")`
        for the map and `ValueError` for the numbers, because both are operator mistakes that
        should stop the run loudly rather than silently fall back.
        """
        env = os.environ if environ is None else environ
        defaults = cls()
        max_bytes = defaults.max_bytes
        if env.get(MAX_BYTES_ENV, "").strip():
            max_bytes = int(float(env[MAX_BYTES_ENV]) * 1024 * 1024)
        max_rows = defaults.max_rows
        if env.get(MAX_ROWS_ENV, "").strip():
            max_rows = int(env[MAX_ROWS_ENV])
        column_map: dict[str, str] = {}
        raw_map = env.get(COLUMN_MAP_ENV, "").strip()
        if raw_map:
            try:
                parsed = json.loads(raw_map)
            except json.JSONDecodeError as exc:
                raise UploadError(
                    "bad_column_map",
                    f"{COLUMN_MAP_ENV} is not valid JSON ({exc.msg}); expected an object such as "
                    '{"Dealer Title": "name"}',
                ) from exc
            if not isinstance(parsed, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in parsed.items()
            ):
                raise UploadError(
                    "bad_column_map",
                    f"{COLUMN_MAP_ENV} must be a JSON object of header -> field strings, "
                    'such as {"Dealer Title": "name"}',
                )
            column_map = parsed
        return cls(max_bytes=max_bytes, max_rows=max_rows, column_map=column_map)
