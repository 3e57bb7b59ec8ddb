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
    """Where data lives and how uploads are read and validated."""

    data_dir: str = Field(
        default="data", description="Root of inbox/outbox/archive/... (ENRICH_DATA_DIR)."
    )
    max_upload_mb: int = Field(
        default=50, description="Reject files larger than this (ENRICH_MAX_UPLOAD_MB)."
    )
    max_rows: int = Field(
        default=100_000, description="Reject files with more data rows (ENRICH_MAX_ROWS)."
    )
    column_map: str = Field(
        default="{}",
        description='ENRICH_COLUMN_MAP: JSON of your header -> field, e.g. {"Dealer": "name"}.',
    )
    region: str = Field(default="US", description="Default phone region (ISO country code).")

    def paths(self) -> DataPaths:
        return data_paths(self.data_dir)

    def column_mapping(self) -> dict[str, str]:
        parsed = json.loads(self.column_map or "{}")
        if not isinstance(parsed, dict):
            raise ValueError("column_map must be a JSON object of header -> field")
        return {str(k): str(v) for k, v in parsed.items()}


class WebResource(dg.ConfigurableResource):
    """The polite, safe web client's settings (see core/web)."""

    concurrency: int = Field(default=64, description="Requests in flight across all hosts.")
    per_host: int = Field(default=2, description="Requests in flight per host.")
    host_delay_s: float = Field(
        default=0.5, description="Minimum spacing between requests to one host."
    )
    record_concurrency: int = Field(
        default=512, description="Businesses worked on at once (their requests share the limits)."
    )
    cache_ttl_days: float = Field(
        default=30, description="Pages younger than this are not refetched."
    )
    host_map_file: str | None = Field(
        default=None, description="ENRICH_HOST_MAP: JSON host -> loopback origin (tests, demo)."
    )
    chromium: str | None = Field(default=None, description="ENRICH_CHROMIUM: browser binary.")
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
    """Website discovery: search providers (each optional) and how sure a match must be."""

    searxng_url: str | None = Field(default=None, description="SEARXNG_URL: SearXNG instance.")
    brave_api_key: str | None = Field(default=None, description="BRAVE_API_KEY.")
    google_api_key: str | None = Field(default=None, description="GOOGLE_API_KEY.")
    google_cse_id: str | None = Field(default=None, description="GOOGLE_CSE_ID.")
    brave_min_interval_s: float = Field(
        default=1.0, description="Seconds between Brave calls (free plan: 1 query per second)."
    )
    accept_threshold: float = Field(default=0.6, description="Minimum confidence to accept a site.")
    match_ttl_days: float = Field(default=30, description="Reuse a business's match this long.")
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
    """The email writer: offline templates by default, or any OpenAI-compatible model."""

    provider: str = Field(default="template", description="LLM_PROVIDER: template or openai.")
    base_url: str | None = Field(default=None, description="LLM_BASE_URL.")
    api_key: str | None = Field(default=None, description="LLM_API_KEY / OPENAI_API_KEY.")
    model: str | None = Field(default=None, description="LLM_MODEL (default gpt-4o-mini).")
    concurrency: int = Field(default=16, description="Model calls in flight.")
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
