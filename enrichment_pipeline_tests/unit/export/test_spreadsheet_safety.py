"""OWASP CSV-injection rules: no cell can run as a formula; phone numbers stay readable."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enrichment_pipeline.core.export.spreadsheet import is_phone_text, spreadsheet_safe

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK("http://evil","click")',
        "+SUM(A1:A2)",
        "-2+3",
        "@SUM(A1)",
        "\t=1+1",
        "\r=1+1",
        "  =cmd|' /C calc'!A0",
        "+1 (305) 555-0100 =1+1",
        "+1",
    ],
)
def test_formula_triggers_are_neutralised(cell: str) -> None:
    safe = spreadsheet_safe(cell)
    assert safe == "'" + cell


@pytest.mark.parametrize(
    "cell", ["+13055550100", "+13055550100; +14075550123", "+1 (305) 555-0100", "+44 20 7946 0958"]
)
def test_phone_numbers_stay_readable(cell: str) -> None:
    assert is_phone_text(cell)
    assert spreadsheet_safe(cell) == cell


@pytest.mark.parametrize("cell", ["Sunshine Ford", "info@dealer.com", "", "a=b", "O'Neil"])
def test_ordinary_text_is_untouched(cell: str) -> None:
    assert spreadsheet_safe(cell) == cell


def test_non_strings_pass_through() -> None:
    assert spreadsheet_safe(None) is None
    assert spreadsheet_safe(0.5) == 0.5


@given(st.text(min_size=1, max_size=40))
def test_no_output_cell_can_start_a_formula(text: str) -> None:
    safe = spreadsheet_safe(text)
    assert isinstance(safe, str)
    head = safe.lstrip(" ")[:1]
    if head in TRIGGERS or safe[:1] in TRIGGERS:
        # The only cells allowed to start with a trigger are phone numbers.
        assert head == "+" and is_phone_text(safe.lstrip(" "))
