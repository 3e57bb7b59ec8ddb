"""Identity scoring: strong evidence decides, names alone never do, decoys are penalised."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from enrichment_pipeline.core.discovery.identity import RecordProfile
from enrichment_pipeline.core.discovery.models import MatchInput
from enrichment_pipeline.core.discovery.page_facts import PageFacts, read_page
from enrichment_pipeline.core.discovery.scoring import DEFAULT_WEIGHTS, assess
from enrichment_pipeline_tests.fixtures.discovery.decoys import render_group_site
from enrichment_pipeline_tests.fixtures.web import (
    Business,
    generate_businesses,
    make_twin,
    render_directory,
    render_parked,
    render_site,
)

THRESHOLD = 0.6
BUSINESSES = [
    b for b in generate_businesses(80, seed=5, mix={"no_website": 0.0}) if b.style != "jsrendered"
]


def record_for(b: Business, **changes: object) -> MatchInput:
    base = MatchInput(
        record_id=1,
        company_key="k",
        name=b.name,
        street=b.street,
        city=b.city,
        state=b.state,
        zip=b.zip,
        phone_e164=b.phone,
        website=b.website,
    )
    return replace(base, **changes)


def home_facts(b: Business) -> PageFacts:
    return read_page(render_site(b)["/"].body_bytes().decode(), b.website or "")


def test_own_homepage_is_accepted_from_any_source() -> None:
    for b in BUSINESSES[:20]:
        profile = RecordProfile.from_input(record_for(b))
        for source in ("csv", "searxng", "guess"):
            result = assess(home_facts(b), profile, source)
            assert result.rejection is None
            assert result.strong
            assert result.confidence >= 0.9, (b.name, source, result.evidence)


def test_another_businesses_site_is_rejected() -> None:
    for b, other in zip(BUSINESSES[:15], BUSINESSES[15:30], strict=True):
        profile = RecordProfile.from_input(record_for(b))
        result = assess(home_facts(other), profile, "csv")
        assert result.confidence < THRESHOLD, (b.name, other.name, result.evidence)


def test_a_name_alone_never_reaches_the_threshold() -> None:
    # The record has only a name and a city: nothing on the page can be strong evidence.
    for b in BUSINESSES[:20]:
        profile = RecordProfile.from_input(record_for(b, phone_e164=None, street=None, zip=None))
        for source in ("searxng", "guess"):
            result = assess(home_facts(b), profile, source)
            assert result.confidence < THRESHOLD, (b.name, result.evidence)
            assert not result.strong


def test_same_name_business_in_another_state_is_penalised() -> None:
    for b in BUSINESSES[:12]:
        twin = make_twin(b, seed=1, state="GA")
        twin = replace(twin, name=b.name, style=b.style)  # same name, address on the homepage
        profile = RecordProfile.from_input(record_for(b))
        result = assess(home_facts(twin), profile, "searxng")
        kinds = {e["kind"] for e in result.evidence}
        assert "other_state" in kinds, result.evidence
        assert result.confidence < THRESHOLD


def test_parked_and_directory_pages_are_rejected_outright() -> None:
    b = BUSINESSES[0]
    profile = RecordProfile.from_input(record_for(b))
    parked = read_page(render_parked(b.domain or "x.com")["/"].body_bytes().decode(), "x")
    assert assess(parked, profile, "csv").rejection is not None
    # A directory listing this business with its phone and address is still not its site.
    listing = render_directory("www.finder.com", [b, *BUSINESSES[1:6]])
    result = assess(read_page(listing["/"].body_bytes().decode(), "x"), profile, "searxng")
    assert result.rejection is not None and "directory" in result.rejection
    assert result.confidence == 0.0


def test_a_group_site_scores_below_the_locations_own_site() -> None:
    locations = [
        replace(b, name=f"Pelican {b.name}") for b in BUSINESSES[:4]
    ]  # a distinctive shared word
    group = read_page(
        render_group_site("Pelican Auto Group", locations)["/"].body_bytes().decode(), "x"
    )
    for b in locations:
        profile = RecordProfile.from_input(record_for(b))
        corporate = assess(group, profile, "searxng")
        own = assess(home_facts(b), profile, "searxng")
        assert corporate.rejection is None
        assert any(e["kind"] == "multi_location" for e in corporate.evidence)
        assert own.confidence - corporate.confidence >= 0.25
    # Without a distinctive shared word the same page is a directory.
    stranger = RecordProfile.from_input(record_for(BUSINESSES[10]))
    assert assess(group, stranger, "searxng").rejection is not None


def test_phones_from_another_states_area_code_are_penalised() -> None:
    b = BUSINESSES[0]
    profile = RecordProfile.from_input(record_for(b))

    def page(phone: str) -> PageFacts:
        html = f"<html><head><title>{b.name}</title></head><body>Call {phone}</body></html>"
        return read_page(html, "x")

    local_area = f"({b.phone[2:5]}) 555-0133"
    georgia = assess(page("(404) 555-0133"), profile, "searxng")
    florida = assess(page(local_area), profile, "searxng")
    assert any(e["kind"] == "other_area_code" for e in georgia.evidence)
    assert not any(e["kind"] == "other_area_code" for e in florida.evidence)
    assert georgia.confidence < florida.confidence < THRESHOLD


def test_street_number_with_the_street_name_counts_but_a_bare_number_does_not() -> None:
    b = BUSINESSES[3]
    profile = RecordProfile.from_input(record_for(b, phone_e164=None, zip=None))
    assert profile.street is not None
    number = profile.street.number
    near = f"<html><body><p>Visit us at {b.street}, somewhere</p></body></html>"
    filler = "<p>filler words here</p>" * 20
    words = " ".join(profile.street.words)
    apart = f"<html><body><p>{number} happy customers</p>{filler}<p>{words}</p></body></html>"
    assert any(
        e["kind"] == "street" for e in assess(read_page(near, "x"), profile, "guess").evidence
    )
    assert not any(
        e["kind"] == "street" for e in assess(read_page(apart, "x"), profile, "guess").evidence
    )


page_texts = st.lists(
    st.sampled_from(
        [
            "Gator Auto Sales",
            "(352) 555-0142",
            "1200 SW College Rd",
            "Ocala, FL 34471",
            "Atlanta, GA 30303",
            "(404) 555-0188",
            "This domain may be for sale",
            "Best dealers",
            "Miami, FL 33125",
        ]
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(page_texts, st.sampled_from(["csv", "searxng", "guess"]))
def test_confidence_is_always_a_probability(parts: list[str], source: str) -> None:
    profile = RecordProfile.from_input(
        MatchInput(
            1,
            "k",
            "Gator Auto Sales LLC",
            None,
            "1200 SW College Rd",
            "Ocala",
            "FL",
            "34471",
            "+13525550142",
        )
    )
    html = "<html><head><title>" + (parts[0] if parts else "") + "</title></head><body>"
    html += "".join(f"<p>{p}</p>" for p in parts) + "</body></html>"
    result = assess(read_page(html, "x"), profile, source)
    assert 0.0 <= result.confidence <= 1.0
    if result.rejection is not None:
        assert result.confidence == 0.0
    positive = sum(e.get("weight", 0) for e in result.evidence if e.get("weight", 0) > 0)
    assert result.confidence <= min(1.0, positive) + 1e-9


def test_weights_put_strong_evidence_above_the_default_threshold() -> None:
    w = DEFAULT_WEIGHTS
    assert w.phone + w.prior_search >= THRESHOLD
    assert w.name_full + w.city + w.state + w.prior_csv < THRESHOLD + 1e-9
    assert w.name_full + w.city + w.state + w.prior_search < THRESHOLD
