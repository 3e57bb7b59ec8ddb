"""Declared schemas of every table the pipeline stores, one per asset.

The I/O manager creates tables from these declarations and refuses frames that do not match, so a
column can never shift or vanish silently. JSON-valued columns are stored as text (VARCHAR holding
JSON) because DuckDB's JSON type is just VARCHAR with a check and the export reads them back raw.
Timestamps are naive UTC.
"""

from __future__ import annotations

from enrichment_pipeline.core.storage.warehouse import TableSpec, spec

RAW_UPLOAD = spec(
    "raw_upload",
    [
        ("row_number", "BIGINT", "1-based data row in the uploaded file."),
        ("source_file", "VARCHAR", "Original file name as dropped in the inbox."),
        ("name", "VARCHAR", "Business name column, as text."),
        ("address", "VARCHAR", "Address (street line or full address), as text."),
        ("city", "VARCHAR", "City column when the file has one."),
        ("state", "VARCHAR", "State column when the file has one."),
        ("zip", "VARCHAR", "ZIP/postal code column when the file has one."),
        ("phone", "VARCHAR", "Phone column, as text."),
        ("website", "VARCHAR", "Website column when the file has one."),
        ("fields", "VARCHAR", "JSON object of the original row, headers in file order."),
    ],
    order_by=("row_number",),
)

VALIDATED_RECORDS = spec(
    "validated_records",
    [
        ("row_number", "BIGINT", "Row in the uploaded file."),
        ("company_key", "VARCHAR", "Stable business key (normalised name + phone or ZIP)."),
        ("name", "VARCHAR", "Display name."),
        ("name_normalized", "VARCHAR", "Name for matching: case, punctuation, legal suffixes."),
        ("street", "VARCHAR", "Street line."),
        ("city", "VARCHAR", "City."),
        ("state", "VARCHAR", "Two-letter state."),
        ("zip", "VARCHAR", "Five-digit ZIP."),
        ("phone_raw", "VARCHAR", "Phone as given."),
        ("phone_e164", "VARCHAR", "Phone in E.164, when valid."),
        ("website_raw", "VARCHAR", "Website as given."),
        ("website", "VARCHAR", "Canonical website URL from the file, when usable."),
        ("duplicate_of", "BIGINT", "Row number of the first row of the same business."),
    ],
    order_by=("row_number",),
)

REJECTED_RECORDS = spec(
    "rejected_records",
    [
        ("row_number", "BIGINT", "Row in the uploaded file."),
        ("reason", "VARCHAR", "Why the row could not be used."),
        ("fields", "VARCHAR", "JSON object of the original row."),
    ],
    order_by=("row_number",),
)

WEBSITE_MATCHES = spec(
    "website_matches",
    [
        ("record_id", "BIGINT", "Row number of the record this match belongs to."),
        ("company_key", "VARCHAR", "Business key."),
        ("website", "VARCHAR", "Official website (canonical homepage after redirects)."),
        ("confidence", "DOUBLE", "Identity confidence in [0, 1]."),
        ("source", "VARCHAR", "Where the candidate came from: csv, searxng, brave, google, guess."),
        ("evidence", "VARCHAR", "JSON list of the identity evidence found on the site."),
        ("candidates_tried", "INTEGER", "How many candidate sites were verified."),
        ("status", "VARCHAR", "matched, not_found, ambiguous or error."),
        ("error", "VARCHAR", "Why no site was accepted, or what failed."),
        ("review_candidate", "VARCHAR", "Best rejected candidate, for human review."),
        ("review_reason", "VARCHAR", "Why that candidate was rejected."),
        ("cached", "BOOLEAN", "Answer reused from the cross-upload match cache."),
        ("checked_at", "TIMESTAMP", "When the match was verified (UTC)."),
    ],
    order_by=("record_id",),
)

SCRAPED_CONTACTS = spec(
    "scraped_contacts",
    [
        ("record_id", "BIGINT", "Row number of the record."),
        ("company_key", "VARCHAR", "Business key."),
        ("website", "VARCHAR", "Site that was scraped."),
        ("status", "VARCHAR", "ok, no_contacts, blocked, error or no_website."),
        ("error", "VARCHAR", "What went wrong, when something did."),
        ("emails", "VARCHAR", "JSON list of {address, kind, on_domain, source_url}."),
        ("primary_email", "VARCHAR", "The address to write to (documented rule)."),
        ("phones", "VARCHAR", "JSON list of {e164, label, source_url}."),
        ("socials", "VARCHAR", "JSON object platform -> profile URLs."),
        ("people", "VARCHAR", "JSON list of {name, title, email, source_url}."),
        ("owner_name", "VARCHAR", "Best-ranked decision maker."),
        ("owner_title", "VARCHAR", "Their title."),
        ("facts", "VARCHAR", "JSON list of {kind, text, url} snippets for personalisation."),
        ("pages", "VARCHAR", "JSON list of pages visited with their outcome."),
        ("sources", "VARCHAR", "JSON object field -> {url, fetched_at}."),
        ("pages_fetched", "INTEGER", "Pages fetched from the network."),
        ("pages_from_cache", "INTEGER", "Pages served by the page cache."),
        ("scraped_at", "TIMESTAMP", "When (UTC)."),
    ],
    order_by=("record_id",),
)

GENERATED_EMAILS = spec(
    "generated_emails",
    [
        ("record_id", "BIGINT", "Row number of the record."),
        ("company_key", "VARCHAR", "Business key."),
        ("subject_1", "VARCHAR", "Subject line option 1."),
        ("subject_2", "VARCHAR", "Subject line option 2."),
        ("subject_3", "VARCHAR", "Subject line option 3."),
        ("icebreaker", "VARCHAR", "Opening line grounded in a real fact."),
        ("hot_button", "VARCHAR", "The pain point to lead with."),
        ("email_body", "VARCHAR", "The email body."),
        ("writer", "VARCHAR", "template, openai or template_fallback."),
        ("fallback_reason", "VARCHAR", "Why the model's answer was replaced, if it was."),
        ("model", "VARCHAR", "Model name for the openai writer."),
        (
            "calls",
            "INTEGER",
            "Model requests for this record, retries included (0: cache/template).",
        ),
        ("tokens_in", "INTEGER", "Prompt tokens."),
        ("tokens_out", "INTEGER", "Completion tokens."),
        ("cost_usd", "DOUBLE", "Cost from the configured price table."),
        ("cached", "BOOLEAN", "Answer reused from the LLM cache (no call made)."),
        ("generated_at", "TIMESTAMP", "When (UTC)."),
    ],
    order_by=("record_id",),
)

ENRICHED_EXPORT = spec(
    "enriched_export",
    [
        ("csv_path", "VARCHAR", "Enriched CSV (spreadsheet-safe, UTF-8 with BOM)."),
        ("json_path", "VARCHAR", "Enriched JSON (raw values)."),
        ("rejected_path", "VARCHAR", "Rejected rows with their reasons."),
        ("rows_in", "BIGINT", "Data rows in the uploaded file."),
        ("rows_enriched", "BIGINT", "Rows in the enriched output."),
        ("rows_rejected", "BIGINT", "Rows in the rejected output."),
        ("rows_ok", "BIGINT", "Rows with status ok."),
        ("rows_with_email", "BIGINT", "Rows with a primary email."),
        ("exported_at", "TIMESTAMP", "When (UTC)."),
    ],
)

TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in (
        RAW_UPLOAD,
        VALIDATED_RECORDS,
        REJECTED_RECORDS,
        WEBSITE_MATCHES,
        SCRAPED_CONTACTS,
        GENERATED_EMAILS,
        ENRICHED_EXPORT,
    )
}
