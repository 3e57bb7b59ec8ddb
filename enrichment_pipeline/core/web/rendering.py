"""When does a page need a browser? The `render="auto"` heuristic.

Looks for pages whose static HTML is a shell filled in by scripts: little visible text with
scripts, a `<noscript>` asking for JavaScript, or an empty single-page-app mount point. Cheap
string checks run first so ordinary pages (text-rich, or without scripts) cost microseconds.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser

_SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
_SCRIPT_TYPE = re.compile(r"""\btype\s*=\s*["']?([\w/+.-]+)""", re.I)
# `type` values that make a <script> executable (no type at all does too).
EXECUTABLE_SCRIPT_TYPES = frozenset(
    {"text/javascript", "application/javascript", "module", "text/ecmascript"}
)
_NOSCRIPT_HINT = re.compile(
    r"<noscript\b[^>]*>(?:(?!</noscript>).){0,600}?"
    r"(?:enable|requires?|turn on|activate|need)\b[^<]{0,60}javascript",
    re.I | re.S,
)
# Empty mount points of the common frameworks, and their root attributes.
_SPA_MARKERS = re.compile(
    r"""<div[^>]+id=["'](?:root|app|__next|__nuxt|svelte|main-app)["'][^>]*>\s*</div>"""
    r"""|<app-root\b|\bng-app\b|\bdata-reactroot\b|\bdata-v-app\b""",
    re.I,
)

# Thresholds in words of visible text.
_SHELL_WORDS = 12  # a page this empty with several scripts is a shell
_HINTED_WORDS = 250  # with a noscript hint or a mount point, still too little text


def visible_words(html: str) -> int:
    """Approximate count of visible words (scripts, styles, templates and noscript removed)."""
    tree = LexborHTMLParser(html)
    body = tree.body
    if body is None:
        return 0
    for node in body.css("script, style, noscript, template, svg"):
        node.decompose()
    return len(body.text(separator=" ", strip=True).split())


def needs_rendering(html: str) -> bool:
    """True when the static HTML looks like a script-built page a browser should render."""
    if not html:
        return False
    scripts = _count_scripts(html)
    if scripts == 0:
        return False
    hinted = bool(_NOSCRIPT_HINT.search(html) or _SPA_MARKERS.search(html))
    if not hinted and scripts < 3:
        return False
    words = visible_words(html)
    if hinted:
        return words < _HINTED_WORDS
    return words < _SHELL_WORDS


def _count_scripts(html: str) -> int:
    """Executable `<script>` tags; JSON-LD, templates and other data blocks do not build pages."""
    count = 0
    for attributes in _SCRIPT_TAG.findall(html):
        declared = _SCRIPT_TYPE.search(attributes)
        if declared is None or declared.group(1).lower() in EXECUTABLE_SCRIPT_TYPES:
            count += 1
    return count
