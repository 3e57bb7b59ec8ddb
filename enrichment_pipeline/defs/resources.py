"""Configurable resources. Each reads its settings from the environment via dg.EnvVar in
`definitions.py`, so the UI shows which variable configures what without revealing secrets."""

import json
import time

import dagster as dg
from pydantic import Field, PrivateAttr

from enrichment_pipeline.core.paths import DataPaths, data_paths


def misconfigured(what: str, err: Exception) -> dg.Failure:
    """A settings mistake fails the step once, with the reason; retrying cannot fix it."""
    return dg.Failure(description=f"{what}: {err}", allow_retries=False)


class PipelineSettings(dg.ConfigurableResource):
    """Where your files live and how uploads are read.

    The data folder holds inbox/ (drop CSV files here), outbox/ (results), archive/ (every upload
    as received), rejected/ (files that could not be read, with the reason) and the pipeline's
    own tables and caches. Files above the size or row limits are refused with a message that
    names the setting to raise.
    """

    data_dir: str = Field(
        default="data",
        description="The data folder: inbox/, outbox/, archive/, rejected/ (ENRICH_DATA_DIR).",
    )
    max_upload_mb: int = Field(
        default=50, description="Refuse files larger than this many MB (ENRICH_MAX_UPLOAD_MB)."
    )
    max_rows: int = Field(
        default=100_000, description="Refuse files with more rows than this (ENRICH_MAX_ROWS)."
    )
    column_map: str = Field(
        default="{}",
        description=(
            "Which of your columns is which, when the usual names are not used "
            '(ENRICH_COLUMN_MAP), e.g. {"Dealer": "name", "Tel.": "phone"}.'
        ),
    )
    region: str = Field(
        default="US", description="Country of phone numbers written without +code (ISO code)."
    )

    def paths(self) -> DataPaths:
        return data_paths(self.data_dir)

    def column_mapping(self) -> dict[str, str]:
        parsed = json.loads(self.column_map or "{}")
        if not isinstance(parsed, dict):
            raise ValueError("column_map must be a JSON object of header -> field")
        return {str(k): str(v) for k, v in parsed.items()}


class WebResource(dg.ConfigurableResource):
    """How websites are visited: politely, safely, and once.

    robots.txt is read first and obeyed; at most `per_host` requests run at once per site,
    `host_delay_s` apart, and the client identifies itself as EnrichmentPipelineBot. Private,
    local and cloud-internal addresses are refused. Pages are cached for `cache_ttl_days`, so a
    rerun or a repeated business costs no requests.
    """

    concurrency: int = Field(default=64, description="Requests at once, across all websites.")
    per_host: int = Field(default=2, description="Requests at once to one website.")
    host_delay_s: float = Field(
        default=0.5, description="Seconds between two requests to the same website."
    )
    record_concurrency: int = Field(
        default=512,
        description="Businesses worked on at once (their requests share the limits above).",
    )
    cache_ttl_days: float = Field(
        default=30, description="Days a fetched page is reused before it is fetched again."
    )
    host_map_file: str | None = Field(
        default=None,
        description="ENRICH_HOST_MAP: a JSON file sending listed hosts to a local server (tests, "
        "the demo); every other host is unreachable. Leave empty for the real web.",
    )
    chromium: str | None = Field(
        default=None,
        description="ENRICH_CHROMIUM: browser for JavaScript-built pages (else /usr/bin/chromium).",
    )
    user_agent: str | None = Field(default=None, description="Override the User-Agent string.")
    _run_started: float = PrivateAttr(default=0.0)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # Transient failures (timeouts, refused connections, 5xx) cached by an earlier run are
        # retried by this one; within the run they are not (see FetchConfig.transient_since).
        self._run_started = time.time()

    def fetch_config(self):  # -> core.web.FetchConfig (imported lazily: playwright is heavy)
        from enrichment_pipeline.core.web import FetchConfig, load_host_map

        try:
            host_map = (
                load_host_map({"ENRICH_HOST_MAP": self.host_map_file})
                if self.host_map_file
                else None
            )
        except ValueError as err:
            raise misconfigured("web settings", err) from err
        overrides: dict[str, object] = {
            "concurrency": self.concurrency,
            "per_host": self.per_host,
            "host_delay_s": self.host_delay_s,
            "cache_ttl_s": self.cache_ttl_days * 86_400,
            "host_map": host_map,
            "chromium_path": self.chromium,
            "transient_since": self._run_started,
        }
        if self.user_agent:
            overrides["user_agent"] = self.user_agent
        try:
            return FetchConfig(**overrides)  # type: ignore[arg-type]
        except ValueError as err:
            raise misconfigured("web settings", err) from err


class SearchResource(dg.ConfigurableResource):
    """Search engines that find websites missing from your file; each one is optional.

    Without any, websites come from your file's website column and from domain names guessed
    from the business name, each verified against the business's phone, address and name.
    `accept_threshold` is how sure the pipeline must be (0-1) before it uses a website; below it
    the business is `not_found` or `ambiguous`, with the best candidate kept for review.
    """

    searxng_url: str | None = Field(
        default=None, description="SEARXNG_URL: your SearXNG instance (free, self-hosted)."
    )
    brave_api_key: str | None = Field(
        default=None, description="BRAVE_API_KEY: Brave Search API key."
    )
    google_api_key: str | None = Field(
        default=None, description="GOOGLE_API_KEY: Google Programmable Search key."
    )
    google_cse_id: str | None = Field(
        default=None, description="GOOGLE_CSE_ID: the search engine id that goes with the key."
    )
    brave_min_interval_s: float = Field(
        default=1.0, description="Seconds between Brave calls (free plan: 1 query per second)."
    )
    accept_threshold: float = Field(
        default=0.6, description="How sure (0-1) the pipeline must be before it uses a website."
    )
    match_ttl_days: float = Field(
        default=30, description="Days a business's verified website is reused by later uploads."
    )
    guess_domains: bool = Field(
        default=True, description="Try domains built from the name when search finds nothing."
    )

    def providers(self):  # -> list[core.discovery.SearchProvider]
        """The configured providers (raises ValueError for a half-configured one)."""
        from enrichment_pipeline.core.discovery import providers_from_settings

        return providers_from_settings(
            self.searxng_url,
            self.brave_api_key,
            self.google_api_key,
            self.google_cse_id,
            brave_min_interval_s=self.brave_min_interval_s,
        )


class WriterResource(dg.ConfigurableResource):
    """Who writes the emails: offline templates (default, free) or an OpenAI-compatible model.

    With `openai`, one model call per business (OpenAI, Azure, Ollama, vLLM, llama.cpp, LM
    Studio...); answers that invent facts fall back to the template. Your identity, offer,
    signature, postal address and opt-out line come from the sender profile.
    """

    provider: str = Field(
        default="template", description="LLM_PROVIDER: 'template' (offline, free) or 'openai'."
    )
    base_url: str | None = Field(
        default=None, description="LLM_BASE_URL: an OpenAI-compatible endpoint (default OpenAI)."
    )
    api_key: str | None = Field(default=None, description="LLM_API_KEY / OPENAI_API_KEY.")
    model: str | None = Field(default=None, description="LLM_MODEL (default gpt-4o-mini).")
    concurrency: int = Field(default=16, description="Model calls at once.")
    sender_profile: str | None = Field(
        default=None, description="Sender profile TOML (default: <data dir>/sender_profile.toml)."
    )

    def writer_config(self):  # -> core.writing.WriterConfig
        import os

        from enrichment_pipeline.core.writing import WriterConfig

        # The LLM_* tuning variables the README documents (LLM_RPM, LLM_TPM, LLM_TIMEOUT_S,
        # LLM_MAX_RETRIES, prices...) apply to pipeline runs too; provider, endpoint, key and
        # model set on this resource win over them, and LLM_CONCURRENCY over its default.
        env: dict[str, str] = {
            k: v for k, v in os.environ.items() if k.startswith("LLM_") or k == "OPENAI_API_KEY"
        }
        env["LLM_PROVIDER"] = self.provider
        concurrency = int(env.get("LLM_CONCURRENCY") or 0) or self.concurrency
        if self.base_url:
            env["LLM_BASE_URL"] = self.base_url
        if self.api_key:
            env["LLM_API_KEY"] = self.api_key
        if self.model:
            env["LLM_MODEL"] = self.model
        try:
            return WriterConfig.from_env(env, concurrency=concurrency)
        except ValueError as err:  # WriterConfigError: names the variable and the fix
            raise misconfigured("writer settings", err) from err
