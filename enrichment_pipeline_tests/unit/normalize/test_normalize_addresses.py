"""Addresses: one-line addresses split, separate columns win, states and ZIPs normalised."""

from __future__ import annotations

import pytest

from enrichment_pipeline.core.normalize import (
    Address,
    normalize_state,
    normalize_zip,
    parse_address,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("123 Main St, Miami, FL 33101", Address("123 Main St", "Miami", "FL", "33101")),
        (
            "4500 N Federal Hwy Ste 200 Fort Lauderdale FL 33308-1234",
            Address("4500 N Federal Hwy Ste 200", "Fort Lauderdale", "FL", "33308"),
        ),
        (
            "2100 S. Orange Blossom Trl., Apopka, Florida 32703",
            Address("2100 S. Orange Blossom Trl.", "Apopka", "FL", "32703"),
        ),
        ("PO Box 12, Orlando, FL 32801", Address("PO Box 12", "Orlando", "FL", "32801")),
        ("Miami, FL", Address(None, "Miami", "FL", None)),
        ("1501 Biscayne Blvd, Suite 200", Address("1501 Biscayne Blvd, Suite 200")),
        (
            "Sunshine Ford, 123 Main St, Miami, FL 33101",
            Address("123 Main St", "Miami", "FL", "33101"),
        ),
        # usaddress repeats labels here; the first city/state/zip is taken, nothing raises.
        (
            "123 Main St, Miami, FL 33101, Orlando FL 32801",
            Address("123 Main St", "Miami", "FL", "33101"),
        ),
        ("n/a", Address()),
        ("", Address()),
    ],
)
def test_one_line_address_is_split(text: str, expected: Address) -> None:
    assert parse_address(text) == expected


def test_separate_columns_win_over_the_parsed_ones() -> None:
    parsed = parse_address("123 Main St, Miami, FL 33101", "Coral Gables", "Florida", "33134")
    assert parsed == Address("123 Main St", "Coral Gables", "FL", "33134")


def test_invalid_separate_cells_fall_back_to_the_address() -> None:
    parsed = parse_address("123 Main St, Miami, FL 33101", "N/A", "ZZ", "abcde")
    assert parsed == Address("123 Main St", "Miami", "FL", "33101")


def test_street_only_address_with_columns() -> None:
    assert parse_address("14400 S Dixie Hwy", "Miami", "FL", "33176") == Address(
        "14400 S Dixie Hwy", "Miami", "FL", "33176"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("FL", "FL"),
        (" fl ", "FL"),
        ("Florida", "FL"),
        ("FLORIDA", "FL"),
        ("Fla.", "FL"),
        ("New York", "NY"),
        ("new  hampshire", "NH"),
        ("D.C.", "DC"),
        ("Puerto Rico", "PR"),
        ("ZZ", None),
        ("Ontario", None),
        ("", None),
        (None, None),
    ],
)
def test_state_names_and_codes(value: object, expected: str | None) -> None:
    assert normalize_state(value) == expected


@pytest.mark.parametrize(
    ("value", "state", "expected"),
    [
        ("33101", None, "33101"),
        ("33101-1234", None, "33101"),
        ("331011234", None, "33101"),
        ("33101.0", None, "33101"),
        ('="02108"', None, "02108"),
        ("2108", "MA", "02108"),  # Excel dropped the leading zero of a Boston ZIP
        ("2108", None, "02108"),
        ("3310", "FL", None),  # no Florida ZIP starts with 0: the value is simply wrong
        ("00000", None, None),
        ("M5V 2T6", None, None),
        ("", None, None),
    ],
)
def test_zip_codes(value: str, state: str | None, expected: str | None) -> None:
    assert normalize_zip(value, state) == expected
