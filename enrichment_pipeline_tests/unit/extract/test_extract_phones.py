"""Phone extraction: E.164, labels, and the digit strings that are not phone numbers."""

from __future__ import annotations

import pytest

from enrichment_pipeline.core.extract import extract_page
from enrichment_pipeline.core.extract.phones import label_from_text, normalise_phone

URL = "https://www.sunshineford.com/"


def phones(body: str, head: str = "", region: str = "US") -> dict[str, str | None]:
    html = f"<html><head>{head}</head><body>{body}</body></html>"
    return {p.e164: p.label for p in extract_page(html, URL, region=region).phones}


def test_tel_links_and_text_in_many_formats() -> None:
    body = (
        '<a href="tel:+1-352-854-2212">Call</a><p>(352) 854-2213</p><p>352.854.2214</p>'
        "<p>1-352-854-2215</p><p>+1 352 854 2216 ext. 12</p><p>727·896·4410</p>"
        '<a href="callto:3528542217">x</a><a href="tel:(352)%20854-2218">y</a>'
    )
    assert set(phones(body)) == {f"+1352854221{d}" for d in range(2, 9)} | {"+17278964410"}


def test_labels_from_nearby_text() -> None:
    body = (
        "<p>Sales: (352) 854-2212 | Service: 352.854.2299 | Fax #: 352-854-2200</p>"
        "<dl><dt>Parts</dt><dd>352-854-2230</dd></dl>"
        '<p><a href="tel:3528542240" aria-label="Call our service department">Tap</a></p>'
        "<p>Call us today at 352-854-2250</p><p>Sales &amp; Service 352-854-2260</p>"
    )
    assert phones(body) == {
        "+13528542212": "sales",
        "+13528542299": "service",
        "+13528542200": "fax",
        "+13528542230": "parts",
        "+13528542240": "service",
        "+13528542250": "main",
        "+13528542260": None,
    }


@pytest.mark.parametrize(
    "decoy",
    [
        "<p>VIN 1FTFW1E50PFA12345 Stock #3525551234</p>",
        "<p>Model Code: 4106689215</p><p>Order no. 1002003004</p>",
        "<p>Ocala, FL 34471-1234 · $23,995 · 31,204 mi · 03/02/2019</p>",
        "<p>Tax ID 59-1234567 · 28.5383, -81.3792 · 4111 1111 1111 1111</p>",
        "<p>Text us: 904-555-0142</p>",  # 555-01xx is reserved for fiction
        '<div style="display:none">352-854-2299</div>',
    ],
)
def test_digits_that_are_not_phones(decoy: str) -> None:
    assert phones(decoy) == {}


def test_plain_ten_digits_need_a_phone_label() -> None:
    assert phones("<p>Phone 3528542212</p>") == {"+13528542212": "main"}
    assert phones("<p>Reference 3528542212</p>") == {}


def test_structured_data_numbers_and_their_labels() -> None:
    head = (
        '<script type="application/ld+json">{"@type":"AutoDealer","telephone":"352-854-2212",'
        '"faxNumber":"352-854-2200","contactPoint":{"@type":"ContactPoint",'
        '"telephone":"+1 352 854 2299","contactType":"service"},'
        '"department":[{"@type":"AutoPartsStore","telephone":"352-854-2230"}]}</script>'
    )
    assert phones("<p>Hi</p>", head) == {
        "+13528542212": None,
        "+13528542200": "fax",
        "+13528542299": "service",
        "+13528542230": "parts",
    }


def test_region_applies_to_national_numbers() -> None:
    assert phones("<p>Tel: 020 7123 4567</p>", region="GB") == {"+442071234567": "main"}
    assert phones("<p>London: +44 20 7123 4567</p>") == {"+442071234567": None}


def test_normalise_phone_and_labels() -> None:
    assert normalise_phone("tel:+1-352-854-2212;ext=4") == "+13528542212"
    assert normalise_phone("tel:12") is None
    assert normalise_phone("tel:+1-352-555-0123") is None
    assert label_from_text("Ventas") == "sales"
    assert label_from_text("Sales and Service") is None
