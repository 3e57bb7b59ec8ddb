"""Phones: every way of writing a number gives one E.164 form; junk gives None."""

from __future__ import annotations

import phonenumbers
import pytest

from enrichment_pipeline.core.normalize import to_e164

# A number phonenumbers accepts as a valid US number in the Miami area.
MIAMI = "+13053742211"


@pytest.mark.parametrize(
    "written",
    [
        "(305) 374-2211",
        "305-374-2211",
        "305.374.2211",
        "3053742211",
        "1-305-374-2211",
        "+1 (305) 374 2211",
        "305.374.2211 ext 12",
        "3053742211.0",  # through a float column
        '="3053742211"',  # Excel's text wrapper
        "tel:+13053742211",
        "Main: 305-374-2211 / Fax: 305-374-2299",
        "  305 374 2211  ",
    ],
)
def test_ways_of_writing_one_number(written: str) -> None:
    assert phonenumbers.is_valid_number(phonenumbers.parse(MIAMI))
    assert to_e164(written) == MIAMI


@pytest.mark.parametrize(
    "junk", ["12", "555-0123", "n/a", "", None, float("nan"), "call us", "3.05374E+09", "000"]
)
def test_junk_is_none(junk: object) -> None:
    assert to_e164(junk) is None


def test_region_decides_numbers_without_country_code() -> None:
    london = "020 7946 0958"
    assert to_e164(london, "GB") == "+442079460958"
    assert to_e164(london, "US") is None
    # An explicit country code wins over the region.
    assert to_e164("+44 20 7946 0958", "US") == "+442079460958"
