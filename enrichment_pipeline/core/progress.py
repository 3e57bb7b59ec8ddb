"""Progress reporting from long stages, without tying core code to a UI.

Stages call `report(stage, done, total)`; nobody listens by default. The command line installs a
listener that drives its progress bars (runs are in-process there, so the same process sees the
calls); inside `dagster dev` the assets log progress lines instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

ProgressListener = Callable[[str, int, int], None]

_listeners: list[ProgressListener] = []


def report(stage: str, done: int, total: int) -> None:
    for listener in list(_listeners):
        listener(stage, done, total)


@contextmanager
def listening(listener: ProgressListener) -> Iterator[None]:
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


class Throttled:
    """Calls `sink(done, total)` at most every `step` fraction of the work (and at the end)."""

    def __init__(self, stage: str, total: int, sink: Callable[[int, int], None], step: float = 0.1):
        self.stage = stage
        self.total = total
        self._sink = sink
        self._every = max(1, int(total * step))
        self._next = self._every

    def __call__(self, done: int) -> None:
        report(self.stage, done, self.total)
        if done >= self._next or done == self.total:
            self._next = done + self._every
            self._sink(done, self.total)
