"""Company names: variants of one business normalise alike, different businesses do not."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enrichment_pipeline.core.normalize import display_name, normalize_company_name


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Joe's Auto Sales, L.L.C.", "JOES AUTO SALES LLC"),
        ("Smith & Sons", "Smith and Sons, Inc."),
        ("Café Motors", "CAFE MOTORS"),
        ("The Car Store", "Car Store Corp."),
        ("ABC Holdings LLC dba Sunshine Ford", "Sunshine Ford"),
        ("ABC Holdings LLC d/b/a Sunshine Ford", "Sunshine Ford, Inc"),
        ("  Gator   Motors  ", "Gator Motors"),
        ("Toyota of Miami, P.A.", "Toyota of Miami"),
        ("Gator Motors Co", "Gator Motors Company"),
        ("Gator Motors, LLC.", "Gator Motors Incorporated"),
        ("Joe’s Tires", "Joes Tires"),
    ],
)
def test_variants_of_one_business_match(one: str, other: str) -> None:
    assert normalize_company_name(one) == normalize_company_name(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Gator Motors", "Gator Motor Sales"),
        ("Smith Ford", "Smith Toyota"),
        ("A1 Auto", "A2 Auto"),
        ("DBA Motors", "Motors"),
    ],
)
def test_different_businesses_stay_apart(one: str, other: str) -> None:
    assert normalize_company_name(one) != normalize_company_name(other)


@pytest.mark.parametrize("name", ["Company", "LLC", "The", "Inc."])
def test_a_name_made_only_of_suffixes_is_not_erased(name: str) -> None:
    assert normalize_company_name(name) != ""


def test_display_name_keeps_what_people_wrote() -> None:
    assert display_name("  Joe's   Auto Sales, LLC ") == "Joe's Auto Sales, LLC"
    assert display_name('=HYPERLINK("https://gator.example","Gator Motors")') == "Gator Motors"
    assert display_name('="Gator Motors"') == "Gator Motors"
    assert display_name(None) == ""
    assert display_name(float("nan")) == ""


@given(st.text(max_size=60))
def test_normalised_name_is_idempotent_lower_case_words(name: str) -> None:
    normalized = normalize_company_name(name)
    assert normalize_company_name(normalized) == normalized
    assert normalized == normalized.casefold()
    assert re.fullmatch(r"(?:\w+(?: \w+)*)?", normalized)
    assert "_" not in normalized
