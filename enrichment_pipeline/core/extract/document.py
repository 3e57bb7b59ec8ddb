"""Parse a page once into what every extractor reads: visible text lines, links, metadata.

One selectolax (Lexbor) parse per page, and almost all the work stays in C:
1. metadata, JSON-LD, social iframes, Cloudflare-protected addresses and `noscript` text are
   read first;
2. everything that is never visible (scripts, styles, templates, `hidden`, `aria-hidden`,
   inline `display:none` / `visibility:hidden`, `noscript`) is removed;
3. inline elements (`<span>`, `<b>`, `<a>`...) are unwrapped and adjacent text merged, the way a
   browser lays them out, so `info@<span>dealer</span>.com` reads as one address while two table
   cells or two paragraphs stay apart;
4. the body's text nodes, one per *line*, come out in a single `text()` call.
Private-use marker characters inserted before step 3 tell which line each contact link and each
nav/header/footer/aside region ended up on. The tree is kept, so the people extractor can ask
lazily for the block structure around a few lines ("are this name and this title in the same
card?") without walking the whole document in Python.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from enrichment_pipeline.core.extract.cloudflare import decode_cfemail

# Inline elements: unwrapped so their text joins the surrounding line.
# Each tag costs a tree walk, so only the ones that commonly split contact text are listed.
INLINE_TAGS = [
    "a", "span", "b", "strong", "em", "i", "font", "small", "u", "label", "sup", "sub",
    "abbr", "time",
]  # fmt: skip
_INLINE_SELECTOR = ", ".join(INLINE_TAGS)
HEADING_SELECTOR = "h1, h2"  # page and section headings (brand names live there)
CHROME_SELECTOR = "nav, header, footer, aside"
# Never visible text. `noscript` is read separately (emails and phones only, never facts).
# (Each tag costs a tree walk: the list holds the ones that carry text or split lines.)
_STRIPPED_TAGS = [
    "script", "style", "template", "svg", "iframe", "object", "canvas", "noscript", "img",
    "select",
]  # fmt: skip
_HIDDEN = (
    "[hidden], [aria-hidden='true' i], [style*='display:none' i], [style*='display: none' i], "
    "[style*='visibility:hidden' i], [style*='visibility: hidden' i]"
)
# Links whose position matters (labels, context, vendor credits); others only need href/text.
_MARKED_LINK = re.compile(
    r"^\s*(?:mailto:|tel:|callto:)|facebook\.|instagram\.|instagr\.am|linkedin\.|twitter\.|"
    r"\bx\.com|youtube\.|tiktok\.|fb\.com",
    re.IGNORECASE,
)

LINK_MARK = "\ue000"
CHROME_START = "\ue001"
CHROME_END = "\ue002"
BREAK_MARK = "\ue003"  # a line break inside one text node
_MARKS = LINK_MARK + CHROME_START + CHROME_END + BREAK_MARK
# Inline elements that site authors mark as separate fields ("staff-name", "staff-title") are
# laid out as blocks by their CSS; their text must not glue to the neighbour's.
# (A plain attribute selector, filtered by tag in Python, is ~4x faster than `:is(...)`.)
_FIELD_CLASSES = ", ".join(
    f"[class*={word} i]" for word in ("name", "title", "role", "position", "job", "designation")
)
_FIELD_TAGS = frozenset(("span", "strong", "b", "em", "i", "small", "a", "label", "font"))
_SEPARATOR = "\x00"  # the parser turns NUL in a page into U+FFFD, so it cannot occur in text
_WHITESPACE = re.compile(r"\s+")  # (NUL is not whitespace, so separators survive)

# Zero-width characters and soft hyphens are an obfuscation trick inside addresses.
_DELETED_CHARS = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad" + _MARKS), None)
_SPA_ROOT_IDS = ("root", "app", "__next", "__nuxt", "svelte", "main-app")


@dataclass(slots=True)
class Link:
    """One `<a href>` in the visible body."""

    href: str
    text: str
    label: str  # aria-label or title attribute
    line: int = -1  # the line holding the link text (-1 when its position was not tracked)
    before: str = ""  # visible text on that line just before the link


@dataclass
class PageDoc:
    """A parsed page, ready for the extractors."""

    url: str
    lines: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    chrome: list[tuple[int, int]] = field(default_factory=list)  # [start, end) line ranges
    headings: list[str] = field(default_factory=list)
    title: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    jsonld: list[Any] = field(default_factory=list)
    microdata_html: str = ""  # outer HTML of the top-level itemscope elements, if any
    hcards: list[tuple[str, str, str]] = field(default_factory=list)  # (name, title, mailto)
    noscript_text: str = ""
    frame_urls: list[str] = field(default_factory=list)  # iframe src and social-plugin hrefs
    script_count: int = 0
    spa_root: bool = False
    _body: LexborNode | None = None
    _joined: str | None = None
    _lower: str | None = None
    _words: frozenset[str] | None = None
    _offsets: list[int] = field(default_factory=list)
    _text_nodes: list[LexborNode] | None = None
    _node_walk: Any = None
    _structure_broken: bool = False
    _line_segment: list[int] = field(default_factory=list)  # line -> text node index
    _segment_first_line: list[int] = field(default_factory=list)  # text node -> first line
    _node_segment: dict[int, int] = field(default_factory=dict)
    _blocks: dict[int, LexborNode] = field(default_factory=dict)
    _ancestors: dict[int, tuple[int, ...]] = field(default_factory=dict)
    _spans: dict[int, tuple[int, int]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """All lines joined by newlines (built once, for regex scans over visible text)."""
        if self._joined is None:
            offsets = []
            position = 0
            for line in self.lines:
                offsets.append(position)
                position += len(line) + 1
            self._offsets = offsets
            self._joined = "\n".join(self.lines)
        return self._joined

    @property
    def lower_text(self) -> str:
        """`text` lower-cased with the same offsets (for fast case-sensitive regex scans)."""
        if self._lower is None:
            lowered = self.text.lower()
            if len(lowered) != len(self.text):  # a few characters change length (İ -> i̇)
                lowered = "".join(ch.lower()[:1] or ch for ch in self.text)
            self._lower = lowered
        return self._lower

    @property
    def words(self) -> frozenset[str]:
        """The distinct whitespace-separated words of `lower_text` (punctuation attached)."""
        if self._words is None:
            self._words = frozenset(self.lower_text.split())
        return self._words

    def line_at(self, offset: int) -> int:
        """Index of the line containing a character offset of `text`."""
        if self._joined is None:
            _ = self.text
        return max(0, bisect_right(self._offsets, offset) - 1)

    def line_start(self, index: int) -> int:
        """Offset in `text` where a line begins."""
        if self._joined is None:
            _ = self.text
        return self._offsets[index]

    @property
    def visible_chars(self) -> int:
        return sum(len(line) for line in self.lines)

    def is_chrome(self, index: int) -> bool:
        """True when the line sits in nav, header, footer or aside."""
        return any(start <= index < end for start, end in self.chrome)

    # -- block structure, computed lazily for the few lines that need it --------------------

    def ancestors(self, index: int) -> tuple[int, ...]:
        """Ids of the elements enclosing a line, outermost first (0 is the body)."""
        known = self._ancestors.get(index)
        if known is not None:
            return known
        segment = self._line_segment[index] if 0 <= index < len(self._line_segment) else -1
        node = self._text_node(segment)
        chain: list[int] = []
        parent = node.parent if node is not None else None
        while parent is not None and parent.tag not in ("body", "html", "-document"):
            block_id = parent.mem_id
            self._blocks.setdefault(block_id, parent)
            chain.append(block_id)
            parent = parent.parent
        chain.append(0)
        result = tuple(reversed(chain))
        self._ancestors[index] = result
        return result

    def span(self, block_id: int) -> tuple[int, int]:
        """[start, end) of the lines inside an element seen in some `ancestors` tuple."""
        if block_id == 0 or block_id not in self._blocks:
            return 0, len(self.lines)
        known = self._spans.get(block_id)
        if known is not None:
            return known
        node = self._blocks[block_id]
        first = -1
        for child in node.traverse(include_text=True, skip_empty=True):
            if child.is_text_node:
                first = self._node_segment.get(child.mem_id, -1)
                break
        if first < 0:
            result = (0, 0)
        else:
            inner = node.text(separator=_SEPARATOR, skip_empty=True)
            after = first + inner.count(_SEPARATOR) + 1  # text nodes inside: [first, after)
            firsts = self._segment_first_line
            start = firsts[first]
            end = firsts[after] if after < len(firsts) else len(self.lines)
            result = (start, end)
        self._spans[block_id] = result
        return result

    def _text_node(self, segment: int) -> LexborNode | None:
        """The body's `segment`-th text node, walking the tree only as far as needed.

        Text nodes come in the same order as the segments of `text()`; each one handed out is
        checked against its segment, and any disagreement turns the structure off (every
        line then sits directly in the body) rather than pairing the wrong lines.
        """
        if segment < 0 or self._structure_broken:
            return None
        nodes = self._text_nodes
        if nodes is None:
            nodes = self._text_nodes = []
            body = self._body
            walk = body.traverse(include_text=True, skip_empty=True) if body is not None else ()
            self._node_walk = (child for child in walk if child.is_text_node)
        while len(nodes) <= segment:
            child = next(self._node_walk, None)
            if child is None:
                self._structure_broken = True
                return None
            self._node_segment[child.mem_id] = len(nodes)
            nodes.append(child)
        node = nodes[segment]
        firsts = self._segment_first_line
        start = firsts[segment]
        end = firsts[segment + 1] if segment + 1 < len(firsts) else len(self.lines)
        expected = "".join("".join(self.lines[start:end]).split())
        actual = "".join(normalise_space(node.text_content or "").split())
        if expected != actual:
            self._structure_broken = True
            return None
        return node


def normalise_space(text: str) -> str:
    """Collapse runs of whitespace (nbsp too) and drop zero-width and marker characters."""
    if not text.isascii():  # the characters to delete are all non-ASCII; skip the common case
        text = text.translate(_DELETED_CHARS)
    return " ".join(text.split())


def parse_page(html: str, url: str) -> PageDoc:
    """Parse HTML once and build the PageDoc every extractor reads."""
    # Our marker characters must not come from the page (on ASCII/Latin-1 text these tests
    # return at once: the characters cannot occur).
    if any(mark in html for mark in _MARKS):
        html = html.translate(dict.fromkeys(map(ord, _MARKS), None))
    tree = LexborHTMLParser(html)
    doc = PageDoc(url=url)
    _prepass(tree, doc)
    body = tree.body
    if body is None:
        return doc
    tree.strip_tags(_STRIPPED_TAGS, recursive=True)
    _remove_outermost(body.css(_HIDDEN))
    doc.headings = [normalise_space(node.text()) for node in body.css(HEADING_SELECTOR)]
    marked = _read_links(body, doc)
    for node in body.css(_FIELD_CLASSES):
        if node.tag in _FIELD_TAGS:
            node.insert_before(BREAK_MARK)
            node.insert_after(BREAK_MARK)
    for node in body.css(CHROME_SELECTOR):
        node.insert_before(CHROME_START)
        node.insert_after(CHROME_END)
    # One selector pass and a C call per element beats unwrap_tags' walk per tag name.
    for node in body.css(_INLINE_SELECTOR):
        node.unwrap()
    body.merge_text_nodes()
    _read_lines(body.text(separator=_SEPARATOR, skip_empty=True), doc, marked)
    doc._body = body
    return doc


# Everything read before the tree is cleaned, in one selector pass. (Gating the optional
# selectors on substring tests of the raw HTML was measured and is slower: each `in` over a
# 100 KB page costs about as much as the whole selector pass.)
_PREPASS = (
    "title, meta[content], script, iframe[src], [data-href], [itemscope], .vcard, .h-card, "
    "[data-cfemail], a[href*='/cdn-cgi/l/email-protection#'], noscript, "
    + ", ".join(f"#{root_id}" for root_id in _SPA_ROOT_IDS)
)


_META_KEYS = ("description", "og:description", "og:site_name", "twitter:description")


def _prepass(tree: LexborHTMLParser, doc: PageDoc) -> None:
    noscript: list[str] = []
    scopes: list[LexborNode] = []
    for node in tree.css(_PREPASS):
        tag = node.tag
        attrs = node.attributes
        if tag == "script":
            kind = (attrs.get("type") or "").strip().lower()
            if kind == "application/ld+json":
                data = load_json_lenient(node.text())
                if data is not None:
                    doc.jsonld.append(data)
            elif "src" in attrs or not kind or "javascript" in kind or kind == "module":
                doc.script_count += 1
            continue
        if tag == "title":
            if not doc.title:
                doc.title = normalise_space(node.text())
            continue
        if tag == "meta":
            key = (attrs.get("name") or attrs.get("property") or "").strip().lower()
            content = normalise_space(attrs.get("content") or "")
            if key in _META_KEYS and content and key not in doc.meta:
                doc.meta[key] = content
            continue
        if tag == "noscript":
            noscript.append(normalise_space(node.text(separator="\n")))
            continue
        if tag == "iframe" and attrs.get("src"):
            doc.frame_urls.append((attrs.get("src") or "").strip())
        if attrs.get("data-href"):
            doc.frame_urls.append((attrs.get("data-href") or "").strip())
        if "itemscope" in attrs:
            scopes.append(node)
        if "data-cfemail" in attrs:
            _replace_cfemail(node, attrs.get("data-cfemail") or "")
            continue
        href = attrs.get("href") or ""
        if tag == "a" and "/cdn-cgi/l/email-protection#" in href:
            address = decode_cfemail(href.rpartition("#")[2])
            if address:
                node.attrs["href"] = "mailto:" + address
        classes = (attrs.get("class") or "").split()
        if "vcard" in classes or "h-card" in classes:
            _read_hcard(node, doc)
        # A framework mount point holding at most a "Loading..." placeholder.
        if attrs.get("id") in _SPA_ROOT_IDS and len(node.text(strip=True)) <= 40:
            doc.spa_root = True
    doc.noscript_text = "\n".join(noscript)
    if scopes:
        # Microdata goes to extruct, but only the itemscope subtrees: parsing the whole page a
        # second time with lxml would double the cost of every page for the few that need it.
        tops = [node.html or "" for node in scopes if not _has_itemscope_ancestor(node)]
        doc.microdata_html = "<html><body>" + "".join(tops) + "</body></html>"


def _remove_outermost(nodes: list[LexborNode]) -> None:
    """Decompose matched elements, skipping any inside one already removed (a destroyed
    node's descendants must not be touched again)."""
    if len(nodes) > 1:
        chosen = {node.mem_id for node in nodes}
        outermost = []
        for node in nodes:
            parent = node.parent
            while parent is not None and parent.mem_id not in chosen:
                parent = parent.parent
            if parent is None:
                outermost.append(node)
        nodes = outermost
    for node in nodes:
        node.decompose()


def _replace_cfemail(node: LexborNode, blob: str) -> None:
    # Cloudflare rewrites addresses into hex blobs that its script decodes in the browser.
    address = decode_cfemail(blob)
    if address:
        node.replace_with(address)
    else:
        node.decompose()


def _read_hcard(card: LexborNode, doc: PageDoc) -> None:
    name = _first_text(card, ".fn, .p-name")
    title = _first_text(card, ".title, .role, .p-job-title, .p-role")
    email_node = card.css_first("a.email[href], .u-email[href]")
    email = (email_node.attributes.get("href") or "") if email_node is not None else ""
    if name:
        doc.hcards.append((name, title, email))


def _read_links(body: LexborNode, doc: PageDoc) -> list[Link]:
    marked: list[Link] = []
    for node in body.css("a[href]"):
        attrs = node.attributes
        href = (attrs.get("href") or "").strip()
        if not href:
            continue
        link = Link(href, normalise_space(node.text()), "")
        doc.links.append(link)
        if _MARKED_LINK.search(href, 0, 48):
            link.label = normalise_space(attrs.get("aria-label") or attrs.get("title") or "")
            node.insert_before(LINK_MARK)
            marked.append(link)
    return marked


def _read_lines(raw_text: str, doc: PageDoc, marked: list[Link]) -> None:
    # Whitespace is collapsed in one regex pass over the whole text, not per line. Markers and
    # zero-width characters are non-ASCII, so ASCII lines (most of them) need nothing more.
    segments = _WHITESPACE.sub(" ", raw_text).split(_SEPARATOR) if raw_text else []
    lines = doc.lines
    line_segment = doc._line_segment
    firsts = doc._segment_first_line
    next_link = 0
    depth = 0
    chrome_start = -1
    for segment_index, segment in enumerate(segments):
        firsts.append(len(lines))
        if segment.isascii():
            lines.append(segment.strip())
            line_segment.append(segment_index)
            continue
        pieces = segment.split(BREAK_MARK) if BREAK_MARK in segment else (segment,)
        for piece in pieces:
            index = len(lines)
            if LINK_MARK in piece and next_link < len(marked):
                parts = piece.split(LINK_MARK)
                for position in range(1, len(parts)):
                    if next_link >= len(marked):
                        break
                    link = marked[next_link]
                    link.line = index
                    link.before = normalise_space("".join(parts[:position]))[-60:]
                    next_link += 1
            if CHROME_START in piece or CHROME_END in piece:
                opened = piece.count(CHROME_START)
                closed = piece.count(CHROME_END)
                if depth == 0 and opened:
                    chrome_start = index
                depth += opened - closed
                if depth <= 0:
                    if chrome_start >= 0:
                        doc.chrome.append((chrome_start, index + 1))
                    depth, chrome_start = 0, -1
            lines.append(normalise_space(piece))
            line_segment.append(segment_index)
    if depth > 0 and chrome_start >= 0:
        doc.chrome.append((chrome_start, len(lines)))


_WRAPPER = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def load_json_lenient(raw: str) -> Any | None:
    """Parse a JSON-LD block, tolerating the usual CMS damage; None when it is not JSON.

    Real pages wrap JSON-LD in HTML comments or CDATA and leave trailing commas; control
    characters inside strings are common too (hence strict=False).
    """
    text = raw.strip()
    if not text:
        return None
    try:
        return json.loads(text, strict=False)
    except ValueError:
        pass
    cleaned = _TRAILING_COMMA.sub(r"\1", _WRAPPER.sub("", text))
    try:
        return json.loads(cleaned, strict=False)
    except ValueError:
        return None


def _first_text(node: LexborNode, selector: str) -> str:
    found = node.css_first(selector)
    return normalise_space(found.text()) if found is not None else ""


def _has_itemscope_ancestor(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None and parent.tag not in ("body", "html", "-document"):
        if "itemscope" in parent.attrs:
            return True
        parent = parent.parent
    return False
