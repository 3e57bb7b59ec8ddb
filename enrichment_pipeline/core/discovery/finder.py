"""The finder chain: the file's website, then search providers, then guessed domains.

Per record, stage by stage, stopping at the first stage that yields an accepted candidate:
1. the CSV's website column (normalised to its homepage);
2. each configured search provider, first with "name city state", then with the phone
   number; hits on directories, aggregators and social sites are skipped before any fetch;
3. domain names guessed from the name, checked with a cheap DNS lookup before any fetch.
Every candidate of a stage is verified (in parallel) and the best one wins, unless a second
site is nearly as convincing: then the record is `ambiguous`. A record never raises: an
unexpected failure becomes a `WebsiteMatch` with status `error` and the reason.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from enrichment_pipeline.core.discovery.cache import MatchCache
from enrichment_pipeline.core.discovery.directories import (
    blocked_hosts,
    is_blocked,
    looks_like_listing_title,
)
from enrichment_pipeline.core.discovery.domains import homepage, host_of, site_key
from enrichment_pipeline.core.discovery.guessing import guess_domains
from enrichment_pipeline.core.discovery.identity import RecordProfile
from enrichment_pipeline.core.discovery.models import MatchConfig, MatchInput, WebsiteMatch
from enrichment_pipeline.core.discovery.providers import SearchProvider, SearchResponse
from enrichment_pipeline.core.discovery.queries import search_queries
from enrichment_pipeline.core.discovery.scoring import Weights
from enrichment_pipeline.core.discovery.verify import Candidate, Verdict, verify
from enrichment_pipeline.core.web import Fetcher

log = logging.getLogger(__name__)

# Cache rows are written in batches: at least this often, or this many at a time.
_CACHE_FLUSH_S = 1.0
_CACHE_FLUSH_ROWS = 200
_MAX_REJECTED_LISTED = 6  # other candidates summarised in a match's evidence


class _Context:
    """What every record's search shares within one run."""

    def __init__(
        self,
        fetcher: Fetcher,
        config: MatchConfig,
        providers: Sequence[SearchProvider],
        weights: Weights,
    ) -> None:
        self.fetcher = fetcher
        self.config = config
        self.providers = list(providers)
        self.weights = weights
        self.blocked = blocked_hosts(config.extra_blocked_hosts)


class _RecordSearch:
    """The chain for one record; collects every verdict and note for the final answer."""

    def __init__(self, record: MatchInput, ctx: _Context) -> None:
        self.record = record
        self.ctx = ctx
        self.config = ctx.config
        self.profile = RecordProfile.from_input(record)
        self.verdicts: dict[str, Verdict] = {}  # by site key of the candidate
        self.notes: list[str] = []
        self.provider_errors: list[str] = []
        self.provider_answered = False
        self.skipped: list[dict[str, Any]] = []

    async def run(self) -> WebsiteMatch:
        record = self.record
        if record.website:
            url = homepage(record.website)
            if url is None:
                self.notes.append(f"website in the file is not usable: {record.website}")
            else:
                found = await self._stage([Candidate(url, "csv", {"given": record.website})])
                if found is not None:
                    return found
        for query in search_queries(record):
            for provider in self.ctx.providers:
                response = await provider.search(
                    query, self.ctx.fetcher, count=self.config.max_search_results
                )
                if not response.ok:
                    self.provider_errors.append(f"{provider.name}: {response.error}")
                    continue
                self.provider_answered = True
                found = await self._stage(self._from_hits(response))
                if found is not None:
                    return found
        if self.config.use_guessing:
            found = await self._stage(await self._guesses())
            if found is not None:
                return found
        return self._unmatched()

    # -- candidates ----------------------------------------------------------------------------

    def _from_hits(self, response: SearchResponse) -> list[Candidate]:
        candidates: list[Candidate] = []
        seen: set[str] = set()
        for hit in response.hits:
            url = homepage(hit.url)
            host = host_of(url) if url else host_of(hit.url)
            if url is None or is_blocked(host, self.ctx.blocked):
                self.skipped.append({"kind": "skipped", "url": hit.url, "why": "directory/social"})
                continue
            if looks_like_listing_title(hit.title):
                self.skipped.append({"kind": "skipped", "url": hit.url, "why": "listing title"})
                continue
            key = site_key(host)
            if key in self.verdicts or key in seen:
                continue
            seen.add(key)
            detail = {"query": response.query, "rank": hit.rank, "title": hit.title[:200]}
            candidates.append(Candidate(url, response.provider, detail))
            if len(candidates) >= self.config.max_search_candidates:
                break
        return candidates

    async def _guesses(self) -> list[Candidate]:
        record = self.record
        domains = [
            d
            for d in guess_domains(
                record.name_normalized or record.name,
                record.city,
                record.state,
                tlds=self.config.guess_tlds,
                limit=self.config.max_guesses,
            )
            if site_key(d) not in self.verdicts and not is_blocked(d, self.ctx.blocked)
        ]
        if not domains:
            return []
        fetcher = self.ctx.fetcher
        # The cheap check first: most guessed names do not exist, and a DNS answer costs
        # nothing compared with a fetch (which would also ask for robots.txt).
        answers = await asyncio.gather(
            *(fetcher.resolves(d) for d in domains),
            *(fetcher.resolves(f"www.{d}") for d in domains),
        )
        bare, www = answers[: len(domains)], answers[len(domains) :]
        live = []
        for domain, bare_ok, www_ok in zip(domains, bare, www, strict=True):
            if bare_ok or www_ok:
                host = domain if bare_ok else f"www.{domain}"
                live.append(Candidate(f"https://{host}/", "guess", {"domain": domain}))
        self.notes.append(f"guessing: {len(live)} of {len(domains)} guessed domains resolve")
        return live[: self.config.max_guess_fetches]

    # -- verification and decisions --------------------------------------------------------------

    async def _stage(self, candidates: list[Candidate]) -> WebsiteMatch | None:
        """Verify a stage's candidates together; a match when one is accepted."""
        fresh = [c for c in candidates if c.key not in self.verdicts]
        if not fresh:
            return None
        batch = await asyncio.gather(
            *(
                verify(
                    c, self.profile, self.ctx.fetcher, self.config,
                    weights=self.ctx.weights, blocked=self.ctx.blocked,
                )
                for c in fresh
            )
        )  # fmt: skip
        for verdict in batch:
            self.verdicts.setdefault(verdict.candidate.key, verdict)
        threshold = self.config.accept_threshold
        accepted = sorted(
            (v for v in batch if v.accepted(threshold)), key=lambda v: v.confidence, reverse=True
        )
        if not accepted:
            return None
        best = accepted[0]
        rival = next(
            (v for v in accepted[1:] if _final_key(v) != _final_key(best)),
            None,
        )
        if rival is not None and best.confidence - rival.confidence < self.config.ambiguity_margin:
            return self._ambiguous_pair(best, rival)
        return self._matched(best)

    def _matched(self, best: Verdict) -> WebsiteMatch:
        assert best.assessment is not None
        evidence = list(best.assessment.evidence)
        found_by = {"kind": "found_by", "source": best.candidate.source, **best.candidate.detail}
        evidence.append(found_by)
        evidence += self._others(exclude=best)
        return WebsiteMatch(
            record_id=self.record.record_id,
            company_key=self.record.company_key,
            status="matched",
            website=best.website,
            confidence=best.confidence,
            source=best.candidate.source,
            evidence=evidence,
            candidates_tried=len(self.verdicts),
        )

    def _ambiguous_pair(self, best: Verdict, rival: Verdict) -> WebsiteMatch:
        assert best.assessment is not None
        reason = (
            f"two sites verified with similar confidence: {best.website} "
            f"({best.confidence:.2f}) and {rival.website} ({rival.confidence:.2f})"
        )
        return WebsiteMatch(
            record_id=self.record.record_id,
            company_key=self.record.company_key,
            status="ambiguous",
            confidence=best.confidence,
            source=best.candidate.source,
            evidence=list(best.assessment.evidence) + self._others(exclude=best),
            candidates_tried=len(self.verdicts),
            error=reason,
            review_candidate=best.website,
            review_reason=reason,
        )

    def _unmatched(self) -> WebsiteMatch:
        threshold = self.config.accept_threshold
        verdicts = list(self.verdicts.values())
        judged = [v for v in verdicts if v.assessment is not None and not v.rejected_outright]
        best = max(judged, key=lambda v: v.confidence, default=None)
        # The candidate a reviewer should look at: the most convincing one, else the file's
        # own website (dead, parked or someone else's), else whatever was tried first.
        review = best or next(
            (v for v in verdicts if v.candidate.source == "csv"), verdicts[0] if verdicts else None
        )
        transient = [v for v in verdicts if v.transient]
        search_failed = bool(self.ctx.providers) and not self.provider_answered
        summary = self._summary()
        base = {
            "record_id": self.record.record_id,
            "company_key": self.record.company_key,
            "candidates_tried": len(verdicts),
            "review_candidate": (review.website or review.candidate.url) if review else None,
            "review_reason": review.reason(threshold) if review else None,
        }
        evidence = list(review.assessment.evidence) if review and review.assessment else []
        evidence += self._others(exclude=review)
        if best is not None and best.confidence >= self.config.review_threshold:
            return WebsiteMatch(
                status="ambiguous",
                confidence=best.confidence,
                source=best.candidate.source,
                evidence=evidence,
                error=f"no candidate reached {threshold:g}; {summary}",
                **base,
            )
        if transient or (search_failed and self.provider_errors):
            problems = [f"{v.candidate.url}: {v.error_kind}" for v in transient]
            problems += self.provider_errors[:3]
            return WebsiteMatch(
                status="error",
                confidence=best.confidence if best else 0.0,
                evidence=evidence,
                error="could not complete the search: " + "; ".join(problems),
                **base,
            )
        return WebsiteMatch(
            status="not_found",
            confidence=best.confidence if best else 0.0,
            evidence=evidence,
            error=f"no website found; {summary}",
            **base,
        )

    def _others(self, exclude: Verdict | None) -> list[dict[str, Any]]:
        threshold = self.config.accept_threshold
        others = [v for v in self.verdicts.values() if v is not exclude]
        # The file's own website first: when it was rejected the reviewer wants to know why.
        others.sort(key=lambda v: (v.candidate.source != "csv", -v.confidence))
        return [v.summary(threshold) for v in others[:_MAX_REJECTED_LISTED]]

    def _summary(self) -> str:
        threshold = self.config.accept_threshold
        by_source: dict[str, list[Verdict]] = defaultdict(list)
        for verdict in self.verdicts.values():
            by_source[verdict.candidate.source].append(verdict)
        parts = []
        csv = by_source.pop("csv", [])
        if csv:
            parts.append(f"website in the file {csv[0].reason(threshold)}")
        for source, verdicts in by_source.items():
            best = max(verdicts, key=lambda v: v.confidence)
            parts.append(
                f"{source}: {len(verdicts)} candidate(s), best {best.website or best.candidate.url}"
                f" {best.reason(threshold)}"
            )
        if self.ctx.providers and not any(
            v.candidate.source not in ("csv", "guess") for v in self.verdicts.values()
        ):
            parts.append("search: no usable result" if self.provider_answered else "search failed")
        parts += self.notes
        parts += self.provider_errors[:3]
        return "; ".join(parts) if parts else "nothing to try (no website, search or guess)"


def _final_key(verdict: Verdict) -> str:
    return site_key(host_of(verdict.website or verdict.candidate.url))


class _CacheWriter:
    """Batches finished answers into the match cache (so a killed run keeps most of them)."""

    def __init__(self, cache: MatchCache | None, config: MatchConfig) -> None:
        self.cache = cache
        self.config = config
        self.pending: list[tuple[MatchInput, WebsiteMatch]] = []
        self.last = time.monotonic()
        self.written = 0

    def add(self, record: MatchInput, match: WebsiteMatch) -> None:
        if self.cache is None:
            return
        self.pending.append((record, match))
        if len(self.pending) >= _CACHE_FLUSH_ROWS or time.monotonic() - self.last > _CACHE_FLUSH_S:
            self.flush()

    def flush(self) -> None:
        if self.cache is None or not self.pending:
            return
        batch, self.pending = self.pending, []
        self.last = time.monotonic()
        try:
            # Synchronous on purpose: sqlite3 connections belong to their thread, and a batch
            # insert in WAL mode takes a few milliseconds.
            self.written += self.cache.store(batch, self.config)
        except Exception:  # a cache that cannot be written must not fail the stage
            log.exception("could not write %d website matches to the cache", len(batch))


async def find_websites(
    records: Sequence[MatchInput],
    *,
    fetcher: Fetcher,
    config: MatchConfig | None = None,
    providers: Sequence[SearchProvider] = (),
    cache: MatchCache | None = None,
    progress: Callable[[int], None] | None = None,
    weights: Weights | None = None,
) -> list[WebsiteMatch]:
    """Find and verify the website of every record; one `WebsiteMatch` per record, in order.

    Records sharing a `company_key` are searched once. Fresh answers in `cache` are reused
    (`cached=True`) without any network access; new final answers are written back. `progress`
    is called with the number of records finished so far.
    """
    config = config or MatchConfig()
    ctx = _Context(fetcher, config, providers, weights or Weights())
    by_key: dict[str, list[MatchInput]] = defaultdict(list)
    for record in records:
        by_key[record.company_key].append(record)
    answers: dict[str, WebsiteMatch] = {}
    if cache is not None:
        try:
            hits = cache.lookup([group[0] for group in by_key.values()], config)
        except Exception:  # an unreadable cache is a cold cache
            log.exception("could not read the website match cache")
            hits = {}
        for key, match in hits.items():
            answers[key] = replace(match, cached=True)
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done)

    if answers:
        advance(sum(len(by_key[key]) for key in answers))
    writer = _CacheWriter(cache, config)
    gate = asyncio.Semaphore(max(1, config.record_concurrency))

    async def run(record: MatchInput) -> None:
        async with gate:
            try:
                match = await _RecordSearch(record, ctx).run()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # one bad record must never fail the stage
                log.exception("website discovery failed for record %s", record.record_id)
                match = WebsiteMatch(
                    record.record_id,
                    record.company_key,
                    "error",
                    error=f"internal error: {type(exc).__name__}: {exc}",
                )
        answers[record.company_key] = match
        writer.add(record, match)
        advance(len(by_key[record.company_key]))

    try:
        await asyncio.gather(
            *(run(group[0]) for key, group in by_key.items() if key not in answers)
        )
    finally:
        writer.flush()
    return [
        answers[r.company_key]
        if answers[r.company_key].record_id == r.record_id
        else replace(answers[r.company_key], record_id=r.record_id)
        for r in records
    ]
