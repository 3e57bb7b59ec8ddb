"""Property: no row is ever lost or duplicated, whatever the cells hold."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enrichment_pipeline.core.normalize import ValidRecords, validate_records

FIELDS = ("name", "address", "city", "state", "zip", "phone", "website")
NASTY = st.sampled_from(
    [
        "", " ", "N/A", "none", "-", "0", "12", "=SUM(A1)", "@x", "+1 305 374 2211",
        "(352) 374-2211", "Gator Motors", "Gator Motors LLC", "1 Main St, Ocala, FL 34470",
        "FL", "Florida", "34470", "02108", "gator.example", "https://www.facebook.com/x",
        "info@gator.example", "東京", "🌮", "\n", "\x00", '="00123"', "Inc.", "dba",
    ]
)  # fmt: skip
CELL = st.one_of(st.none(), st.just(np.nan), st.text(max_size=40), NASTY)
ROW = st.fixed_dictionaries({field: CELL for field in FIELDS})


@pytest.mark.slow  # ~12 s: 200 frames, each validated twice by Pandera
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(ROW, max_size=25), repeat_numbers=st.booleans())
def test_every_row_ends_in_exactly_one_output(rows: list[dict], repeat_numbers: bool) -> None:
    raw = pd.DataFrame(rows, columns=list(FIELDS))
    numbers = list(range(1, len(rows) + 1))
    if repeat_numbers and len(numbers) > 1:
        numbers[-1] = numbers[0]
    raw.insert(0, "row_number", numbers)
    raw["fields"] = "{}"

    result = validate_records(raw)

    assert len(result.valid) + len(result.rejected) == len(raw)
    out = Counter(result.valid["row_number"]) + Counter(result.rejected["row_number"])
    assert out == Counter(numbers)
    ValidRecords.validate(result.valid)
    assert all(isinstance(r, str) and r for r in result.rejected["reason"])
