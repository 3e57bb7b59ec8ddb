"""The report page: one self-contained HTML file (inline CSS and SVG, no scripts, no requests).

Every piece of text that came from the upload (file name, reasons) is HTML-escaped: a CSV is
untrusted input and the report is opened in a browser.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from html import escape
from pathlib import Path

from enrichment_pipeline.core.report.charts import confidence_histogram, funnel_chart
from enrichment_pipeline.core.report.summary import (
    CAUSE_AMBIGUOUS,
    CAUSE_FILE_SITE,
    CAUSE_NOT_FOUND,
    CAUSE_ROBOTS,
    CAUSE_WEAK,
    CONTACT_FIELDS,
    QualitySummary,
)

STATUS_MEANING = {
    "ok": "website verified and visited; contacts and an email are in the file",
    "no_website": "no website could be verified for this business",
    "blocked": "the website asks automated visitors to stay away (robots.txt), or its address "
    "is not allowed; nothing was read from it",
    "duplicate": "the same business appears earlier in the file; contact data copied, no email "
    "text, so nobody is written to twice",
    "error": "something failed for this row; the error column says what",
}
OUTPUT_LABELS = {
    "csv": "enriched CSV (opens in Excel)",
    "json": "enriched JSON (raw values)",
    "rejected": "rows that could not be used, with the reason",
}

_CSS = """
:root { --ink:#1f2933; --muted:#616e7c; --line:#e4e7eb; --accent:#2563eb; --warn:#b45309; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       margin: 0; background: #f5f7fa; }
main { max-width: 980px; margin: 0 auto; padding: 28px 20px 60px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 0 0 6px; }
.sub { color: var(--muted); margin: 0 0 18px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 10px;
          padding: 18px 20px; margin: 16px 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
.card b { display: block; font-size: 24px; }
.card span { color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; width: 100%; margin-top: 8px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line);
         vertical-align: top; }
th { font-size: 13px; color: var(--muted); font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.chart svg { width: 100%; max-width: 680px; height: auto; }
td.bar { width: 35%; }
td.bar div { background: var(--accent); height: 12px; border-radius: 3px; min-width: 2px; }
td.bar.warn div { background: #d97706; }
.note { color: var(--muted); font-size: 13px; }
ul.next li { margin: 4px 0; }
code { background: #f0f2f5; padding: 1px 4px; border-radius: 4px; }
footer { color: var(--muted); font-size: 13px; margin-top: 24px; }
"""


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "–"


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], numeric: set[int]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            text = f"{value:,}" if isinstance(value, int) else escape(str(value))
            cells.append(f'<td class="n">{text}</td>' if i in numeric else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _bar_table(
    headers: Sequence[str], items: Sequence[tuple[str, int]], total: int, *, warn: bool = False
) -> str:
    """A table of (label, count) with each row's share and a proportional bar (CSS only)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in (*headers, "share", ""))
    peak = max((n for _, n in items), default=0) or 1
    css = "bar warn" if warn else "bar"
    body = "".join(
        f'<tr><td>{escape(label)}</td><td class="n">{count:,}</td>'
        f'<td class="n">{_pct(count, total)}</td>'
        f'<td class="{css}"><div style="width:{100 * count / peak:.1f}%"></div></td></tr>'
        for label, count in items
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _card(value: str, label: str) -> str:
    return f'<div class="card"><b>{escape(value)}</b><span>{escape(label)}</span></div>'


def next_steps(summary: QualitySummary) -> list[str]:
    """Plain-language advice derived from what happened (HTML, already escaped)."""
    tips: list[str] = []
    rejected = summary.rows_in - summary.step("valid")
    if rejected:
        name = summary.outputs.get("rejected", "the .rejected.csv file")
        tips.append(
            f"{rejected:,} row(s) could not be used. <code>{escape(name)}</code> lists them with "
            "the reason; fix them and drop the corrected file into the inbox again."
        )
    reasons = dict(summary.no_website_reasons)
    not_found = reasons.get(CAUSE_NOT_FOUND, 0)
    if not_found:
        tips.append(
            f"{not_found:,} business(es) got no website: none in your file, and search and "
            "guessing found none. More search providers find more: set <code>SEARXNG_URL</code>, "
            "<code>BRAVE_API_KEY</code> or <code>GOOGLE_API_KEY</code> + "
            "<code>GOOGLE_CSE_ID</code>, or add a website column."
        )
    robots = reasons.get(CAUSE_ROBOTS, 0) + summary.row_statuses.get("blocked", 0)
    if robots:
        tips.append(
            f"{robots:,} website(s) ask automated visitors to stay away (robots.txt). The pipeline "
            "respects that and reads nothing from them; reach these businesses by phone."
        )
    file_site = reasons.get(CAUSE_FILE_SITE, 0)
    if file_site:
        tips.append(
            f"{file_site:,} website(s) from your file did not load or belong to someone else. "
            "Check those addresses."
        )
    review = reasons.get(CAUSE_AMBIGUOUS, 0) + reasons.get(CAUSE_WEAK, 0)
    if review:
        tips.append(
            f"{review:,} business(es) have a likely website that was not used because the "
            "pipeline was not sure. The website_matches table (in the Dagster UI: "
            "<code>for_review</code>) names each candidate and why."
        )
    duplicates = summary.row_statuses.get("duplicate", 0)
    if duplicates:
        tips.append(
            f"{duplicates:,} row(s) repeat a business listed earlier; they carry its contact data "
            "but no email text, so a mail merge never writes to the same business twice."
        )
    cost = summary.cost
    fallbacks = cost.writers.get("template_fallback", 0)
    if fallbacks:
        tips.append(
            f"{fallbacks:,} model answer(s) were replaced by the template (see the reasons above)."
        )
    if cost.emails and set(cost.writers) <= {"template"}:
        tips.append(
            "Emails were written by the offline template writer (free, no key). For model-written "
            "emails set <code>LLM_PROVIDER=openai</code> and a key; "
            "<code>enrichment-pipeline run FILE --estimate</code> prints the cost first."
        )
    if not tips:
        tips.append("Nothing needs your attention: every row went through.")
    return tips


def render_report(summary: QualitySummary, *, threshold: float | None = None) -> str:
    """The whole report as one HTML document."""
    s = summary
    rows_in = s.rows_in
    website, email, ready = s.step("website"), s.step("email"), s.step("ready")
    cost = s.cost
    cards = "".join(
        [
            _card(f"{rows_in:,}", "rows in your file"),
            _card(f"{website:,}", f"with a verified website ({_pct(website, rows_in)})"),
            _card(f"{email:,}", f"with an email address ({_pct(email, rows_in)})"),
            _card(f"{ready:,}", f"emails ready to send ({_pct(ready, rows_in)})"),
            _card(f"${cost.cost_usd:,.4f}", f"model cost ({cost.model_calls:,} calls)"),
        ]
    )
    funnel_rows = []
    previous = None
    for step in s.funnel:
        lost = "" if previous is None else f"{previous - step.rows:,}"
        funnel_rows.append((step.label, step.rows, _pct(step.rows, rows_in), lost))
        previous = step.rows
    sections = [
        f"""<section><h2>From your file to emails you can send</h2>
<div class="chart">{funnel_chart([(f.label, f.rows) for f in s.funnel])}</div>
{_table(["step", "rows", "of your file", "dropped here"], funnel_rows, {1, 2, 3})}
<p class="note">Rows of the file, so a business listed twice counts twice. "Ready to send" means an
address and a written email; repeats of a business and suppressed addresses never are.</p>
</section>""",
        _status_section(s),
        _confidence_section(s, threshold),
        _sources_section(s),
        _contacts_section(s),
        _reasons_section(
            "Rows that could not be used",
            s.reject_reasons,
            "Every row of your file is in the enriched CSV or in the rejected one, never lost.",
            empty="Every row of your file was usable.",
        ),
        _reasons_section(
            "Why some businesses have no website",
            s.no_website_reasons,
            "Counted per business; the enriched CSV's error column has each row's reason.",
            empty="Every business got a verified website.",
        ),
        _cost_section(s),
        '<section><h2>What to do next</h2><ul class="next">'
        + "".join(f"<li>{tip}</li>" for tip in next_steps(s))
        + "</ul></section>",
    ]
    outputs = "".join(
        f'<li>{escape(OUTPUT_LABELS.get(kind, kind))}: <a href="{escape(name)}">'
        f"{escape(name)}</a></li>"
        for kind, name in s.outputs.items()
    )
    generated = s.generated_at.strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Data-quality report: {escape(s.file_name)}</title>
<style>{_CSS}</style></head>
<body><main>
<h1>Data-quality report: {escape(s.file_name)}</h1>
<p class="sub">Upload <code>{escape(s.upload_key)}</code> · generated {generated}</p>
<div class="cards">{cards}</div>
{"".join(sections)}
<section><h2>Files</h2><ul>{outputs}</ul>
<p class="note">Every value in the enriched file records where it was found (the
<code>sources</code> column: page URL and time). Addresses and domains on the suppression list
(<code>suppression.csv</code>, {s.suppression_entries:,} entries) are never exported.</p></section>
<footer>Written by enrichment_pipeline. Self-contained: this file loads nothing from the
network.</footer>
</main></body></html>
"""


def _status_section(s: QualitySummary) -> str:
    rows = [
        (status, count, _pct(count, sum(s.row_statuses.values())), STATUS_MEANING.get(status, ""))
        for status, count in sorted(s.row_statuses.items(), key=lambda kv: -kv[1])
    ]
    return (
        "<section><h2>What happened to each row</h2>"
        + _table(["status", "rows", "share", "meaning"], rows, {1, 2})
        + "</section>"
    )


def _confidence_section(s: QualitySummary, threshold: float | None) -> str:
    if not s.confidence_matched and not s.confidence_rejected:
        body = '<p class="note">No website candidate was checked for this upload.</p>'
    else:
        body = (
            '<div class="chart">'
            + confidence_histogram(s.confidence_matched, s.confidence_rejected, threshold=threshold)
            + "</div>"
        )
    return f"""<section><h2>How sure are the website matches?</h2>
<p class="note">Confidence combines the evidence found on the site: the business's phone number,
street address, ZIP, name and city. Green: accepted. Orange: the best candidate of a business that
was not accepted (kept for review in the website_matches table, never used).</p>{body}</section>"""


def _sources_section(s: QualitySummary) -> str:
    statuses = sorted(s.match_statuses.items(), key=lambda kv: -kv[1])
    parts = ["<section><h2>Where the websites came from</h2>"]
    if s.sources:
        parts.append(
            _bar_table(["source", "websites"], list(s.sources.items()), sum(s.sources.values()))
        )
        parts.append(
            '<p class="note">csv: the website column of your file (verified); searxng, brave, '
            "google: a search provider; guess: a domain guessed from the name and verified.</p>"
        )
    else:
        parts.append('<p class="note">No website was verified for this upload.</p>')
    parts.append(
        _bar_table(["match status", "businesses"], statuses, sum(s.match_statuses.values()))
    )
    parts.append("</section>")
    return "".join(parts)


def _contacts_section(s: QualitySummary) -> str:
    if not s.sites_scraped:
        return (
            "<section><h2>What the websites showed</h2>"
            '<p class="note">No website was visited for this upload.</p></section>'
        )
    items = [(label, s.contact_found.get(key, 0)) for key, label in CONTACT_FIELDS]
    return f"""<section><h2>What the websites showed</h2>
<p class="note">Share of the {s.sites_scraped:,} visited websites on which each kind of contact
was found (homepage plus contact, about and staff pages; robots.txt decides first).</p>
{_bar_table(["found", "websites"], items, s.sites_scraped)}</section>"""


def _reasons_section(
    title: str, reasons: Sequence[tuple[str, int]], note: str, *, empty: str
) -> str:
    if not reasons:
        return f'<section><h2>{escape(title)}</h2><p class="note">{escape(empty)}</p></section>'
    return (
        f"<section><h2>{escape(title)}</h2>"
        + _bar_table(["reason", "count"], reasons, sum(n for _, n in reasons), warn=True)
        + f'<p class="note">{escape(note)}</p></section>'
    )


def _cost_section(s: QualitySummary) -> str:
    c = s.cost
    writers = ", ".join(f"{w} {n:,}" for w, n in c.writers.items()) or "none"
    rows = [
        ("emails written", f"{c.emails:,}"),
        ("written by", writers),
        ("model", ", ".join(c.models) or "none (template writer)"),
        ("model calls", f"{c.model_calls:,}"),
        ("answers reused from the cache", f"{c.cached_answers:,}"),
        ("tokens in / out", f"{c.tokens_in:,} / {c.tokens_out:,}"),
        ("cost", f"${c.cost_usd:,.4f}"),
        ("cost per 10,000 businesses", f"${c.cost_per_10k_usd:,.2f}"),
    ]
    fallback = ""
    if c.fallback_reasons:
        fallback = "<h3>Why model answers were replaced by the template</h3>" + _table(
            ["reason", "emails"], c.fallback_reasons, {1}
        )
    return (
        "<section><h2>Cost of writing the emails</h2>"
        + _table(["", ""], rows, set())
        + fallback
        + "</section>"
    )


def write_report(path: Path, summary: QualitySummary, *, threshold: float | None = None) -> Path:
    """Write the report atomically (a temp file renamed into place); returns the path.

    The temp file is opened normally rather than with mkstemp, so the report gets the user's
    umask permissions (readable by the team on a shared server), not mkstemp's 0600.
    """
    html_text = render_report(summary, threshold=threshold)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        tmp.write_text(html_text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
