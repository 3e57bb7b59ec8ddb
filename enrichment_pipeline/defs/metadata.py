"""Materialisation metadata shared by the assets: previews, rates, histograms."""

import time
from collections.abc import Iterable, Sequence
from typing import Any

import dagster as dg
import pandas as pd

PREVIEW_ROWS = 10
CELL_CHARS = 48
REASON_CHARS = 120


def _cell(value: Any, limit: int = CELL_CHARS) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return ""
    text = str(value).replace("\n", " ").replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def preview(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> dg.MetadataValue:
    """A Markdown table of the first rows (the UI renders it under the materialisation)."""
    cols = [c for c in (columns or frame.columns) if c in frame.columns and c != "upload_id"]
    if frame.empty or not cols:
        return dg.MetadataValue.md("_no rows_")
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in frame[cols].head(PREVIEW_ROWS).itertuples(index=False):
        lines.append("| " + " | ".join(_cell(v) for v in row) + " |")
    if len(frame) > PREVIEW_ROWS:
        lines.append(f"\n_first {PREVIEW_ROWS} of {len(frame)} rows_")
    return dg.MetadataValue.md("\n".join(lines))


def rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def counts_table(counts: Iterable[tuple[str, int]], header: tuple[str, str]) -> dg.MetadataValue:
    lines = [f"| {header[0]} | {header[1]} |", "|---|---|"]
    # Labels here are reasons and statuses, read whole: a longer limit than preview cells.
    lines += [f"| {_cell(k, REASON_CHARS)} | {v} |" for k, v in counts]
    return dg.MetadataValue.md("\n".join(lines))


def funnel_table(steps: Sequence[tuple[str, int]]) -> dg.MetadataValue:
    """The funnel as Markdown: each step's rows, share of the first step, and a bar."""
    total = steps[0][1] if steps else 0
    lines = ["| step | rows | of your file | |", "|---|---|---|---|"]
    for label, count in steps:
        share = count / total if total else 0.0
        lines.append(f"| {_cell(label)} | {count} | {share:.0%} | {'█' * round(20 * share)} |")
    return dg.MetadataValue.md("\n".join(lines))


def histogram(
    values: Iterable[float], bins: int = 10, lo: float = 0.0, hi: float = 1.0
) -> dg.MetadataValue:
    """A text histogram (Markdown) - readable in the UI without a plotting library."""
    data = [v for v in values if v is not None and v == v]
    counts = [0] * bins
    for v in data:
        idx = min(int((v - lo) / (hi - lo) * bins), bins - 1)
        counts[max(idx, 0)] += 1
    peak = max(counts) or 1
    lines = ["| range | count | |", "|---|---|---|"]
    for i, c in enumerate(counts):
        a, b = lo + (hi - lo) * i / bins, lo + (hi - lo) * (i + 1) / bins
        lines.append(f"| {a:.1f}–{b:.1f} | {c} | {'█' * round(20 * c / peak)} |")
    return dg.MetadataValue.md("\n".join(lines))


class Timer:
    """Wall-clock duration of a stage, reported as metadata."""

    def __init__(self) -> None:
        self.start = time.perf_counter()

    @property
    def seconds(self) -> float:
        return round(time.perf_counter() - self.start, 3)
