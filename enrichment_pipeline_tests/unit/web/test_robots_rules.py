"""robots.txt status policy (RFC 9309 section 2.3.1) and rule matching through Protego."""

from __future__ import annotations

import pytest

from enrichment_pipeline.core.web.robots import (
    ALLOW_ALL,
    DISALLOW_ALL,
    rules_from_body,
    rules_from_status,
)

TOKEN = "EnrichmentPipelineBot"
ORIGIN = "https://dealer.example:443"


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, ALLOW_ALL),
        (401, ALLOW_ALL),
        (403, ALLOW_ALL),
        (404, ALLOW_ALL),
        (410, ALLOW_ALL),
        (429, DISALLOW_ALL),
        (500, DISALLOW_ALL),
        (503, DISALLOW_ALL),
        (None, DISALLOW_ALL),
    ],
)
def test_status_classes(status: int | None, kind: str) -> None:
    rules = rules_from_status(ORIGIN, status, "why")
    assert rules.kind == kind
    assert rules.allows(f"{ORIGIN}/contact", TOKEN) is (kind == ALLOW_ALL)


def test_network_failure_is_reported_as_the_hosts_failure() -> None:
    rules = rules_from_status(ORIGIN, None, "refused", "connection")
    assert rules.failure == ("connection", "robots.txt unreachable (refused): refused")
    assert rules_from_status(ORIGIN, 503, "x", "http_5xx").failure is None


BODY = """# comments are ignored
User-agent: *
Disallow: /private/
Crawl-delay: 5

User-agent: enrichmentpipelinebot
Disallow: /contact
Allow: /contact/hours$
Disallow: /*.pdf$
Crawl-delay: 1.5

User-agent: Googlebot
Disallow: /
"""


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/", True),
        ("/contact", False),
        ("/contact/team", False),
        ("/contact/hours", True),
        ("/contact/hours/x", False),
        ("/brochure.pdf", False),
        ("/brochure.pdf?x=1", True),
        ("/private/page", True),  # our group replaces the * group entirely
        ("/robots.txt", True),
    ],
)
def test_our_group_is_matched_case_insensitively_longest_rule_wins(
    path: str, allowed: bool
) -> None:
    rules = rules_from_body(ORIGIN, BODY, TOKEN)
    assert rules.allows(f"https://dealer.example{path}", TOKEN) is allowed


def test_crawl_delay_and_request_rate_for_our_token() -> None:
    assert rules_from_body(ORIGIN, BODY, TOKEN).delay_s == 1.5
    star = rules_from_body(ORIGIN, "User-agent: *\nCrawl-delay: 4\n", TOKEN)
    assert star.delay_s == 4.0
    rate = rules_from_body(ORIGIN, "User-agent: *\nRequest-rate: 1/10s\n", TOKEN)
    assert rate.delay_s == 10.0
    assert rules_from_body(ORIGIN, "User-agent: *\nDisallow:\n", TOKEN).delay_s is None


def test_garbage_and_empty_bodies_allow_everything() -> None:
    for body in ("", "<html><body>Not found</body></html>", "\x00\x01binary"):
        assert rules_from_body(ORIGIN, body, TOKEN).allows(f"{ORIGIN}/anything", TOKEN)
