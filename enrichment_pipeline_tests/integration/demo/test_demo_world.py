"""The demo web and the sample file agree, and the demo never empties a folder it did not make."""

from __future__ import annotations

from pathlib import Path

import phonenumbers
import pytest

from enrichment_pipeline.core.ingest import read_upload
from enrichment_pipeline.core.normalize import validate_records
from enrichment_pipeline_tests.fixtures.demo.runner import (
    MARKER,
    SAMPLE,
    DemoError,
    prepare_data_dir,
)
from enrichment_pipeline_tests.fixtures.demo.world import DEMO_BUSINESSES, demo_businesses
from enrichment_pipeline_tests.fixtures.web import render_site


def _sample_rows() -> dict[str, dict]:
    """The sample's valid first rows (not repeats), keyed by the E.164 phone."""
    valid = validate_records(read_upload(SAMPLE).frame).valid
    first = valid[valid["duplicate_of"].isna()]
    return {r["phone_e164"]: r for r in first.to_dict("records")}


def test_every_business_of_the_sample_has_a_demo_entry_with_the_same_identity() -> None:
    rows = _sample_rows()
    world = {b.phone: b for b in demo_businesses()}
    assert set(world) == set(rows)
    for phone, row in rows.items():
        business = world[phone]
        assert business.name == row["name"]
        assert business.zip == row["zip"]
        # A website given in the file is the demo site's domain (with or without www).
        if row["website"]:
            host = row["website"].split("//", 1)[1].split("/", 1)[0].removeprefix("www.")
            assert host == business.domain, (row["name"], row["website"])


def test_the_demo_is_fictional_by_construction() -> None:
    for business in demo_businesses():
        assert business.domain is None or business.domain.endswith(".example")
        for email in business.emails:
            assert email.address.endswith(".example")
        for phone in (business.phone, *(p.e164 for p in business.phones)):
            number = phonenumbers.parse(phone)
            assert str(number.national_number)[3:6] == "555", phone  # the fictional exchange
            assert phonenumbers.is_valid_number(number)


def test_every_demo_site_renders() -> None:
    for business in demo_businesses():
        pages = render_site(business)
        assert bool(pages) == (business.domain is not None), business.name
        if pages:
            assert "/" in pages
    assert len({b.domain for b in DEMO_BUSINESSES if b.domain}) == sum(
        1 for b in DEMO_BUSINESSES if b.domain
    )


def test_the_demo_refuses_to_empty_a_folder_it_did_not_make(tmp_path: Path) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "leads.csv").write_text("keep me")
    with pytest.raises(DemoError, match="not made by the demo"):
        prepare_data_dir(precious)
    assert (precious / "leads.csv").read_text() == "keep me"

    ours = prepare_data_dir(tmp_path / "demo")
    (ours / "outbox").mkdir()
    (ours / "outbox" / "old.csv").write_text("old results")
    again = prepare_data_dir(ours)
    assert sorted(p.name for p in again.iterdir()) == [MARKER]
