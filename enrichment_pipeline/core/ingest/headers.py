"""Match the user's column headers to the canonical fields, by alias or by an explicit map."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from enrichment_pipeline.core.ingest.config import CANONICAL_FIELDS
from enrichment_pipeline.core.ingest.errors import UploadError

# Normalised aliases, most specific first: when two headers match the same field the earlier
# alias wins. Order matters most for `name`: in a list with both "Name" and "Company", "Name" is
# usually the contact person, so every business-specific alias ranks above the bare "name".
# Person columns ("First Name", "Contact Name", "Owner") deliberately match nothing.
ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "businessname", "companyname", "dealername", "dealershipname", "dealership", "dealer",
        "company", "business", "sitename", "organizationname", "organisationname",
        "organization", "organisation", "accountname", "storename", "shopname", "merchantname",
        "locationname", "listingname", "legalname", "tradename", "dba", "firmname", "firm",
        "establishment", "store", "merchant", "account", "name",
    ),
    "address": (
        "streetaddress", "streetaddress1", "address1", "addressline1", "addr1", "street1",
        "address", "addr", "street", "streetaddr", "addressstreet", "fulladdress",
        "businessaddress", "physicaladdress", "locationaddress", "mailingaddress",
    ),
    "city": ("city", "town", "citytown", "locality", "municipality"),
    "state": (
        "state", "statecode", "stateabbr", "stateabbreviation", "st", "stateprovince", "province",
    ),
    "zip": (
        "zip", "zipcode", "zip5", "postalcode", "postcode", "zippostalcode", "postal",
    ),
    "phone": (
        "phone", "phonenumber", "telephone", "telephonenumber", "tel", "telno", "phoneno",
        "phonenum", "mainphone", "businessphone", "officephone", "primaryphone", "workphone",
        "companyphone", "contactphone", "phone1",
    ),
    "website": (
        "website", "websiteurl", "url", "web", "siteurl", "webaddress", "websiteaddress",
        "weburl", "webpage", "homepage", "homepageurl", "companywebsite", "companyurl", "site",
        "www", "domain",
    ),
}  # fmt: skip

_ALIAS_RANK: dict[str, tuple[str, int]] = {
    alias: (canonical, rank)
    for canonical, aliases in ALIASES.items()
    for rank, alias in enumerate(aliases)
}
_NOT_ALNUM = re.compile(r"[\W_]+")


def normalize_header(header: str) -> str:
    """Reduce a header to lower-case letters and digits: " Phone #" and "PHONE" both -> "phone"."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", header).casefold())


@dataclass
class ColumnMatch:
    """Which column (by position) feeds each canonical field, and what was ambiguous."""

    columns: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    missing_map_keys: list[str] = field(default_factory=list)


def check_column_map(column_map: Mapping[str, str]) -> dict[str, str]:
    """Validate a user column map and return it keyed by normalised header.

    Raises `UploadError("bad_column_map")` for a target that is not a canonical field, an empty
    header, or two headers sent to the same field.
    """
    checked: dict[str, str] = {}
    targets: dict[str, str] = {}
    for header, target in column_map.items():
        canonical = str(target).strip().lower()
        if canonical not in CANONICAL_FIELDS:
            raise UploadError(
                "bad_column_map",
                f"column_map sends '{header}' to '{target}', which is not a field; use one of "
                + ", ".join(CANONICAL_FIELDS),
            )
        key = normalize_header(str(header))
        if not key:
            raise UploadError("bad_column_map", f"column_map has an empty header for '{target}'")
        if canonical in targets and targets[canonical] != key:
            raise UploadError(
                "bad_column_map",
                f"column_map sends both '{targets[canonical]}' and '{header}' to '{canonical}'; "
                "each field can come from one column only",
            )
        targets[canonical] = key
        checked[key] = canonical
    return checked


def match_columns(headers: Sequence[str], column_map: Mapping[str, str]) -> ColumnMatch:
    """Map canonical fields to column positions: the column map first, then the aliases.

    `column_map` must already be checked (`check_column_map`): normalised header -> field.
    """
    normalized = [normalize_header(h) for h in headers]
    match = ColumnMatch()
    taken: set[int] = set()
    for key, canonical in column_map.items():
        positions = [i for i, n in enumerate(normalized) if n == key]
        if not positions:
            match.missing_map_keys.append(key)
            continue
        match.columns[canonical] = positions[0]
        taken.add(positions[0])

    candidates: dict[str, list[tuple[int, int]]] = {}
    for position, norm in enumerate(normalized):
        if position in taken or norm not in _ALIAS_RANK:
            continue
        canonical, rank = _ALIAS_RANK[norm]
        if canonical in match.columns:
            continue
        candidates.setdefault(canonical, []).append((rank, position))
    for canonical in CANONICAL_FIELDS:
        found = sorted(candidates.get(canonical, []))
        if not found:
            continue
        chosen = found[0][1]
        match.columns[canonical] = chosen
        others = [headers[p] for _, p in found[1:]]
        if others:
            match.warnings.append(
                f"{_quote_list(others)} also look(s) like the {canonical} column; using "
                f"'{headers[chosen]}' (choose another with column_map)"
            )
    return match


def _quote_list(items: Sequence[str]) -> str:
    return ", ".join(f"'{item}'" for item in items)
