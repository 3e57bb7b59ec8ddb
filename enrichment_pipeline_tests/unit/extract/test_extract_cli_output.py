"""The `extract` CLI JSON shape and reading saved pages in any encoding."""

from __future__ import annotations

import json
from pathlib import Path

from enrichment_pipeline.core.extract import extract_file, extract_page, to_cli_json

PAGE = """<html><head><meta charset="{charset}"><title>Café Niño</title></head><body>
<p>José Núñez, Dueño</p><p>Teléfono: (305) 596-8840</p>
<a href="mailto:hola@cafenino.com">hola@cafenino.com</a>
<a href="https://www.instagram.com/cafenino/">IG</a></body></html>"""
EXPECTED = {
    "emails": ["hola@cafenino.com"],
    "phones": ["+13055968840"],
    "socials": {
        "facebook": [],
        "instagram": ["https://www.instagram.com/cafenino"],
        "linkedin": [],
        "twitter": [],
        "youtube": [],
        "tiktok": [],
    },
    "people": [{"name": "José Núñez", "title": "Dueño"}],
}


def test_cli_json_has_the_design_shape() -> None:
    result = to_cli_json(extract_page(PAGE.format(charset="utf-8"), "https://cafenino.com/"))
    assert result == EXPECTED
    assert json.loads(json.dumps(result)) == result


def test_extract_file_decodes_declared_and_bom_encodings(tmp_path: Path) -> None:
    cases = {
        "latin1.html": PAGE.format(charset="windows-1252").encode("cp1252"),
        "utf8-bom.html": b"\xef\xbb\xbf" + PAGE.format(charset="utf-8").encode("utf-8"),
        "utf16.html": PAGE.format(charset="utf-16").encode("utf-16"),
        "undeclared.html": PAGE.format(charset="").encode("cp1252"),
    }
    for name, raw in cases.items():
        path = tmp_path / name
        path.write_bytes(raw)
        assert extract_file(path, "https://cafenino.com/") == EXPECTED, name
