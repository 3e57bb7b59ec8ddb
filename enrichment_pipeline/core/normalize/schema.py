"""The Pandera contract of `validated_records`: what every valid row is guaranteed to be."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from enrichment_pipeline.core.normalize.addresses import STATE_CODES
from enrichment_pipeline.core.normalize.cells import is_formula, is_placeholder
from enrichment_pipeline.core.normalize.keys import KEY_PATTERN

VALID_COLUMNS: tuple[str, ...] = (
    "row_number", "company_key", "name", "name_normalized", "street", "city", "state", "zip",
    "phone_raw", "phone_e164", "website_raw", "website", "duplicate_of",
)  # fmt: skip
REJECTED_COLUMNS: tuple[str, ...] = ("row_number", "reason", "fields")

MAX_NAME_LENGTH = 200
E164_PATTERN = r"^\+[1-9]\d{6,14}$"
WEBSITE_PATTERN = r"^https?://[a-z0-9.\-]+(?::\d+)?/\S*$"


class ValidRecords(pa.DataFrameModel):
    """One row per input row that names a business and can be identified.

    The check names are the vocabulary `validate_records` turns into rejection reasons.
    """

    row_number: Series[int] = pa.Field(gt=0, unique=True)
    company_key: Series[str] = pa.Field(str_matches=KEY_PATTERN)
    # Longer than any real business name: a merged or swallowed cell, not a name.
    name: Series[str] = pa.Field(str_length={"min_value": 1, "max_value": MAX_NAME_LENGTH})
    name_normalized: Series[str] = pa.Field(str_length={"min_value": 1})
    street: Series[str] = pa.Field(nullable=True)
    city: Series[str] = pa.Field(nullable=True)
    state: Series[str] = pa.Field(nullable=True, isin=sorted(STATE_CODES))
    zip: Series[str] = pa.Field(nullable=True, str_matches=r"^\d{5}$")
    phone_raw: Series[str] = pa.Field(nullable=True)
    phone_e164: Series[str] = pa.Field(nullable=True, str_matches=E164_PATTERN)
    website_raw: Series[str] = pa.Field(nullable=True)
    website: Series[str] = pa.Field(nullable=True, str_matches=WEBSITE_PATTERN)
    duplicate_of: Series[pd.Int64Dtype] = pa.Field(nullable=True)

    @pa.check("name", name="not_formula")
    def _not_formula(cls, name: Series[str]) -> Series[bool]:
        return ~name.map(is_formula).astype(bool)

    @pa.check("name", name="not_placeholder")
    def _not_placeholder(cls, name: Series[str]) -> Series[bool]:
        return ~name.map(is_placeholder).astype(bool)

    @pa.check("name", name="has_letters")
    def _has_letters(cls, name: Series[str]) -> Series[bool]:
        return name.str.contains(r"[^\W\d_]", regex=True).astype(bool)

    @pa.dataframe_check(name="identifiable")
    def _identifiable(cls, df: pd.DataFrame) -> Series[bool]:
        """A name alone cannot be enriched: some address part, a valid phone or a website."""
        return (
            df["street"].notna()
            | df["city"].notna()
            | df["zip"].notna()
            | df["phone_e164"].notna()
            | df["website"].notna()
        )

    @pa.dataframe_check(name="duplicate_points_back")
    def _duplicate_points_back(cls, df: pd.DataFrame) -> Series[bool]:
        return df["duplicate_of"].isna() | (df["duplicate_of"] < df["row_number"]).fillna(False)

    class Config:
        strict = True
        ordered = True
