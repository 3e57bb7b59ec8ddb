"""Sites that are never a business's own website: directories, aggregators, marketplaces, socials.

Two layers. A configurable host list (below, plus `MatchConfig.extra_blocked_hosts`) skips
known aggregators before anything is fetched. A result-title heuristic skips search hits that
announce a list of many businesses ("Top 10 Car Dealers in Ocala"). Pages that turn out to list
many businesses are caught later, on their content (see `scoring`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from enrichment_pipeline.core.discovery.domains import host_matches
from enrichment_pipeline.core.normalize.websites import NOT_OWN_SITE

# Directories, review sites, maps, marketplaces and car-listing portals seen ranking above
# dealers' own sites, plus social networks and link shorteners (profiles, not websites).
BLOCKED_HOSTS: frozenset[str] = NOT_OWN_SITE | frozenset(
    {
        # general directories and review sites
        "yelp.ca", "yellowpages.ca", "superpages.com", "whitepages.com", "manta.com",
        "chamberofcommerce.com", "angi.com", "angieslist.com", "homeadvisor.com", "thumbtack.com",
        "houzz.com", "porch.com", "buildzoom.com", "birdeye.com", "merchantcircle.com",
        "citysearch.com", "local.com", "hotfrog.com", "brownbook.net", "cylex.us.com",
        "ezlocal.com", "showmelocal.com", "n49.com", "dexknows.com", "mapquest.com",
        "opencorporates.com", "bizapedia.com", "dnb.com", "zoominfo.com", "buzzfile.com",
        "corporationwiki.com", "sunbiz.org", "bloomberg.com", "crunchbase.com", "glassdoor.com",
        "indeed.com", "tripadvisor.com", "opentable.com", "zomato.com", "grubhub.com",
        "doordash.com", "ubereats.com", "restaurantji.com", "allmenus.com", "menupix.com",
        "trustpilot.com", "sitejabber.com", "nextdoor.com", "alignable.com",
        "waze.com", "bing.com", "yahoo.com", "duckduckgo.com", "wikipedia.org",
        # car listing and dealer review portals
        "cars.com", "cargurus.com", "autotrader.com", "dealerrater.com", "carfax.com",
        "edmunds.com", "truecar.com", "kbb.com", "carsdirect.com", "autolist.com",
        "iseecars.com", "carvana.com", "carmax.com", "craigslist.org", "ebay.com",
        "offerup.com", "autobytel.com", "motortrend.com", "nadaguides.com", "jdpower.com",
        "carsforsale.com", "autotempest.com", "carsoup.com", "vast.com",
        # social networks and link pages
        "threads.net", "reddit.com", "tumblr.com", "medium.com", "linktr.ee", "about.me",
    }
)  # fmt: skip

# Search-result titles that announce a list of businesses rather than one business.
_LISTING_TITLE = re.compile(
    r"\b(?:top\s+\d+|\d+\s+best|best\s+\d+|the\s+\d+\s+best|best\s+[\w\s&'-]{0,40}?\s+(?:in|near)\b"
    r"|near\s+me\b|directory\b|listings?\s+(?:in|for|near)\b|reviews?\s+(?:of|in|for)\b"
    r"|updated\s+20\d\d\b|companies\s+in\b|dealers\s+in\b|dealerships\s+in\b)",
    re.IGNORECASE,
)


def blocked_hosts(extra: Iterable[str] = ()) -> frozenset[str]:
    """The built-in list plus configured extra hosts (lower-cased, no leading `www.`)."""
    added = {h.strip().lower().removeprefix("www.").rstrip(".") for h in extra if h.strip()}
    return BLOCKED_HOSTS | frozenset(added)


def is_blocked(host: str, blocked: frozenset[str] = BLOCKED_HOSTS) -> bool:
    """True for a host that is never an official website (or a subdomain of one)."""
    return host_matches(host, blocked)


def looks_like_listing_title(title: str) -> bool:
    """True when a search result's title announces a list of many businesses."""
    return bool(title) and _LISTING_TITLE.search(title) is not None
