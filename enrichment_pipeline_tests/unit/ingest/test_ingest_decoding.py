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


def test_a_spanish_word_that_is_also_a_big5_pair_stays_spanish() -> None:
    # Found by hypothesis in CI: "Ni\xf1o" is a valid Big5 character plus "o", read as "Ni隳".
    data = "Name,City,Notes\r\nNiño,Niño,Niño\r\n".encode("cp1252")
    decoded = decode_upload(data, "x.csv")
    assert decoded.encoding == "cp1252" and "Niño,Niño,Niño" in decoded.text


def test_clean_greek_and_japanese_files_keep_their_code_pages() -> None:
    greek = "Name,City\nΑυτοκίνητα Παπαδόπουλος,Αθήνα\nΜοτέρ Νίκος,Θεσσαλονίκη\n"
    japanese = "Name,City\n東京モーターズ株式会社,東京都\n大阪自動車販売,大阪府\n"
    assert decode_upload(greek.encode("cp1253"), "gr.csv").text == greek
    assert decode_upload(japanese.encode("shift_jis"), "jp.csv").text == japanese
