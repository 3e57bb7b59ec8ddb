"""Choosing the text encoding of an upload that is not UTF-8."""

from __future__ import annotations

from enrichment_pipeline.core.ingest.decoding import decode_upload


def test_short_western_text_is_not_read_as_a_latin_cousin_code_page() -> None:
    # Found by hypothesis in CI: charset-normalizer picked cp775 ("Cafķ", "čand·").
    data = "Name,City,Notes\r\nCafé,Ñandú,Ñandú\r\n".encode("cp1252")
    decoded = decode_upload(data, "x.csv")
    assert decoded.encoding == "cp1252" and "Café,Ñandú" in decoded.text


def test_a_clean_cyrillic_file_keeps_its_code_page() -> None:
    text = "Name,City\nАвтосалон Привет,Москва\nКиевские Моторы,Киев\n"
    decoded = decode_upload(text.encode("cp1251"), "ru.csv")
    assert decoded.text == text
