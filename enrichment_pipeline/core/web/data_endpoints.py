"""Reading the data a script-built page loads, before paying for a browser.

Many app-shell pages fetch their content as JSON from their own site (`/api/...`,
`/wp-json/...`, `*.json`) and insert it. When the page's own scripts name such an endpoint,
fetching it is two small requests instead of a Chromium render (0.15-0.3 CPU-seconds, most of
the pipeline's CPU on a list with many script-built sites). The strings of the JSON are spliced
into the static HTML, so the extractor reads them as it would read the rendered page.

Only when what comes back carries contact signals (an email, a phone number, `mailto:`/`tel:`
links) is the browser skipped; otherwise the caller renders as before. Everything here is pure:
the fetching is done by the `Fetcher`, with its guard, robots rules and size caps.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from enrichment_pipeline.core.web.rendering import EXECUTABLE_SCRIPT_TYPES
from enrichment_pipeline.core.web.urls import parse_target, resolve_location

MAX_SCRIPTS = 4  # same-site scripts read for endpoint names
MAX_ENDPOINTS = 3  # JSON endpoints fetched per page
MAX_FRAGMENTS = 400  # strings spliced from one JSON document
_MAX_DEPTH = 12

# A quoted absolute path or URL; `_names_data` decides whether it names data.
_QUOTED_PATH = re.compile(r"""["'`]((?:https?://[^"'`\s<>/]+)?/[^"'`\s<>]*)["'`]""", re.I)
# Endpoints named in these calls are data requests; a bare string may be a link or a config key.
_REQUEST_CALL = re.compile(r"\b(?:fetch|getJSON|get|ajax|axios|open|request)\s*\(", re.I)
_CALL_WINDOW = 120  # characters between the call and the quoted endpoint
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}")
_BODY_END = re.compile(r"</body\s*>", re.I)


def _same_site(url: str, page_url: str) -> bool:
    """Same host, `www.` or not; an unparsable URL (a script's `//[` typo) is never same-site."""
    target, page = parse_target(url), parse_target(page_url)
    if isinstance(target, str) or isinstance(page, str):
        return False
    return target.host.removeprefix("www.") == page.host.removeprefix("www.")


def script_sources(html: str, page_url: str) -> tuple[list[str], list[str]]:
    """(same-site external script URLs, inline script texts) of a page, in document order."""
    tree = LexborHTMLParser(html)
    external: list[str] = []
    inline: list[str] = []
    for node in tree.css("script"):
        kind = (node.attributes.get("type") or "").strip().lower()
        if kind and kind not in EXECUTABLE_SCRIPT_TYPES:
            continue
        src = node.attributes.get("src")
        if src:
            url = resolve_location(page_url, src)
            if _same_site(url, page_url) and url not in external and len(external) < MAX_SCRIPTS:
                external.append(url)
        else:
            text = node.text(deep=True)
            if text.strip():
                inline.append(text)
    return external, inline


def _names_data(url: str) -> bool:
    """`*.json`, `/api/...` or `/wp-json/...` (WordPress's REST API)."""
    path = urlsplit(url).path.lower()
    return path.endswith(".json") or "/api/" in path or path.startswith("/wp-json/")


def endpoint_urls(scripts: list[str], page_url: str) -> list[str]:
    """Same-site data endpoints that the scripts request, first mention first."""
    found: list[str] = []
    for script in scripts:
        for call in _REQUEST_CALL.finditer(script):
            window = script[call.end() : call.end() + _CALL_WINDOW]
            match = _QUOTED_PATH.search(window)
            if match is None:
                continue
            url = resolve_location(page_url, match.group(1))
            if _same_site(url, page_url) and _names_data(url) and url not in found:
                found.append(url)
                if len(found) >= MAX_ENDPOINTS:
                    return found
    return found


def json_fragments(payload: bytes) -> list[str]:
    """The strings of a JSON document (HTML fragments kept as HTML, text escaped), or []."""
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        return []
    fragments: list[str] = []
    for text in _strings(data, 0):
        text = text.strip()
        if len(text) < 3:
            continue
        if "<" in text and ">" in text:
            fragments.append(text)
        else:
            fragments.append(f"<p>{html_lib.escape(text)}</p>")
        if len(fragments) >= MAX_FRAGMENTS:
            break
    return fragments


def _strings(value: object, depth: int) -> Iterator[str]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, depth + 1)


def has_contact_signals(fragments: list[str]) -> bool:
    """An email, a phone number or a mailto:/tel: link: enough to read instead of rendering."""
    text = " ".join(fragments)
    lowered = text.lower()
    return (
        "mailto:" in lowered
        or "tel:" in lowered
        or _EMAIL.search(text) is not None
        or _PHONE.search(text) is not None
    )


def splice(html: str, loaded: list[tuple[str, list[str]]]) -> str:
    """The static HTML with each endpoint's fragments in a section marked with its URL."""
    sections = "".join(
        f'<section data-loaded-from="{html_lib.escape(url, quote=True)}">{"".join(parts)}</section>'
        for url, parts in loaded
    )
    ends = list(_BODY_END.finditer(html))
    if not ends:
        return html + sections
    at = ends[-1].start()
    return html[:at] + sections + html[at:]
