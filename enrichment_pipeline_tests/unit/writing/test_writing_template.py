from __future__ import annotations

import re
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from enrichment_pipeline.core.writing import (
    DEFAULT_PROFILE,
    EmailFacts,
    Snippet,
    build_facts,
    check_email,
    write_template,
)
from enrichment_pipeline.core.writing.guardrails import count_words, message_part
from enrichment_pipeline_tests.fixtures.writing_samples import HOSTILE, sample_businesses

SAMPLES = sample_businesses(400, seed=11)


def _facts_and_emails() -> list[tuple[EmailFacts, object]]:
    out = []
    for record, contacts in SAMPLES:
        facts = build_facts(record, contacts)
        out.append((facts, write_template(facts, DEFAULT_PROFILE)))
    return out


def test_every_template_email_passes_every_guardrail() -> None:
    failures = []
    for facts, email in _facts_and_emails():
        problems = check_email(email, facts, DEFAULT_PROFILE)
        if problems:
            failures.append((facts.company_name, problems))
    assert failures == []


def test_shape_lengths_and_compliance_over_many_records() -> None:
    for _facts, email in _facts_and_emails():
        subjects = [email.subject_1, email.subject_2, email.subject_3]
        assert all(0 < len(s) <= 60 for s in subjects)
        assert len({s.casefold() for s in subjects}) == 3
        assert email.icebreaker and email.hot_button and email.writer == "template"
        message = message_part(email.email_body, DEFAULT_PROFILE.footer())
        assert message is not None, "footer (postal address + opt-out) must end the body"
        assert 90 <= count_words(message) <= 160
        assert DEFAULT_PROFILE.postal_address in email.email_body
        assert "unsubscribe" in email.email_body
        assert "?" in message  # the call to action asks something


def test_icebreaker_cites_the_strongest_fact() -> None:
    base = EmailFacts("k", "Sunshine Ford of Ocala", "Ocala", "FL", "sunshineford.com")
    award = replace(base, snippets=(Snippet("awards", "2019 Dealer of the Year"),))
    since = replace(base, snippets=(Snippet("since", "Family owned since 1987"),))
    assert "2019 Dealer of the Year" in write_template(award, DEFAULT_PROFILE).icebreaker
    assert "1987" in write_template(since, DEFAULT_PROFILE).icebreaker
    assert "Ford" in write_template(base, DEFAULT_PROFILE).icebreaker  # brand from the name
    bare = EmailFacts("k", "Walker & Associates", None, None, None)
    assert "Walker & Associates" in write_template(bare, DEFAULT_PROFILE).icebreaker


def test_same_facts_same_email_and_different_facts_vary() -> None:
    emails = [email for _facts, email in _facts_and_emails()]
    again = [write_template(build_facts(r, c), DEFAULT_PROFILE) for r, c in SAMPLES]
    assert [e.to_dict() for e in emails] == [e.to_dict() for e in again]
    dealer_bodies = {e.email_body for (f, e) in _facts_and_emails() if f.industry == "car_dealer"}
    icebreaker_shapes = {re.sub(r'"[^"]*"|\b[A-Z]\w*', "X", e.icebreaker) for e in emails}
    assert len(dealer_bodies) > 0.9 * sum(
        1 for f, _ in _facts_and_emails() if f.industry == "car_dealer"
    )
    assert len(icebreaker_shapes) >= 8
    assert len({e.hot_button for e in emails}) >= 10


def test_fact_triggers_pick_the_pain_point() -> None:
    facts = EmailFacts(
        "k", "Gator Auto Sales", "Gainesville", "FL", None, "car_dealer",
        snippets=(Snippet("services", "Buy here pay here financing for all credit types"),),
    )  # fmt: skip
    assert "credit" in write_template(facts, DEFAULT_PROFILE).hot_button.lower() or "financ" in (
        write_template(facts, DEFAULT_PROFILE).hot_button.lower()
    )
    pizza = EmailFacts("k", "Luigi's", "Tampa", "FL", None, "restaurant",
                       snippets=(Snippet("services", "Catering for private parties"),))  # fmt: skip
    assert "Catering" in write_template(pizza, DEFAULT_PROFILE).hot_button


def test_injected_snippet_does_not_change_the_email_even_when_built_by_hand() -> None:
    since = (Snippet("since", "Serving Naples since 1990"),)
    facts = EmailFacts(
        "k",
        "Palm Honda",
        "Naples",
        "FL",
        "palmhonda.com",
        "car_dealer",
        "Dana Smith",
        "Owner",
        since,
    )
    clean = write_template(facts, DEFAULT_PROFILE)
    for text in HOSTILE:
        attacked = replace(facts, snippets=(*facts.snippets, Snippet("about", text)))
        email = write_template(attacked, DEFAULT_PROFILE)
        assert email.to_dict() == clean.to_dict()


def test_custom_pain_points_and_tone_from_the_profile() -> None:
    from enrichment_pipeline.core.writing.pain_points import PainPoint

    point = PainPoint(
        "seo",
        "Your site is hard to find on search.",
        "Few people find the site when they search. Most end up on a competitor's page.",
        "search visibility",
    )
    profile = replace(DEFAULT_PROFILE, tone="professional", pain_points={"car_dealer": (point,)})
    email = write_template(EmailFacts("k", "Coastal Kia", "Tampa", "FL", None, "car_dealer",
                                      "Ana Ruiz", "Owner"), profile)  # fmt: skip
    assert email.hot_button == point.hot_button
    assert email.email_body.startswith("Hello Ana,")
    assert "Best regards," in email.email_body
    assert check_email(email, EmailFacts("k", "Coastal Kia", "Tampa", "FL", None, "car_dealer",
                                         "Ana Ruiz", "Owner"), profile) == []  # fmt: skip


_name_text = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll"), whitelist_characters=" &'-."),
    min_size=1,
    max_size=70,
).filter(lambda s: any(ch.isalpha() for ch in s))


@settings(max_examples=150, deadline=None)
@given(
    name=_name_text,
    city=st.none() | _name_text,
    person=st.none() | st.sampled_from(["Ana Ruiz", "Mary-Kate O'Neil", "Dr. Li Wei"]),
    year=st.integers(1900, 2024),
)
def test_template_properties_hold_for_arbitrary_names(
    name: str, city: str | None, person: str | None, year: int
) -> None:
    facts = build_facts(
        {"company_key": "k", "name": name, "city": city, "state": "FL"},
        {"owner_name": person, "owner_title": "Owner", "facts": [
            {"kind": "since", "text": f"In business since {year}"}]},
    )  # fmt: skip
    email = write_template(facts, DEFAULT_PROFILE)
    assert check_email(email, facts, DEFAULT_PROFILE) == []
