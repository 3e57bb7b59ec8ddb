"""The per-upload data-quality report (`<stem>.report.html`) and the summary behind it."""

from enrichment_pipeline.core.report.page import next_steps, render_report, write_report
from enrichment_pipeline.core.report.summary import (
    CostSummary,
    FunnelStep,
    QualitySummary,
    grouped_reasons,
    reason_key,
    summarize_upload,
    website_cause,
    website_causes,
)

__all__ = [
    "CostSummary",
    "FunnelStep",
    "QualitySummary",
    "grouped_reasons",
    "next_steps",
    "reason_key",
    "render_report",
    "summarize_upload",
    "website_cause",
    "website_causes",
    "write_report",
]
