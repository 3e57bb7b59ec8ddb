"""Parse a page once into what every extractor reads: visible text lines, links, metadata.

One selectolax (Lexbor) parse per page. Hidden and non-text elements are removed in C before a
single Python walk over the body turns the remaining tree into *lines*: the text of each
block-level element, with inline elements (`<span>`, `<b>`, `<a>`...) joined without a
separator, the way a browser lays them out. So `info@<span>dealer</span>.com` reads as one
address, while two table cells or two paragraphs stay apart. Every line remembers its block
ancestors, so the people extractor can ask "are this name and this title in the same card?".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from enrichment_pipeline.core.extract.cloudflare import decode_cfemail
from enrichment_pipeline.core.extract.wordsets import word_set

# Elements laid out inline: their text joins the surrounding line without a break.
INLINE_TAGS = word_set(
    "a abbr acronym b bdi bdo big cite code data dfn em font i kbd label mark nobr q s samp "
    "small span strike strong sub sup time tt u var wbr ins del"
)
HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
# Site chrome: navigation and footers repeat on every page and rarely hold "about" prose.
CHROME_TAGS = frozenset(("nav", "header", "footer", "aside"))

# Never visible text. `noscript` is read separately (emails and phones only, never facts).
_REMOVED = (
    "script, style, template, svg, math, iframe, object, embed, canvas, noscript, "
    "[hidden], [aria-hidden='true' i], [style*='display:none' i], [style*='display: none' i], "
    "[style*='visibility:hidden' i], [style*='visibility: hidden' i]"
)
# Zero-width characters and soft hyphens are an obfuscation trick inside addresses.
_INVISIBLE_CHARS = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)

_SPA_ROOT_IDS = ("root", "app", "__next", "__nuxt", "svelte", "main-app")


@dataclass(slots=True)
class Line:
    """The visible text of one block-level run, whitespace-normalised."""

    text: str
    ancestors: tuple[int, ...]  # ids of the enclosing block elements, outermost first
    heading: bool  # inside h1-h6
    chrome: bool  # inside nav/header/footer/aside


@dataclass(slots=True)
class Link:
    """One `<a href>` in the visible body, with where its text sits among the lines."""

    href: str
    text: str
    line: int  # index of the line that holds (or follows) the link text
    ancestors: tuple[int, ...]
    label: str  # aria-label or title attribute


@dataclass
class PageDoc:
    """A parsed page, ready for the extractors."""

    url: str
    lines: list[Line] = field(default_factory=list)
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)  # block id -> [start, end)
    links: list[Link] = field(default_factory=list)
    title: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    jsonld: list[Any] = field(default_factory=list)
    microdata_html: str = ""  # outer HTML of the top-level itemscope elements, if any
    hcards: list[tuple[str, str, str]] = field(default_factory=list)  # (name, title, email)
    noscript_text: str = ""
    frame_urls: list[str] = field(default_factory=list)  # iframe src and social-plugin hrefs
    script_count: int = 0
    spa_root: bool = False
    _joined: str | None = None
    _offsets: list[int] | None = None

    @property
    def text(self) -> str:
        """All lines joined by newlines (built once, for regex scans over visible text)."""
        if self._joined is None:
            offsets = []
            position = 0
            for line in self.lines:
                offsets.append(position)
                position += len(line.text) + 1
            self._offsets = offsets
            self._joined = "\n".join(line.text for line in self.lines)
        return self._joined

    def line_at(self, offset: int) -> int:
        """Index of the line containing a character offset of `text`."""
        from bisect import bisect_right

        _ = self.text
        assert self._offsets is not None
        return max(0, bisect_right(self._offsets, offset) - 1)

    @property
    def visible_chars(self) -> int:
        return sum(len(line.text) for line in self.lines)


def normalise_space(text: str) -> str:
    """Collapse runs of whitespace (nbsp too) and drop zero-width characters."""
    return " ".join(text.translate(_INVISIBLE_CHARS).split())


def parse_page(html: str, url: str) -> PageDoc:
    """Parse HTML once and build the PageDoc every extractor reads."""
    tree = LexborHTMLParser(html)
    doc = PageDoc(url=url)
    _read_head(tree, doc)
    doc.jsonld = _read_jsonld(tree)
    doc.script_count = len(tree.css("script[src], script:not([type]), script[type*='javascript']"))
    _read_frames(tree, doc)
    _read_structured_markup(tree, doc)
    _decode_cloudflare(tree)
    doc.noscript_text = "\n".join(
        normalise_space(node.text(separator="\n")) for node in tree.css("body noscript")
    )
    doc.spa_root = _has_empty_spa_root(tree)
    for node in tree.css(_REMOVED):
        node.decompose()
    body = tree.body
    if body is not None:
        _Walker(doc).walk(body)
    return doc


def _read_head(tree: LexborHTMLParser, doc: PageDoc) -> None:
    title = tree.css_first("title")
    if title is not None:
        doc.title = normalise_space(title.text())
    for node in tree.css("meta[content]"):
        attrs = node.attributes
        key = (attrs.get("name") or attrs.get("property") or "").strip().lower()
        if key in ("description", "og:description", "og:site_name", "twitter:description"):
            content = normalise_space(attrs.get("content") or "")
            if content and key not in doc.meta:
                doc.meta[key] = content


def _read_jsonld(tree: LexborHTMLParser) -> list[Any]:
    blobs: list[Any] = []
    for node in tree.css("script[type='application/ld+json' i]"):
        data = load_json_lenient(node.text())
        if data is not None:
            blobs.append(data)
    return blobs


_CDATA_WRAPPER = re.compile(
    r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$"
)
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
    cleaned = _TRAILING_COMMA.sub(r"\1", _CDATA_WRAPPER.sub("", text))
    try:
        return json.loads(cleaned, strict=False)
    except ValueError:
        return None


def _read_frames(tree: LexborHTMLParser, doc: PageDoc) -> None:
    # Social "page plugins" name the profile in an iframe src or a data-href attribute.
    for node in tree.css("iframe[src], [data-href]"):
        attrs = node.attributes
        value = attrs.get("src") if node.tag == "iframe" else attrs.get("data-href")
        if value:
            doc.frame_urls.append(value.strip())


def _read_structured_markup(tree: LexborHTMLParser, doc: PageDoc) -> None:
    # Microdata goes to extruct, but only the itemscope subtrees: parsing the whole page a
    # second time with lxml would double the cost of every page for a minority that needs it.
    tops = [
        node.html or "" for node in tree.css("[itemscope]") if not _has_itemscope_ancestor(node)
    ]
    if tops:
        doc.microdata_html = "<html><body>" + "".join(tops) + "</body></html>"
    for card in tree.css(".vcard, .h-card"):
        name = _first_text(card, ".fn, .p-name")
        title = _first_text(card, ".title, .role, .p-job-title, .p-role")
        email_node = card.css_first("a.email[href], .u-email[href]")
        email = (email_node.attributes.get("href") or "") if email_node is not None else ""
        if name:
            doc.hcards.append((name, title, email))


def _first_text(node: LexborNode, selector: str) -> str:
    found = node.css_first(selector)
    return normalise_space(found.text()) if found is not None else ""


def _has_itemscope_ancestor(node: LexborNode) -> bool:
    parent = node.parent
    while parent is not None and parent.tag not in ("body", "html", "-document"):
        if "itemscope" in parent.attributes:
            return True
        parent = parent.parent
    return False


def _decode_cloudflare(tree: LexborHTMLParser) -> None:
    # Cloudflare rewrites addresses into hex blobs that its script decodes in the browser.
    for node in tree.css("[data-cfemail]"):
        address = decode_cfemail(node.attributes.get("data-cfemail") or "")
        if address:
            node.replace_with(address)
        else:
            node.decompose()
    for node in tree.css("a[href*='/cdn-cgi/l/email-protection#']"):
        href = node.attributes.get("href") or ""
        address = decode_cfemail(href.rpartition("#")[2])
        if address:
            node.attrs["href"] = "mailto:" + address


def _has_empty_spa_root(tree: LexborHTMLParser) -> bool:
    for root_id in _SPA_ROOT_IDS:
        node = tree.css_first(f"body #{root_id}")
        if node is not None and not normalise_space(node.text()):
            return True
    return False


class _Walker:
    """Depth-first walk that turns the cleaned body into Lines and Links."""

    __slots__ = ("_buf", "_chrome", "_doc", "_heading", "_next_id", "_stack")

    def __init__(self, doc: PageDoc) -> None:
        self._doc = doc
        self._buf: list[str] = []
        self._stack: list[int] = [0]
        self._next_id = 1
        self._heading = 0
        self._chrome = 0
        doc.spans[0] = (0, 0)

    def walk(self, body: LexborNode) -> None:
        self._visit(body)
        self._flush()
        self._doc.spans[0] = (0, len(self._doc.lines))

    def _flush(self) -> None:
        if not self._buf:
            return
        text = normalise_space("".join(self._buf))
        self._buf.clear()
        if text:
            self._doc.lines.append(
                Line(text, tuple(self._stack), self._heading > 0, self._chrome > 0)
            )

    def _visit(self, node: LexborNode) -> None:
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                self._buf.append(child.text_content or "")
            elif tag in INLINE_TAGS:
                if tag == "a":
                    self._record_link(child)
                self._visit(child)
            elif tag == "br":
                self._flush()
            elif tag in ("-comment", "img", "input", "hr", "link", "meta"):
                continue
            else:
                self._visit_block(child, tag)

    def _visit_block(self, node: LexborNode, tag: str) -> None:
        self._flush()
        block_id = self._next_id
        self._next_id += 1
        start = len(self._doc.lines)
        self._stack.append(block_id)
        heading = tag in HEADING_TAGS
        chrome = tag in CHROME_TAGS
        self._heading += heading
        self._chrome += chrome
        self._visit(node)
        self._flush()
        self._heading -= heading
        self._chrome -= chrome
        self._stack.pop()
        self._doc.spans[block_id] = (start, len(self._doc.lines))

    def _record_link(self, node: LexborNode) -> None:
        attrs = node.attributes
        href = attrs.get("href")
        if not href:
            return
        label = attrs.get("aria-label") or attrs.get("title") or ""
        self._doc.links.append(
            Link(
                href=href.strip(),
                text=normalise_space(node.text()),
                line=len(self._doc.lines),
                ancestors=tuple(self._stack),
                label=normalise_space(label),
            )
        )
