"""company_key: the same business gets the same key in any file; different ones do not."""

from __future__ import annotations

import re
import subprocess
import sys

from enrichment_pipeline.core.normalize import company_key
from enrichment_pipeline.core.normalize.keys import KEY_PATTERN


def test_key_is_readable_and_well_formed() -> None:
    key = company_key("palmetto bay ford", phone_e164="+13055550101")
    assert re.match(KEY_PATTERN, key)
    assert key.startswith("palmetto-bay-ford-")


def test_phone_wins_over_zip_and_zip_over_website() -> None:
    by_phone = company_key("gator motors", phone_e164="+13525550100", zip_code="34470")
    assert by_phone == company_key("gator motors", phone_e164="+13525550100", zip_code="99999")
    by_zip = company_key("gator motors", zip_code="34470", website="https://a.example/")
    assert by_zip == company_key("gator motors", zip_code="34470", website="https://b.example/")
    assert by_zip != company_key("gator motors", zip_code="34471")
    by_site = company_key("gator motors", website="https://www.gator.example/")
    assert by_site == company_key("gator motors", website="http://gator.example/about")


def test_different_names_or_phones_differ() -> None:
    base = company_key("gator motors", phone_e164="+13525550100")
    assert base != company_key("gator motor", phone_e164="+13525550100")
    assert base != company_key("gator motors", phone_e164="+13525550101")
    assert company_key("gator motors") != company_key("gator motors", city="Ocala", state="FL")


def test_key_is_stable_across_processes() -> None:
    """Python's own hash() is salted per process; the key must not be."""
    code = (
        "from enrichment_pipeline.core.normalize import company_key;"
        "print(company_key('gator motors', phone_e164='+13525550100'))"
    )
    other = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert other == company_key("gator motors", phone_e164="+13525550100")


def test_long_and_non_latin_names_still_give_valid_keys() -> None:
    long_key = company_key("riverside motors of jacksonville and the whole first coast")
    assert re.match(KEY_PATTERN, long_key)
    assert len(long_key) <= 32 + 1 + 12
    assert re.match(KEY_PATTERN, company_key("東京モーターズ"))
