"""The command line's progress display: one bar per pipeline stage, all six shown from the start.

Stages report through `core.progress.report(stage, done, total)`; the run is in-process, so the
same process sees the calls. Steps run one after another, so a report from a later stage means
every earlier one has finished (a stage with nothing to do, such as scraping when no website was
found, never reports and is completed that way).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from enrichment_pipeline.core import progress


@dataclass(frozen=True)
class Stage:
    key: str  # the name stages report under (the asset name)
    label: str  # what the user reads
    unit: str


STAGES: tuple[Stage, ...] = (
    Stage("raw_upload", "Reading your file", "rows"),
    Stage("validated_records", "Checking rows", "rows"),
    Stage("website_matches", "Finding websites", "businesses"),
    Stage("scraped_contacts", "Reading websites", "sites"),
    Stage("generated_emails", "Writing emails", "emails"),
    Stage("enriched_export", "Saving results", "rows"),
)
WAITING, RUNNING, DONE, FAILED = "waiting", "running", "done", "failed"


class _CountColumn(ProgressColumn):
    """'12/40 businesses' while running or done; 'waiting' / 'failed' otherwise."""

    def render(self, task: Task) -> Text:
        state = task.fields.get("state", WAITING)
        if state == WAITING:
            return Text("waiting", style="dim")
        if state == FAILED:
            return Text("failed", style="bold red")
        unit = task.fields.get("unit", "")
        if state == DONE:
            return Text(f"{task.fields.get('shown', 0):,} {unit}", style="green")
        if task.total is None:
            return Text(f"{int(task.completed):,} {unit}")
        return Text(f"{int(task.completed):,}/{int(task.total):,} {unit}")


class StageProgress:
    """Six bars driven by stage reports; `finish()` settles them when the run ends."""

    def __init__(self, console: Console | None = None) -> None:
        self.progress = Progress(
            TextColumn("{task.description:<18}"),
            BarColumn(),
            _CountColumn(),
            TimeElapsedColumn(),
            console=console or Console(stderr=True),
            transient=False,
        )
        self.tasks: dict[str, TaskID] = {}
        for stage in STAGES:
            self.tasks[stage.key] = self.progress.add_task(
                stage.label, total=1, completed=0, start=False, state=WAITING, unit=stage.unit
            )
        self.current: str | None = None

    def update(self, stage: str, done: int, total: int) -> None:
        """A stage's report: finish the stages before it, then move this one's bar."""
        if stage not in self.tasks:
            return
        order = [s.key for s in STAGES]
        for earlier in order[: order.index(stage)]:
            self._complete(earlier)
        task = self.tasks[stage]
        if self.current != stage:
            self.progress.start_task(task)
            self.current = stage
        self.progress.update(
            task, completed=done, total=total if total > 0 else None, state=RUNNING
        )

    def finish(self, success: bool) -> None:
        """Complete every bar after a successful run; mark the running stage failed otherwise."""
        if success:
            for stage in STAGES:
                self._complete(stage.key)
        elif self.current is not None:
            self.progress.update(self.tasks[self.current], state=FAILED)
            self.progress.stop_task(self.tasks[self.current])

    def _complete(self, stage: str) -> None:
        task_id = self.tasks[stage]
        task = next(t for t in self.progress.tasks if t.id == task_id)
        state = task.fields.get("state")
        if state == DONE:
            return
        if not task.started:
            self.progress.start_task(task_id)
        # What the stage handled: its total when it reported one, 0 when it had nothing to do.
        shown = int(task.total or task.completed) if state == RUNNING else 0
        self.progress.update(task_id, total=1, completed=1, state=DONE, shown=shown)
        self.progress.stop_task(task_id)

    @contextmanager
    def live(self) -> Iterator[StageProgress]:
        """Show the bars and listen to stage reports for the duration of the block."""
        with self.progress, progress.listening(self.update):
            yield self
