"""Verify one candidate website: fetch its homepage (and contact page when needed) and score it.

Pages go through the `Fetcher`, so its page cache makes the homepage free for the scraping stage
that follows. The contact page is read when the homepage alone is not convincing (below the
threshold, or no phone/street/ZIP on it): it is also the page the scraper reads next, so the
extra fetch is usually not extra at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from enrichment_pipeline.core.discovery.directories import BLOCKED_HOSTS, is_blocked
from enrichment_pipeline.core.discovery.domains import host_of, site_key, www_twin
from enrichment_pipeline.core.discovery.identity import RecordProfile
from enrichment_pipeline.core.discovery.models import MatchConfig
from enrichment_pipeline.core.discovery.page_facts import merge_facts, read_page
from enrichment_pipeline.core.discovery.scoring import Assessment, Weights, assess
from enrichment_pipeline.core.web import Fetcher, FetchResult
from enrichment_pipeline.core.web.result import TRANSIENT_KINDS

# Failures after which the other host form (x.com <-> www.x.com) is worth a try.
_TRY_TWIN = frozenset({"dns", "connection", "timeout", "blocked_address"})


@dataclass
class Candidate:
    """A website to verify, and where it came from."""

    url: str  # homepage URL to fetch
    source: str  # csv, searxng, brave, google, guess
    detail: dict[str, Any] = field(default_factory=dict)  # query, rank, title, given URL...

    @property
    def key(self) -> str:
        return site_key(host_of(self.url))


@dataclass
class Verdict:
    """What verifying a candidate found."""

    candidate: Candidate
    website: str | None = None  # the homepage's final URL after redirects
    assessment: Assessment | None = None
    error_kind: str | None = None  # fetch failure of the homepage
    error: str | None = None
    pages: list[str] = field(default_factory=list)  # URLs read

    @property
    def confidence(self) -> float:
        return self.assessment.confidence if self.assessment is not None else 0.0

    @property
    def rejected_outright(self) -> bool:
        return self.assessment is None or self.assessment.rejection is not None

    @property
    def transient(self) -> bool:
        """The homepage failed in a way that may pass (timeout, 5xx...): no verdict on identity."""
        return self.error_kind in TRANSIENT_KINDS

    def accepted(self, threshold: float) -> bool:
        return not self.rejected_outright and self.confidence >= threshold

    def reason(self, threshold: float) -> str:
        """One line: why this candidate was not accepted (or what was found)."""
        if self.assessment is None:
            return f"did not load ({self.error_kind}: {self.error})"
        if self.assessment.rejection is not None:
            return self.assessment.rejection
        if self.confidence >= threshold:
            return f"confidence {self.confidence:.2f}: {self.assessment.summary}"
        return f"confidence {self.confidence:.2f} below {threshold:g}: {self.assessment.summary}"

    def summary(self, threshold: float) -> dict[str, Any]:
        """A compact evidence entry describing this candidate (for the rejected list)."""
        return {
            "kind": "candidate",
            "url": self.website or self.candidate.url,
            "source": self.candidate.source,
            "confidence": round(self.confidence, 3),
            "outcome": self.reason(threshold),
        }


async def verify(
    candidate: Candidate,
    profile: RecordProfile,
    fetcher: Fetcher,
    config: MatchConfig,
    *,
    weights: Weights | None = None,
    blocked: frozenset[str] = BLOCKED_HOSTS,
) -> Verdict:
    """Fetch and score one candidate; never raises for web problems."""
    weights = weights or Weights()
    verdict = Verdict(candidate)
    page = await fetcher.fetch(candidate.url)
    if not page.ok and page.error_kind in _TRY_TWIN:
        twin = www_twin(candidate.url)
        if twin is not None:
            other = await fetcher.fetch(twin)
            if other.ok:
                page = other
    verdict.pages.append(page.final_url)
    if not page.ok:
        verdict.error_kind, verdict.error = page.error_kind, page.error
        return verdict
    final_host = host_of(page.final_url)
    if is_blocked(final_host, blocked):
        verdict.website = page.final_url
        verdict.assessment = Assessment(
            0.0,
            [{"kind": "redirect", "value": page.final_url}],
            rejection=f"redirects to {final_host}, which is not an own website",
        )
        return verdict
    verdict.website = page.final_url
    facts = read_page(page.text, page.final_url)
    assessment = assess(facts, profile, candidate.source, weights)
    if assessment.rejection is not None:
        verdict.assessment = assessment
        return verdict
    # A homepage that is only a script shell is rendered, but only when it could be this
    # business and offers no contact page to read instead: a browser costs ~0.5 s per page.
    if (
        facts.looks_script_built
        and not facts.contact_links
        and config.render_contact != "never"
        and _plausible(candidate, assessment)
    ):
        rendered = await fetcher.fetch(page.final_url, render="always")
        if rendered.ok:
            facts = read_page(rendered.text, rendered.final_url)
            assessment = assess(facts, profile, candidate.source, weights)
    # The contact page is read when the homepage is not convincing, but only for a site that
    # could be this business: unrelated search hits would otherwise cost a fetch each.
    needs_more = assessment.confidence < config.accept_threshold or not assessment.strong
    if (
        assessment.rejection is None
        and needs_more
        and facts.contact_links
        and _plausible(candidate, assessment)
    ):
        contact = await _read_contact(facts.contact_links[0], fetcher, config)
        if contact is not None:
            verdict.pages.append(contact.final_url)
            merged = merge_facts(facts, read_page(contact.text, contact.final_url))
            assessment = assess(merged, profile, candidate.source, weights)
    verdict.assessment = assessment
    return verdict


def _plausible(candidate: Candidate, assessment: Assessment) -> bool:
    """Worth another page: the file's own website, or the name or a strong identifier seen."""
    return (
        candidate.source == "csv"
        or assessment.strong
        or any(e["kind"] == "name" for e in assessment.evidence)
    )


async def _read_contact(url: str, fetcher: Fetcher, config: MatchConfig) -> FetchResult | None:
    page = await fetcher.fetch(url, render=config.render_contact)
    return page if page.ok else None
