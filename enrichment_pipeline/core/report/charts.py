"""Charts for the report as inline SVG strings (matplotlib, object API, no pyplot state).

SVG rather than PNG: crisp at any zoom, a few kB each, and the labels stay text (searchable,
copyable, readable by screen readers) because fonts are not converted to paths. The figure API
is used directly (no `pyplot`): no GUI backend, no global figure registry, safe in any thread.
matplotlib is imported on first use: it costs ~0.8 s, and loading the Dagster definitions (which
import this package for the checks' reason grouping) must stay fast.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

INK = "#1f2933"
MUTED = "#7b8794"
ACCENT = "#2563eb"
GOOD = "#16a34a"
WARN = "#d97706"
GRID = "#e4e7eb"
_RC = {
    "svg.fonttype": "none",  # text stays text
    "svg.hashsalt": "enrichment-report",  # stable element ids: same data, same bytes
    "font.family": "sans-serif",
    "font.size": 10,
    "axes.edgecolor": GRID,
    "axes.labelcolor": INK,
    "xtick.color": MUTED,
    "ytick.color": INK,
}
_XML_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)


def _svg(fig: Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    # Inline SVG in HTML needs no XML declaration or DOCTYPE.
    return _XML_PROLOGUE.sub("", buffer.getvalue(), count=1)


def _figure(rows: int, width: float = 7.0) -> tuple[Figure, Any]:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, max(1.2, 0.38 * rows + 0.5)))
    ax = fig.subplots()
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    return fig, ax


def horizontal_bars(
    items: Sequence[tuple[str, int]],
    *,
    total: int | None = None,
    color: str = ACCENT,
    xlabel: str = "",
) -> str:
    """One bar per (label, count), largest first as given; `total` adds a share to each label."""
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig, ax = _figure(len(items))
        labels = [label for label, _ in items][::-1]
        counts = [count for _, count in items][::-1]
        bars = ax.barh(labels, counts, color=color, height=0.62)
        peak = max(counts, default=0) or 1
        for bar, count in zip(bars, counts, strict=True):
            text = f"{count:,}"
            if total:
                text += f"  ({count / total:.0%})"
            ax.text(
                bar.get_width() + peak * 0.01,
                bar.get_y() + bar.get_height() / 2,
                text,
                va="center",
                color=INK,
            )
        ax.set_xlim(0, peak * 1.25)
        ax.xaxis.get_major_locator().set_params(integer=True)
        if xlabel:
            ax.set_xlabel(xlabel)
        return _svg(fig)


def funnel_chart(steps: Sequence[tuple[str, int]]) -> str:
    """The funnel: each step's rows as a bar, with its share of the first step."""
    total = steps[0][1] if steps else 0
    return horizontal_bars(steps, total=total or None, color=ACCENT, xlabel="rows")


def confidence_histogram(
    matched: Sequence[float],
    rejected: Sequence[float],
    *,
    bins: int = 10,
    threshold: float | None = None,
) -> str:
    """Stacked histogram over [0, 1]: accepted websites and best candidates that were not."""
    import matplotlib
    from matplotlib.figure import Figure

    edges = [i / bins for i in range(bins + 1)]
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(7.0, 2.4))
        ax = fig.subplots()
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(axis="y", color=GRID, linewidth=0.8)
        ax.set_axisbelow(True)
        data = [list(matched), list(rejected)]
        ax.hist(
            data,
            bins=edges,
            stacked=True,
            color=[GOOD, WARN],
            label=["website accepted", "best candidate, not accepted"],
            rwidth=0.9,
        )
        if threshold is not None:
            ax.axvline(threshold, color=INK, linestyle="--", linewidth=1)
            ax.text(
                threshold,
                ax.get_ylim()[1],
                f" accepted from {threshold:g}",
                va="top",
                color=INK,
                fontsize=9,
            )
        ax.set_xlim(0, 1)
        ax.set_xlabel("website confidence")
        ax.set_ylabel("businesses")
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.legend(frameon=False, loc="upper left", fontsize=9)
        return _svg(fig)
