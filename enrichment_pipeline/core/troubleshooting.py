"""Configuration problems found before a run, and the fix for errors met during one.

`preflight()` reads the same environment variables the pipeline does and reports every mistake
it can see without touching the network (a host map that does not parse, an unknown
LLM_PROVIDER, a broken sender profile, half a Google configuration, an unwritable data folder),
so the command line can stop in a second with the fix instead of failing a stage minutes later.
`fix_for()` maps an error message from a failed stage to the action that resolves it. The
README's troubleshooting section documents the same cases.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from enrichment_pipeline.core.ingest import IngestConfig, UploadError
from enrichment_pipeline.core.paths import data_paths

HOST_MAP_FIX = (
    'point ENRICH_HOST_MAP at a JSON file such as {"dealer.example": "http://127.0.0.1:8080"}, '
    "or unset it to use the real web"
)
WRITER_FIX = (
    "LLM_PROVIDER is 'template' (the default: offline, free) or 'openai' (then set LLM_API_KEY, "
    "or LLM_BASE_URL for a local OpenAI-compatible server)"
)
PROFILE_FIX = (
    "correct the file (data/sender_profile.example.toml documents every field), or remove it to "
    "use the placeholder sender"
)
LOCK_FIX = (
    "another process is using the DuckDB warehouse (a `dagster dev`, a notebook, another run): "
    "let it finish or close it, or set ENRICH_DATA_DIR to another folder"
)

# (pattern in the lower-cased message, fix) - first match wins, so specific before general.
_FIXES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), fix)
    for pattern, fix in (
        (r"llm_provider|writerconfigerror|llm_price", WRITER_FIX),
        (r"sender profile|sender_profile|senderprofileerror", PROFILE_FIX),
        (r"enrich_host_map|host map", HOST_MAP_FIX),
        (r"(could not set lock|conflicting lock|lock on file)", LOCK_FIX),
        (r"google_cse_id|google_api_key", "set both GOOGLE_API_KEY and GOOGLE_CSE_ID, or neither"),
        (
            r"brave.*(401|403|unauthori[sz]ed|invalid)|(401|403).*brave",
            "check BRAVE_API_KEY (Brave Search API dashboard), or unset it",
        ),
        (
            r"\b429\b|rate.?limit|too many requests|resource_exhausted",
            "the provider is rate-limiting: wait a few minutes and run again (everything fetched "
            "so far is cached, so nothing is paid twice)",
        ),
        (
            r"chromium|executable doesn't exist|browsertype\.launch",
            "install Chromium (Debian/Ubuntu: sudo apt-get install chromium) or set "
            "ENRICH_CHROMIUM to a Chrome/Chromium binary",
        ),
        (
            r"permission denied|read-only file system",
            "check that you can write to the output folder (--out) and to ENRICH_DATA_DIR",
        ),
        (r"no space left", "free some disk space (the page cache is in <data dir>/cache.sqlite3)"),
    )
)


@dataclass(frozen=True)
class Problem:
    """A configuration mistake: what is wrong and what to do about it."""

    what: str
    fix: str

    def line(self) -> str:
        """One line for a terminal: '<what> (fix: <fix>)'."""
        return f"{self.what} (fix: {self.fix})"


def fix_for(message: str) -> str | None:
    """The fix for an error message from a failed stage, when it is a known situation."""
    text = message.lower()
    for pattern, fix in _FIXES:
        if pattern.search(text):
            return fix
    return None


def preflight(env: Mapping[str, str] | None = None) -> list[Problem]:
    """Every configuration problem visible without a network request, in the order met."""
    env = os.environ if env is None else env
    problems: list[Problem] = []
    problems += _host_map(env)
    problems += _ingest(env)
    problems += _writer(env)
    problems += _search(env)
    problems += _data_dir(env)
    return problems


def _host_map(env: Mapping[str, str]) -> list[Problem]:
    from enrichment_pipeline.core.web import load_host_map  # the web layer is heavy to import

    try:
        load_host_map(env)
    except ValueError as err:
        return [Problem(str(err), HOST_MAP_FIX)]
    return []


def _ingest(env: Mapping[str, str]) -> list[Problem]:
    try:
        IngestConfig.from_env(env)
    except UploadError as err:
        return [Problem(str(err), 'e.g. ENRICH_COLUMN_MAP=\'{"Dealer Title": "name"}\'')]
    except ValueError:
        return [
            Problem(
                "ENRICH_MAX_UPLOAD_MB or ENRICH_MAX_ROWS is not a number",
                "set them to plain numbers (e.g. ENRICH_MAX_UPLOAD_MB=50), or unset them",
            )
        ]
    return []


def _writer(env: Mapping[str, str]) -> list[Problem]:
    from enrichment_pipeline.core.writing import (
        SenderProfileError,
        WriterConfig,
        WriterConfigError,
        load_sender_profile,
    )

    problems = []
    try:
        WriterConfig.from_env(env)
    except WriterConfigError as err:
        problems.append(Problem(str(err), WRITER_FIX))
    profile = data_paths(env.get("ENRICH_DATA_DIR") or None).sender_profile
    try:
        load_sender_profile(profile if profile.exists() else None)
    except SenderProfileError as err:
        first = str(err).splitlines()[0] if str(err) else "invalid"
        problems.append(Problem(f"sender profile {profile}: {first}", PROFILE_FIX))
    return problems


def _search(env: Mapping[str, str]) -> list[Problem]:
    problems = []
    if bool(env.get("GOOGLE_API_KEY")) != bool(env.get("GOOGLE_CSE_ID")):
        have = "GOOGLE_API_KEY" if env.get("GOOGLE_API_KEY") else "GOOGLE_CSE_ID"
        problems.append(
            Problem(
                f"only {have} is set; Google Programmable Search needs both",
                "set both GOOGLE_API_KEY and GOOGLE_CSE_ID, or neither",
            )
        )
    searxng = (env.get("SEARXNG_URL") or "").strip()
    if searxng and not re.match(r"^https?://[^/\s]+", searxng):
        problems.append(
            Problem(
                f"SEARXNG_URL={searxng!r} is not an http(s) address",
                "set it to your instance's address, e.g. SEARXNG_URL=http://localhost:8888",
            )
        )
    return problems


def _data_dir(env: Mapping[str, str]) -> list[Problem]:
    paths = data_paths(env.get("ENRICH_DATA_DIR") or None)
    try:
        paths.ensure()
        probe = paths.outbox / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        return [
            Problem(
                f"cannot write to the data folder {paths.root}: {err.strerror or err}",
                "set ENRICH_DATA_DIR to a folder you can write to",
            )
        ]
    return []
