"""Normalising and validating raw rows: names, US addresses, phones, websites, company keys.

Plain Python (no dagster): the `validated_records` and `rejected_records` assets call
`validate_records` and store its two frames.
"""

from __future__ import annotations

from enrichment_pipeline.core.normalize.addresses import (
    STATE_CODES,
    Address,
    normalize_state,
    normalize_zip,
    parse_address,
)
from enrichment_pipeline.core.normalize.keys import company_key
from enrichment_pipeline.core.normalize.names import display_name, normalize_company_name
from enrichment_pipeline.core.normalize.phones import to_e164
from enrichment_pipeline.core.normalize.schema import (
    REJECTED_COLUMNS,
    VALID_COLUMNS,
    ValidRecords,
)
from enrichment_pipeline.core.normalize.validate import ValidationResult, validate_records
from enrichment_pipeline.core.normalize.websites import canonical_website

__all__ = [
    "REJECTED_COLUMNS",
    "STATE_CODES",
    "VALID_COLUMNS",
    "Address",
    "ValidRecords",
    "ValidationResult",
    "canonical_website",
    "company_key",
    "display_name",
    "normalize_company_name",
    "normalize_state",
    "normalize_zip",
    "parse_address",
    "to_e164",
    "validate_records",
]
