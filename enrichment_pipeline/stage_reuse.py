"""Which stages of an upload a rerun of the same file can take as they are.

`enrichment-pipeline run` on a file it has already enriched used to execute every stage again:
with the page, extraction, match and model caches that cost no requests and no model calls, but
still 28-42 s at 10,000 businesses re-deriving results that could not differ. Like Dagster's
"materialize changed and missing", the command now executes only the stages whose inputs may
have changed, and always the export (it writes your files). A stage's stored partition is
reused when all of these hold:

- its latest materialization was made by a command-line run that succeeded and whose
  fingerprint for that stage equals today's: the package's code, the settings that stage
  reads (ENRICH_*; the search provider variables and the host map file for the web stages;
  LLM_* and the sender profile for the emails);
- every stage before it is reused too, and it was materialized after them;
- it said, when it was made, how long it stays good (`reusable_until` in its metadata): the web
  stages as long as their pages and matches stay fresh (the cache TTLs), and not at all when any
  row ended in `error` (a rerun retries those), the emails not at all after a model failure;
- the warehouse still holds the rows it recorded.

Runs from the UI, the sensor and the schedules always execute what they select; the command's
`--recompute` flag does the same.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg

from enrichment_pipeline.core.paths import data_paths
from enrichment_pipeline.core.source_hash import file_digest, sources_digest

FINGERPRINT_TAG_PREFIX = "enrichment/fingerprint/"
REUSABLE_UNTIL = "reusable_until"  # metadata: epoch seconds this stage's result stays good
FOREVER_S = 10 * 365 * 86_400  # for stages that depend on nothing but their inputs


@dataclass(frozen=True)
class Stage:
    op: str
    assets: tuple[str, ...]
    env_prefixes: tuple[str, ...]
    time_limited: bool  # must carry `reusable_until` to be reused
    files: tuple[str, ...] = ()  # settings files it reads: "host_map", "sender_profile"


_ENRICH = ("ENRICH_",)
STAGES: tuple[Stage, ...] = (
    Stage("raw_upload", ("raw_upload",), _ENRICH, False),
    Stage(
        "validated_and_rejected_records", ("validated_records", "rejected_records"), _ENRICH, False
    ),
    Stage(
        "website_matches",
        ("website_matches",),
        (*_ENRICH, "SEARXNG_", "BRAVE_", "GOOGLE_"),
        True,
        ("host_map",),
    ),
    Stage("scraped_contacts", ("scraped_contacts",), _ENRICH, True, ("host_map",)),
    Stage(
        "generated_emails",
        ("generated_emails",),
        (*_ENRICH, "LLM_", "OPENAI_"),
        True,
        ("sender_profile",),
    ),
)
ALWAYS_RUN = ("enriched_export",)


def reusable_until(ttl_s: float, *, problems: int = 0, now: float | None = None) -> float:
    """The `reusable_until` metadata value for a stage whose result stays good for `ttl_s`,
    unless it met `problems` (rows in error, model failures): then never (0)."""
    return 0.0 if problems else (time.time() if now is None else now) + ttl_s


def _code_hash() -> str:
    return sources_digest(Path(__file__).parent, ("**/*.py",))


def _file_hash(path: str | os.PathLike[str] | None) -> str:
    if not path:
        return "-"
    return file_digest(path) or "missing"


def fingerprints(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Run tags naming, per stage, the code and settings its result depends on."""
    env = os.environ if env is None else env
    paths = data_paths(env.get("ENRICH_DATA_DIR") or None)
    files = {
        "host_map": _file_hash(env.get("ENRICH_HOST_MAP")),
        "sender_profile": _file_hash(paths.sender_profile),
    }
    tags = {}
    for stage in STAGES:
        digest = hashlib.sha256(_code_hash().encode())
        for name in sorted(k for k in env if k.startswith(stage.env_prefixes)):
            digest.update(f"{name}={env[name]}\n".encode())
        for name in stage.files:
            digest.update(f"{name}:{files[name]}\n".encode())
        tags[FINGERPRINT_TAG_PREFIX + stage.op] = digest.hexdigest()[:32]
    return tags


def _warehouse_rows(tables: Sequence[str], key: str) -> dict[str, int] | None:
    """Rows stored per table for the partition; None when the warehouse cannot be read now."""
    from enrichment_pipeline.core.storage import warehouse

    database = os.environ.get("ENRICH_WAREHOUSE") or str(data_paths().warehouse)
    if not database.startswith(warehouse.REMOTE_PREFIXES) and not Path(database).exists():
        return {}
    try:
        with warehouse.connect(database, timeout_s=30) as con:
            present = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
            counts = {}
            for table in tables:
                if table in present:
                    counts[table] = con.execute(
                        f'SELECT count(*) FROM "{table}" WHERE "{warehouse.PARTITION_COLUMN}" = ?',
                        [key],
                    ).fetchone()[0]
            return counts
    except Exception:  # unreadable or locked for too long: reuse nothing, run everything
        return None


def reusable_stages(
    instance: dg.DagsterInstance,
    key: str,
    tags: Mapping[str, str],
    *,
    now: float | None = None,
) -> list[str]:
    """The ops (in order, a prefix of STAGES) whose stored results this run may take as they are."""
    now = time.time() if now is None else now
    run_tags: dict[str, Mapping[str, str]] = {}
    chosen: list[tuple[Stage, dict[str, int]]] = []
    previous_time = 0.0
    for stage in STAGES:
        counts: dict[str, int] = {}
        latest = 0.0
        for asset in stage.assets:
            found = instance.fetch_materializations(
                dg.AssetRecordsFilter(asset_key=dg.AssetKey(asset), asset_partitions=[key]),
                limit=1,
            ).records
            if not found:
                return _confirmed(chosen, key)
            record = found[0]
            if record.run_id not in run_tags:
                run = instance.get_run_by_id(record.run_id)
                # Only a run that succeeded vouches for its results: a failed blocking check
                # (rows missing between validated and rejected, say) fails the run, and a
                # result it left must not be waved through on the next one.
                succeeded = run is not None and run.status == dg.DagsterRunStatus.SUCCESS
                run_tags[record.run_id] = run.tags if succeeded else {}  # type: ignore[union-attr]
            tag = FINGERPRINT_TAG_PREFIX + stage.op
            if run_tags[record.run_id].get(tag) != tags.get(tag):
                return _confirmed(chosen, key)
            if record.timestamp < previous_time:
                return _confirmed(chosen, key)  # made before an input it depends on
            materialization = record.asset_materialization
            meta: dict[str, Any] = (
                {k: v.value for k, v in materialization.metadata.items()}
                if materialization is not None
                else {}
            )
            if stage.time_limited and float(meta.get(REUSABLE_UNTIL) or 0) <= now:
                return _confirmed(chosen, key)
            counts[asset] = int(meta.get("dagster/row_count", -1))
            latest = max(latest, record.timestamp)
        previous_time = latest
        chosen.append((stage, counts))
    return _confirmed(chosen, key)


def _confirmed(chosen: list[tuple[Stage, dict[str, int]]], key: str) -> list[str]:
    """The longest prefix of `chosen` whose rows are all still in the warehouse."""
    if not chosen:
        return []
    stored = _warehouse_rows([a for _, counts in chosen for a in counts], key)
    if stored is None:
        return []
    ops = []
    for stage, counts in chosen:
        if any(stored.get(asset) != rows for asset, rows in counts.items()):
            break
        ops.append(stage.op)
    return ops


def selection(reused_ops: Sequence[str]) -> list[dg.AssetKey]:
    """The assets the run must execute when `reused_ops` are taken as they are."""
    keys = [dg.AssetKey(a) for s in STAGES if s.op not in reused_ops for a in s.assets]
    return [*keys, *(dg.AssetKey(a) for a in ALWAYS_RUN)]
