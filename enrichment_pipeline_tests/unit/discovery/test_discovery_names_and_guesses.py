"""Name similarity, record profiles, search queries and guessed domains."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from enrichment_pipeline.core.discovery.guessing import guess_domains
from enrichment_pipeline.core.discovery.identity import (
    RecordProfile,
    name_similarity,
    shares_distinctive_word,
    street_parts,
)
from enrichment_pipeline.core.discovery.models import MatchInput
from enrichment_pipeline.core.discovery.queries import search_queries
from enrichment_pipeline_tests.fixtures.web import generate_businesses


def profile(name: str, city: str = "Ocala", **kw: object) -> RecordProfile:
    return RecordProfile.from_input(MatchInput(1, "k", name, city=city, state="FL", **kw))


def test_name_in_a_longer_title_matches_fully() -> None:
    p = profile("Treasure Coast Kia LLC", city="Lakeland")
    assert name_similarity(p, "New & Used Cars | Treasure Coast Kia in Lakeland, FL") == 100
    assert name_similarity(p, "Treasure Coast Kia") == 100


def test_a_subset_of_the_name_is_not_the_name() -> None:
    p = profile("Sunshine Ford of Ocala")
    assert name_similarity(p, "Sunshine Ford") < 80
    assert name_similarity(p, "Sunshine Ford of Gainesville") < 90
    assert name_similarity(p, "Sunshine Auto Group") < 80


def test_spacing_and_punctuation_do_not_matter() -> None:
    p = profile("Joe's Auto-Nation & Sons, Inc.")
    assert name_similarity(p, "JOES AUTONATION AND SONS") >= 90


def test_distinctive_words_exclude_brands_places_and_trade_words() -> None:
    assert profile("Sunshine Ford of Ocala").distinctive == {"sunshine"}
    assert profile("Ocala Auto Mall").distinctive == frozenset()
    assert profile("Gulf Coast Chevrolet").distinctive == frozenset()
    assert shares_distinctive_word(profile("Pelican Toyota of Miami"), "Pelican Auto Group")
    assert not shares_distinctive_word(profile("Pelican Toyota"), "Toyota Dealers of Florida")


def test_profiles_prepare_identifiers() -> None:
    p = profile("Gator Motors", phone_e164="+13525550142", street="4500 S Dale Mabry Hwy",
                zip="34471-2222")  # fmt: skip
    assert p.phone_digits == "3525550142"
    assert p.zip == "34471"
    assert p.city_words == " ocala "
    assert street_parts("4500 S Dale Mabry Hwy") is not None
    parts = street_parts("4500 S Dale Mabry Hwy")
    assert parts is not None and parts.number == "4500" and parts.words == ("dale", "mabry")
    highway = street_parts("12 US Highway 19 N")
    assert highway is not None and highway.words == ("19",)
    assert street_parts("PO Box 12") is None and street_parts(None) is None


def test_queries_name_and_place_then_phone() -> None:
    record = MatchInput(
        1, "k", "Gator Auto Sales LLC", city="Ocala", state="FL", phone_e164="+13525550142"
    )
    assert search_queries(record) == [
        "Gator Auto Sales LLC Ocala FL",
        '"(352) 555-0142" Gator Auto Sales LLC',
    ]
    assert search_queries(MatchInput(1, "k", "Gator")) == ["Gator"]


def test_guesses_cover_the_usual_spellings() -> None:
    guesses = guess_domains("Sunshine Ford of Ocala", "Ocala", "FL")
    for expected in (
        "sunshinefordofocala.com",
        "sunshinefordocala.com",
        "sunshine-ford-of-ocala.com",
        "sunshineford.com",
        "sunshinefordofocala.net",
    ):
        assert expected in guesses
    smith = guess_domains("Smith & Sons Plumbing, Inc.", "Tampa", "FL")
    assert smith[0] == "smithandsonsplumbing.com"
    assert "smithsonsplumbingtampa.com" in smith and "smithsonsplumbingfl.com" in smith


def test_most_generated_dealer_domains_are_guessable() -> None:
    """The fixture generator spells domains the way real businesses do; guessing should find
    most of them (all but the "drive..." style and hyphen spellings of apostrophes)."""
    businesses = generate_businesses(300, seed=9, mix={"no_website": 0.0})
    found = sum(b.domain in guess_domains(b.name, b.city, b.state) for b in businesses)
    assert found / len(businesses) >= 0.75, found


_DOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.[a-z]{2,}$")


@settings(max_examples=200, deadline=None)
@given(
    st.text(min_size=0, max_size=80),
    st.one_of(st.none(), st.text(max_size=30)),
    st.integers(min_value=0, max_value=30),
)
def test_guesses_are_valid_bounded_and_unique(name: str, city: str | None, limit: int) -> None:
    guesses = guess_domains(name, city, "FL", limit=limit)
    assert len(guesses) <= limit
    assert len(set(guesses)) == len(guesses)
    assert all(_DOMAIN.match(g) for g in guesses), guesses
