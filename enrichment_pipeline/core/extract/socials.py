"""Social profiles: turn any link into a canonical profile URL, or None.

Canonical forms (https, one host per platform, no query, no trailing slash, handles lower-cased
where the platform treats them case-insensitively):
  facebook  https://www.facebook.com/<page>   (profile.php?id=N kept as such)
  instagram https://www.instagram.com/<user>
  linkedin  https://www.linkedin.com/company/<slug> | /in/<slug> | /school/<slug> | /showcase/<slug>
  twitter   https://x.com/<handle>            (twitter.com and x.com are one platform)
  youtube   https://www.youtube.com/@<handle> | /channel/<id> | /c/<name> | /user/<name>
  tiktok    https://www.tiktok.com/@<user>
Share, intent and sharer links, posts, videos, platform home pages and the accounts of the
website vendors themselves are not profiles and return None. Sub-pages of a profile
(`/reviews`, `/videos`, `/status/123`) are cut back to the profile.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qs, unquote, urlsplit

from enrichment_pipeline.core.extract.wordsets import word_set

_FACEBOOK_RESERVED = word_set(
    """
    sharer sharer.php share share.php dialog plugins tr login login.php home.php groups events
    watch photo photo.php photos permalink.php story.php hashtag policies privacy help legal
    ads marketplace gaming search l.php messages settings notes media video.php reel reels
    stories fundraisers bookmarks friends business signup recover terms about careers
    """
)
_INSTAGRAM_RESERVED = word_set(
    "p reel reels tv explore accounts direct about legal developer web share s stories "
    "privacy terms"
)
_TWITTER_RESERVED = word_set(
    """
    intent share home i search hashtag explore settings login signup privacy tos messages
    notifications compose widgets about download account oauth logout tweet status
    """
)
_YOUTUBE_RESERVED = word_set(
    """
    watch embed shorts playlist results redirect feed attribution_link live hashtag t about
    account premium kids gaming music s yt signin logout upload channel c user howyoutubeworks
    """
)
_TIKTOK_RESERVED = word_set(
    "tag music discover share embed foryou login explore legal search live video"
)
# Accounts of platforms and website vendors: linked from "powered by" footers, never the
# business's own profile.
_VENDOR_HANDLES = word_set(
    """
    facebook instagram twitter x youtube tiktok linkedin meta wix wixcom squarespace wordpress
    wordpressdotcom godaddy weebly shopify dealerdotcom dealer.com dealerinspire dealeron
    dealerfire cdkglobal cdk dealersocket autotrader carscom cargurus dealerrater
    """
)

_FB_HOST = re.compile(r"^(?:[a-z]{2}(?:-[a-z]{2})?|www|m|mobile|touch|mbasic|web)\.facebook\.com$")
_HANDLE = re.compile(r"^[\w.\-]{2,100}$")
_IG_HANDLE = re.compile(r"^[a-z0-9._]{1,30}$")
_TW_HANDLE = re.compile(r"^[a-z0-9_]{1,15}$")
_TT_HANDLE = re.compile(r"^@[a-z0-9._]{2,32}$")  # TikTok allows 24; be lenient
_YT_CHANNEL = re.compile(r"^UC[\w-]{22}$")


def _segments(path: str) -> list[str]:
    return [unquote(part) for part in path.split("/") if part]


def _host(netloc: str) -> str:
    host = netloc.rsplit("@", 1)[-1].split(":", 1)[0].lower()
    return host[:-1] if host.endswith(".") else host


@lru_cache(maxsize=65_536)
def canonical_profile(url: str) -> tuple[str, str] | None:
    """(platform, canonical profile URL) for a social link, None when it is not a profile."""
    url = url.strip()
    if url.startswith("//"):
        url = "https:" + url
    elif "://" not in url[:12]:
        if not re.match(r"^(?:www\.)?[a-z]+\.(?:com|me)/", url, re.IGNORECASE):
            return None
        url = "https://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    host = _host(parts.netloc)
    segments = _segments(parts.path)
    if host in ("facebook.com", "fb.com", "www.fb.com") or _FB_HOST.match(host):
        return _facebook(segments, parts.query)
    if host in ("instagram.com", "www.instagram.com", "m.instagram.com", "instagr.am"):
        return _instagram(segments)
    if host == "linkedin.com" or host.endswith(".linkedin.com"):
        return _linkedin(segments)
    if host in ("twitter.com", "www.twitter.com", "mobile.twitter.com", "x.com", "www.x.com"):
        return _twitter(segments, parts.query)
    if host in ("youtube.com", "www.youtube.com", "m.youtube.com"):
        return _youtube(segments)
    if host in ("tiktok.com", "www.tiktok.com", "m.tiktok.com"):
        return _tiktok(segments)
    return None


def _facebook(segments: list[str], query: str) -> tuple[str, str] | None:
    if not segments:
        return None
    first = segments[0].lower()
    if first == "profile.php":
        ids = parse_qs(query).get("id")
        if ids and ids[0].isdigit():
            return "facebook", f"https://www.facebook.com/profile.php?id={ids[0]}"
        return None
    if first in ("pages", "people") and len(segments) >= 3 and segments[2].isdigit():
        return "facebook", f"https://www.facebook.com/{first}/{segments[1]}/{segments[2]}"
    if first == "pg" and len(segments) >= 2:
        first = segments[1].lower()
    if first in _FACEBOOK_RESERVED or first in _VENDOR_HANDLES or not _HANDLE.match(first):
        return None
    if first.endswith((".php", ".html")):
        return None
    return "facebook", f"https://www.facebook.com/{first}"


def _instagram(segments: list[str]) -> tuple[str, str] | None:
    if not segments:
        return None
    first = segments[0].lower()
    if first == "stories" and len(segments) >= 2:
        first = segments[1].lower()
    elif first in _INSTAGRAM_RESERVED:
        return None
    if first in _VENDOR_HANDLES or not _IG_HANDLE.match(first):
        return None
    return "instagram", f"https://www.instagram.com/{first}"


def _linkedin(segments: list[str]) -> tuple[str, str] | None:
    if len(segments) < 2:
        return None
    kind = segments[0].lower()
    if kind in ("company", "in", "school", "showcase"):
        slug = segments[1].lower()
        if not _HANDLE.match(slug) or slug in _VENDOR_HANDLES:
            return None
        return "linkedin", f"https://www.linkedin.com/{kind}/{slug}"
    if kind == "pub" and len(segments) >= 2:
        return "linkedin", "https://www.linkedin.com/pub/" + "/".join(
            s.lower() for s in segments[1:]
        )
    return None


def _twitter(segments: list[str], query: str) -> tuple[str, str] | None:
    if not segments:
        return None
    first = segments[0].lower().lstrip("@")
    if first == "intent" and len(segments) >= 2 and segments[1].lower() in ("follow", "user"):
        names = parse_qs(query).get("screen_name")
        first = names[0].lower() if names else ""
    elif first in _TWITTER_RESERVED:
        return None
    if not first or first in _VENDOR_HANDLES or not _TW_HANDLE.match(first):
        return None
    return "twitter", f"https://x.com/{first}"


def _youtube(segments: list[str]) -> tuple[str, str] | None:
    if not segments:
        return None
    first = segments[0]
    lowered = first.lower()
    if lowered == "channel" and len(segments) >= 2 and _YT_CHANNEL.match(segments[1]):
        return "youtube", f"https://www.youtube.com/channel/{segments[1]}"
    if lowered in ("c", "user") and len(segments) >= 2 and _HANDLE.match(segments[1]):
        name = segments[1].lower()
        if name in _VENDOR_HANDLES:
            return None
        return "youtube", f"https://www.youtube.com/{lowered}/{name}"
    if first.startswith("@") and _HANDLE.match(first[1:]):
        if lowered[1:] in _VENDOR_HANDLES:
            return None
        return "youtube", f"https://www.youtube.com/{lowered}"
    if lowered in _YOUTUBE_RESERVED or lowered in _VENDOR_HANDLES or not _HANDLE.match(first):
        return None
    if "." in first:
        return None
    # Legacy custom URL (youtube.com/SunshineFord): still a channel.
    return "youtube", f"https://www.youtube.com/{lowered}"


def _tiktok(segments: list[str]) -> tuple[str, str] | None:
    if not segments:
        return None
    first = segments[0].lower()
    if first.lstrip("@") in _TIKTOK_RESERVED or not _TT_HANDLE.match(first):
        return None
    if first[1:] in _VENDOR_HANDLES:
        return None
    return "tiktok", f"https://www.tiktok.com/{first}"


def profile_from_plugin(url: str) -> tuple[str, str] | None:
    """A profile named by a social plugin iframe (`.../plugins/page.php?href=<profile>`)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if "plugins" in parts.path:
        for key in ("href", "url"):
            values = parse_qs(parts.query).get(key)
            if values:
                return canonical_profile(values[0])
        return None
    return canonical_profile(url)
