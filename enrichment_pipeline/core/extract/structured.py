"""Structured data (JSON-LD and microdata) flattened into plain entities.

JSON-LD arrives already parsed (see `document.load_json_lenient`); microdata is read by
extruct from the itemscope subtrees only. Both become dicts shaped like JSON-LD
(`{"@type": ..., "name": ...}`) so one walker serves both.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from extruct.w3cmicrodata import MicrodataExtractor

_MICRODATA = MicrodataExtractor()

# Keys under which schema.org nests the people of an organisation.
PEOPLE_RELATIONS = frozenset(
    (
        "founder",
        "founders",
        "employee",
        "employees",
        "member",
        "members",
        "contactpoint",
        "contactpoints",
        "owner",
        "owners",
        "ceo",
        "president",
        "manager",
        "alumni",
        "director",
    )
)


@dataclass(slots=True)
class Entity:
    """One schema.org node: its short lower-case types, properties, and the key it hung from."""

    types: frozenset[str]
    props: dict[str, Any]
    relation: str  # "" at top level, else the parent's key (founder, employee, contactPoint...)


def _short_types(value: Any) -> frozenset[str]:
    raw = value if isinstance(value, list) else [value]
    names = set()
    for item in raw:
        if isinstance(item, str) and item:
            names.add(item.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1].lower())
    return frozenset(names)


def iter_entities(blobs: list[Any], *, max_nodes: int = 2_000) -> Iterator[Entity]:
    """Every dict node in the JSON-LD blobs (through @graph and nested values), bounded."""
    stack: list[tuple[Any, str]] = [(blob, "") for blob in reversed(blobs)]
    seen = 0
    while stack and seen < max_nodes:
        node, relation = stack.pop()
        if isinstance(node, list):
            stack.extend((item, relation) for item in reversed(node))
            continue
        if not isinstance(node, dict):
            continue
        seen += 1
        yield Entity(_short_types(node.get("@type") or node.get("type")), node, relation)
        for key, value in node.items():
            if isinstance(value, dict | list) and key not in ("@context",):
                stack.append((value, key.lower() if key != "@graph" else relation))


def microdata_entities(html: str) -> list[Any]:
    """Microdata items from the itemscope HTML, converted to JSON-LD-like dicts."""
    if not html:
        return []
    try:
        items = _MICRODATA.extract(html)
    except Exception:
        return []
    return [_as_jsonld(item) for item in items]


def _as_jsonld(item: Any) -> Any:
    if isinstance(item, list):
        return [_as_jsonld(value) for value in item]
    if isinstance(item, dict) and "properties" in item:
        converted: dict[str, Any] = {"@type": item.get("type") or ""}
        for key, value in (item.get("properties") or {}).items():
            converted[key] = _as_jsonld(value)
        return converted
    return item


def text_values(value: Any) -> list[str]:
    """A property value as a list of strings (schema.org allows one or many, or objects)."""
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            out.extend(text_values(item))
        return out
    if isinstance(value, dict):
        for key in ("@id", "url", "name", "@value"):
            if isinstance(value.get(key), str):
                return [value[key].strip()]
    return []


def person_name(props: dict[str, Any]) -> str:
    """A Person's display name from name, or givenName + familyName."""
    names = text_values(props.get("name"))
    if names:
        return names[0]
    given = text_values(props.get("givenName"))
    family = text_values(props.get("familyName"))
    if given and family:
        return f"{given[0]} {family[0]}"
    return ""
