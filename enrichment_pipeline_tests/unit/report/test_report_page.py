"""The report page: self-contained, escaped, charts inline, advice that follows the numbers."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from enrichment_pipeline.core.report import next_steps, render_report, write_report
from enrichment_pipeline_tests.unit.report.test_report_summary import _summary

HOSTILE = '<script>alert("x")</script><img src=https://evil.example/p.png>'


class _Collector(HTMLParser):
    """Every tag with its attributes, and every text node, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def test_report_loads_nothing_and_runs_nothing() -> None:
    page = _parse(render_report(_summary(), threshold=0.6))
    names = [tag for tag, _ in page.tags]
    assert "script" not in names and "link" not in names and "iframe" not in names
    for tag, attrs in page.tags:
        for attr in ("src", "href", "xlink:href"):
            value = attrs.get(attr) or ""
            # Only in-page anchors and the output files next to the report, never a network URL.
            assert not re.match(r"^(https?:)?//", value), (tag, attr, value)
        assert not any(a.startswith("on") for a in attrs), (tag, attrs)
    assert names.count("svg") == 2  # the funnel and the confidence histogram


def test_text_from_the_upload_is_escaped() -> None:
    hostile = replace(
        _summary(),
        file_name=HOSTILE,
        reject_reasons=[(HOSTILE, 3)],
        outputs={"csv": HOSTILE},
    )
    html = render_report(hostile)
    page = _parse(html)
    assert not any(tag in ("script", "img") for tag, _ in page.tags)
    assert HOSTILE in "".join(page.text)  # shown to the reader as text, verbatim


def test_numbers_and_labels_are_in_the_page() -> None:
    summary = _summary()
    text = " ".join(_parse(render_report(summary, threshold=0.6)).text)
    for step in summary.funnel:
        assert step.label in text
    assert "accepted from 0.6" in text  # drawn on the histogram (SVG text stays text)
    assert "website accepted" in text
    assert "gpt-4o-mini" in text and "$0.0007" in text
    assert "Dealers Q4.csv" in text


def test_advice_follows_what_happened() -> None:
    summary = _summary()
    tips = " ".join(next_steps(summary))
    assert "3 row(s) could not be used" in tips
    assert "1 business(es) got no website" in tips
    assert "1 business(es) have a likely website that was not used" in tips  # the ambiguous one
    assert "1 row(s) repeat a business" in tips
    assert "1 model answer(s) were replaced" in tips
    assert "template writer" not in tips  # a model wrote most emails
    clean = replace(
        summary,
        funnel=[replace(s, rows=8) for s in summary.funnel],
        no_website_reasons=[],
        row_statuses={"ok": 8},
        cost=replace(summary.cost, writers={"openai": 8}),
    )
    assert next_steps(clean) == ["Nothing needs your attention: every row went through."]
    robots = replace(clean, row_statuses={"ok": 6, "blocked": 2})
    assert "2 website(s) ask automated visitors to stay away" in " ".join(next_steps(robots))


def test_write_report_is_atomic_and_readable_by_the_team(tmp_path: Path) -> None:
    target = tmp_path / "out" / "x.report.html"
    old = os.umask(0o022)
    try:
        write_report(target, _summary())
    finally:
        os.umask(old)
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["x.report.html"]  # no temp left


def test_a_failed_write_leaves_no_partial_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "x.report.html"
    target.write_text("previous report")

    def boom(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_report(target, _summary())
    assert target.read_text() == "previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["x.report.html"]
