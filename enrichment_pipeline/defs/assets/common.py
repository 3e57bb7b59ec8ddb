"""Helpers shared by the stage assets."""

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import dagster as dg
import pandas as pd

from enrichment_pipeline.core.progress import Throttled

# Stages that touch the network retry a crashed step with backoff; web problems themselves are
# recorded per record and never crash a step, so this only covers the unexpected.
NETWORK_RETRY = dg.RetryPolicy(
    max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


class FreshnessConfig(dg.Config):
    """How old a cached page or match may be for this run (default: the resources' TTLs).

    The nightly refresh sets it to ENRICH_REFRESH_DAYS so "stale" means the same thing for the
    schedule and the caches.
    """

    max_age_days: float | None = None

    def ttl_s(self, default_s: float) -> float:
        return (
            default_s if self.max_age_days is None else min(default_s, self.max_age_days * 86_400)
        )


def naive_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))


def frame_from(rows: Iterable[Mapping[str, Any]], columns: list[str]) -> pd.DataFrame:
    """A frame with exactly `columns`, in order, even when there are no rows."""
    frame = pd.DataFrame(list(rows))
    for column in columns:
        if column not in frame.columns:
            frame[column] = pd.Series(dtype=object)
    return frame[columns]


def unique_records(validated: pd.DataFrame) -> pd.DataFrame:
    """One row per business: repeats inside the file are enriched once, via their first row."""
    if validated.empty:
        return validated
    return validated[validated["duplicate_of"].isna()]


def none_if_missing(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value


def progress_logger(context: dg.AssetExecutionContext, stage: str, total: int) -> Throttled:
    def log(done: int, of: int) -> None:
        context.log.info(f"{stage}: {done}/{of} businesses")

    return Throttled(stage, total, log)
