"""Social profiles: canonical URLs, and the links that are not profiles."""

from __future__ import annotations

import pytest

from enrichment_pipeline.core.extract import extract_page
from enrichment_pipeline.core.extract.socials import canonical_profile, profile_from_plugin


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://www.facebook.com/SunshineFord/",
            ("facebook", "https://www.facebook.com/sunshineford"),
        ),
        (
            "http://m.facebook.com/SunshineFord?ref=footer&fbclid=x",
            ("facebook", "https://www.facebook.com/sunshineford"),
        ),
        (
            "https://www.facebook.com/SunshineFord/reviews/?ref=page_internal",
            ("facebook", "https://www.facebook.com/sunshineford"),
        ),
        (
            "https://www.facebook.com/pg/SunshineFord/about/",
            ("facebook", "https://www.facebook.com/sunshineford"),
        ),
        (
            "https://facebook.com/profile.php?id=100063512345678&ref=x",
            ("facebook", "https://www.facebook.com/profile.php?id=100063512345678"),
        ),
        (
            "https://instagram.com/sunshine.ford/?hl=en",
            ("instagram", "https://www.instagram.com/sunshine.ford"),
        ),
        (
            "https://uk.linkedin.com/company/sunshine-ford/jobs/",
            ("linkedin", "https://www.linkedin.com/company/sunshine-ford"),
        ),
        (
            "https://www.linkedin.com/in/jane-doe-1a2b3c/",
            ("linkedin", "https://www.linkedin.com/in/jane-doe-1a2b3c"),
        ),
        ("https://twitter.com/SunshineFord?lang=en", ("twitter", "https://x.com/sunshineford")),
        (
            "https://mobile.twitter.com/SunshineFord/status/1712345678901234567",
            ("twitter", "https://x.com/sunshineford"),
        ),
        (
            "https://twitter.com/intent/follow?screen_name=SunshineFord",
            ("twitter", "https://x.com/sunshineford"),
        ),
        (
            "https://www.youtube.com/@SunshineFord/videos",
            ("youtube", "https://www.youtube.com/@sunshineford"),
        ),
        (
            "https://www.youtube.com/channel/UC4r7Hk2Lm9Np3Qs8Tv1Wx6Y/featured",
            ("youtube", "https://www.youtube.com/channel/UC4r7Hk2Lm9Np3Qs8Tv1Wx6Y"),
        ),
        (
            "https://www.youtube.com/user/SunshineFordTV",
            ("youtube", "https://www.youtube.com/user/sunshinefordtv"),
        ),
        (
            "https://www.tiktok.com/@sunshineford/video/7312345678901234567?lang=en",
            ("tiktok", "https://www.tiktok.com/@sunshineford"),
        ),
        (
            "//www.instagram.com/sunshineford",
            ("instagram", "https://www.instagram.com/sunshineford"),
        ),
    ],
)
def test_profiles_are_canonicalised(url: str, expected: tuple[str, str]) -> None:
    assert canonical_profile(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fx.com",
        "https://www.facebook.com/sharer.php?u=x",
        "https://www.facebook.com/",
        "https://www.facebook.com/dialog/share?app_id=1",
        "https://www.facebook.com/wix",
        "https://twitter.com/intent/tweet?url=x",
        "https://twitter.com/share?url=x&via=SunshineFord",
        "https://x.com/intent/post?url=x",
        "https://twitter.com/home",
        "https://www.linkedin.com/shareArticle?mini=true&url=x",
        "https://www.linkedin.com/sharing/share-offsite/?url=x",
        "https://www.instagram.com/p/C1a2B3c4D5e/",
        "https://www.instagram.com/explore/tags/cars/",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ",
        "https://www.youtube.com/embed/dQw4w9WgXcQ",
        "https://www.pinterest.com/pin/create/button/?url=x",
        "mailto:info@facebook.com",
        "https://www.sunshineford.com/facebook",
    ],
)
def test_non_profiles_are_rejected(url: str) -> None:
    assert canonical_profile(url) is None


def test_plugin_iframe_names_the_profile() -> None:
    src = "https://www.facebook.com/plugins/page.php?href=https%3A%2F%2Fwww.facebook.com%2FSunshineFord&tabs=timeline"
    assert profile_from_plugin(src) == ("facebook", "https://www.facebook.com/sunshineford")


def test_page_socials_skip_vendor_credits_and_keep_structured_data() -> None:
    html = """<html><head><script type="application/ld+json">{"@type":"AutoDealer",
    "sameAs":["https://www.instagram.com/sunshineford/"]}</script></head><body>
    <footer><a href="https://www.facebook.com/SunshineFord">Facebook</a>
    <p>Website by <a href="https://www.facebook.com/SomeAgency">Some Agency</a></p></footer>
    <div class="fb-page" data-href="https://www.facebook.com/SunshineFordParts"></div></body></html>"""
    socials = extract_page(html, "https://www.sunshineford.com/").socials
    assert socials["facebook"] == [
        "https://www.facebook.com/sunshineford",
        "https://www.facebook.com/sunshinefordparts",
    ]
    assert socials["instagram"] == ["https://www.instagram.com/sunshineford"]
    assert set(socials) == {"facebook", "instagram", "linkedin", "twitter", "youtube", "tiktok"}
