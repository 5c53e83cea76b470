"""generator.ingest.decode.decode_bytes: encodings chosen by evidence, LF line ends, NFC text."""

from __future__ import annotations

import codecs
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.ingest.decode import MAX_BYTES, DecodeError, decode_bytes

ARABIC = "الكاظمي: تفجير بغداد خرق أمني لن نسمح بتكراره\nبغداد - قال رئيس الوزراء العراقي إن حياة الناس أمانة.\n"
ENGLISH = "Kadhimi: Baghdad bombing a security breach\nThe prime minister said on Friday.\n"


def test_plain_utf8():
    assert decode_bytes(ARABIC.encode("utf-8")) == (ARABIC, "utf-8")


def test_ascii_english_is_utf8():
    assert decode_bytes(ENGLISH.encode("ascii")) == (ENGLISH, "utf-8")


def test_utf8_with_bom_drops_the_bom():
    text, encoding = decode_bytes(codecs.BOM_UTF8 + ARABIC.encode("utf-8"))
    assert text == ARABIC
    assert not text.startswith("\ufeff")
    assert encoding == "utf-8 with BOM"


@pytest.mark.parametrize(("bom", "codec"), [
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
])
def test_utf16_with_bom(bom, codec):
    text, encoding = decode_bytes(bom + ARABIC.encode(codec))
    assert text == ARABIC
    assert encoding == "utf-16 with BOM"


@pytest.mark.parametrize(("bom", "codec"), [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
])
def test_utf32_with_bom_is_not_mistaken_for_utf16(bom, codec):
    text, encoding = decode_bytes(bom + ARABIC.encode(codec))
    assert text == ARABIC
    assert encoding == "utf-32 with BOM"


def test_utf16_crlf_line_ends_become_lf():
    data = codecs.BOM_UTF16_LE + ARABIC.replace("\n", "\r\n").encode("utf-16-le")
    assert decode_bytes(data)[0] == ARABIC


def test_truncated_utf16_with_bom_raises_with_the_reason():
    data = codecs.BOM_UTF16_LE + ARABIC.encode("utf-16-le")[:-1]  # odd number of bytes
    with pytest.raises(DecodeError, match="byte-order mark"):
        decode_bytes(data)


def test_windows_1256_arabic():
    text, encoding = decode_bytes(ARABIC.encode("cp1256"))
    assert text == ARABIC
    assert encoding == "windows-1256"


def test_windows_1256_arabic_with_latin_words_and_crlf():
    original = "Reuters - رويترز\r\nقالت وكالة رويترز إن الانفجار وقع في ساحة الطيران وسط بغداد.\r\n"
    text, encoding = decode_bytes(original.encode("cp1256"))
    assert encoding == "windows-1256"
    assert text == original.replace("\r\n", "\n")


@pytest.mark.parametrize("line_end", ["\r\n", "\r"])
def test_crlf_and_cr_line_ends_become_lf(line_end):
    text, _ = decode_bytes(ARABIC.replace("\n", line_end).encode("utf-8"))
    assert text == ARABIC
    assert "\r" not in text


def test_mixed_line_ends_become_lf():
    text, _ = decode_bytes(b"one\r\ntwo\rthree\nfour")
    assert text == "one\ntwo\nthree\nfour"


def test_png_header_is_binary():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
    with pytest.raises(DecodeError, match="binary"):
        decode_bytes(png)


@pytest.mark.parametrize("text", [ENGLISH, ARABIC])
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_refused_not_guessed_and_named(text, encoding):
    with pytest.raises(DecodeError, match="looks like UTF-16 text without a byte-order mark; re-save it as UTF-8"):
        decode_bytes(text.encode(encoding))


def test_latin1_french_is_refused_with_a_message():
    data = "Le président a condamné l'attentat à Bagdad, déjà revendiqué.".encode("latin-1")
    with pytest.raises(DecodeError) as caught:
        decode_bytes(data)
    message = str(caught.value)
    assert "UTF-8" in message
    assert "0xe9" in message  # names the first offending byte
    assert "Windows-1256" in message


@pytest.mark.parametrize("latin1_text", [
    "Die Größe der Straße ist groß.",
    "The mayor of São Paulo, João Peña, spoke in Niño.",
], ids=["german", "portuguese-spanish-names"])
def test_latin1_with_non_arabic_accents_is_refused(latin1_text):
    """Regression: ö/ß/ñ/ã are 0xC1-0xFE bytes and used to be decoded as Windows-1256 Arabic."""
    with pytest.raises(DecodeError):
        decode_bytes(latin1_text.encode("latin-1"))


def test_text_is_nfc_normalised():
    decomposed = unicodedata.normalize("NFD", "café آمن إعلان")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    text, _ = decode_bytes(decomposed.encode("utf-8"))
    assert text == unicodedata.normalize("NFC", decomposed)
    assert unicodedata.is_normalized("NFC", text)


def test_arabic_hamza_above_combining_sequence_is_composed():
    # ALEF + COMBINING HAMZA ABOVE composes to ALEF WITH HAMZA ABOVE under NFC.
    text, _ = decode_bytes("\u0627\u0654من".encode("utf-8"))
    assert text == "أمن"


def test_empty_file_decodes_to_empty_text():
    assert decode_bytes(b"") == ("", "utf-8")


def test_oversized_file_is_refused_before_decoding():
    with pytest.raises(DecodeError, match="larger than"):
        decode_bytes(b"a" * (MAX_BYTES + 1))


_NFC_ALPHABET = ("ae\"{}, \n" "\u0301\u0327\u0308\u0323" "اأإآويىءةبت" "\u0653\u0654\u0655\u064e\u0651\u0670"
                 "\u1100\u1161\u11a8\uac00" "\u00e9\u1e69\u0958\u2126\u212b")


@given(st.text(alphabet=st.sampled_from(_NFC_ALPHABET) | st.characters(codec="utf-8"), max_size=80),
       st.integers(min_value=1, max_value=12))
def test_nfc_piece_by_piece_is_the_whole_texts_nfc(text, piece):
    """Pieces end before an ASCII character, which no normalisation reaches across: the text
    normalised piece by piece (only the pieces not in NFC already) is the text normalised whole,
    also with marks that compose with a letter before them (ا + ٓ is آ, e + ́ is é), marks reordered
    by their combining classes, Hangul jamo and singletons (Ω, Å)."""
    from generator.ingest.decode import nfc

    assert nfc(text, piece) == unicodedata.normalize("NFC", text)
    assert nfc(text) == unicodedata.normalize("NFC", text)


@pytest.mark.parametrize("text", ["قال ا\u0653ل ا\u0654مير ي\u0654\u064eزور",
                                  "cafe\u0301 e\u0323\u0301 \u1100\u1161\u11a8!",
                                  "\u0627\u0651\u064e\u0653x\u0627\u064e\u0651y", "\u2126\u212b" * 5])
def test_nfc_pieces_of_every_size_give_the_whole_texts_nfc(text):
    from generator.ingest.decode import nfc

    whole = unicodedata.normalize("NFC", text)
    assert whole != text
    assert all(nfc(text, piece) == whole for piece in range(1, len(text) + 1))


def test_a_long_text_is_normalised_only_where_it_is_not_in_nfc_already():
    from generator.ingest.decode import NFC_PIECE, nfc

    clean = ("خبر عن الرياض " * 2000 + "\n") * 3
    marked = clean + "ا\u0653 e\u0301" + clean
    assert len(marked) > 4 * NFC_PIECE
    assert nfc(clean) is not None and nfc(marked) == unicodedata.normalize("NFC", marked)
    assert "آ é" in nfc(marked) and nfc(marked).count("\u0653") == 0
