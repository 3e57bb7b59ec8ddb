"""The command line's six stage bars, driven by the same reports the stages send."""

from __future__ import annotations

import io

from rich.console import Console

from enrichment_pipeline.core import progress
from enrichment_pipeline.stage_progress import STAGES, StageProgress


def _render(bars: StageProgress) -> dict[str, str]:
    """The last frame of each bar, keyed by its label."""
    console = bars.progress.console
    console.print(bars.progress.get_renderable())
    text = console.export_text()
    frame = text.strip().splitlines()[-len(STAGES) :]
    return {stage.label: line for stage, line in zip(STAGES, frame, strict=True)}


def _bars() -> StageProgress:
    return StageProgress(Console(file=io.StringIO(), record=True, width=100))


def test_all_six_stages_show_from_the_start() -> None:
    lines = _render(_bars())
    assert list(lines) == [s.label for s in STAGES]
    assert all("waiting" in line for line in lines.values())


def test_reports_move_bars_and_finish_earlier_stages() -> None:
    bars = _bars()
    with bars.live():
        progress.report("raw_upload", 26, 26)
        progress.report("validated_records", 26, 26)
        progress.report("website_matches", 5, 23)
        middle = _render(bars)
    assert "26 rows" in middle["Reading your file"] and "26 rows" in middle["Checking rows"]
    assert "5/23 businesses" in middle["Finding websites"]
    assert "waiting" in middle["Reading websites"]
    bars.finish(success=True)
    done = _render(bars)
    assert "23 businesses" in done["Finding websites"]
    # Scraping never reported (no site to read): complete, with nothing done.
    assert "0 sites" in done["Reading websites"]
    assert not any("waiting" in line for line in done.values())


def test_a_failed_run_marks_the_running_stage() -> None:
    bars = _bars()
    with bars.live():
        progress.report("raw_upload", 10, 10)
        progress.report("validated_records", 0, 10)
        bars.finish(success=False)
    lines = _render(bars)
    assert "failed" in lines["Checking rows"]
    assert "10 rows" in lines["Reading your file"]
    assert "waiting" in lines["Saving results"]


def test_reports_outside_the_display_reach_nobody() -> None:
    bars = _bars()
    with bars.live():
        pass
    progress.report("raw_upload", 5, 5)  # after the block: no listener left
    assert "waiting" in _render(bars)["Reading your file"]
