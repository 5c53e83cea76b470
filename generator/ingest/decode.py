"""Turn the bytes of a raw file into text, choosing the encoding by evidence.

A BOM is proof; otherwise UTF-8 is accepted only if the whole file decodes strictly, and
Windows-1256 only if the bytes look like Arabic in that code page. Anything else is reported
rather than guessed, because a wrong guess silently corrupts an article.
"""

from __future__ import annotations

import codecs
import unicodedata

MAX_BYTES = 50 * 1024 * 1024


class DecodeError(Exception):
    pass


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) * 0.05


def _utf16_without_bom(data: bytes) -> bool:
    """True when the bytes read as Arabic or Latin text in UTF-16 (the NUL bytes that made them look
    binary are the high bytes of ASCII characters). Random binary data almost never does."""
    sample = data[:4096]
    sample = sample[: len(sample) // 2 * 2]
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = sample.decode(name)
        except UnicodeDecodeError:
            continue
        texty = sum(1 for ch in text if ("\x20" <= ch < "\x7f") or ch in "\t\n\r" or "\u0600" <= ch <= "\u06ff"
                    or "\u2000" <= ch <= "\u206f" or "\u00a0" <= ch <= "\u024f")
        if text and texty >= 0.95 * len(text):
            return True
    return False


def _cp1256_evidence(data: bytes) -> bool:
    """True when the bytes read as Arabic words in Windows-1256.

    Latin-1 accented letters occupy the same byte range, so the byte values alone prove nothing;
    the difference is shape: Arabic words are runs of high bytes between spaces, while accented
    Latin letters sit alone inside words of ASCII letters (Größe, São).
    """
    try:
        text = data.decode("cp1256")
    except UnicodeDecodeError:
        return False
    high = [i for i, ch in enumerate(text) if ord(ch) >= 0x80]
    if not high:
        return False
    arabic = sum(1 for i in high if "\u0621" <= text[i] <= "\u064A")
    touching_latin = sum(
        1 for i in high
        if (i > 0 and text[i - 1].isascii() and text[i - 1].isalpha())
        or (i + 1 < len(text) and text[i + 1].isascii() and text[i + 1].isalpha())
    )
    return arabic >= 0.7 * len(high) and touching_latin <= 0.1 * len(high)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Line ends become LF; text is NFC-normalised."""
    if len(data) > MAX_BYTES:
        raise DecodeError(f"file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    text = encoding = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                text, encoding = data.decode(name), name.replace("-sig", "") + " with BOM"
            except UnicodeDecodeError as error:
                raise DecodeError(f"starts with a {name} byte-order mark but does not decode: {error.reason} at byte {error.start}") from None
            break
    if text is None:
        if _looks_binary(data):
            if _utf16_without_bom(data):
                raise DecodeError("looks like UTF-16 text without a byte-order mark; re-save it as UTF-8 "
                                  "(or as UTF-16 with a byte-order mark)")
            raise DecodeError("looks like a binary file, not text")
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError as error:
            if _cp1256_evidence(data):
                text, encoding = data.decode("cp1256", errors="strict"), "windows-1256"
            else:
                raise DecodeError(f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}) "
                                  "and not recognisably Windows-1256; re-save it as UTF-8") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return nfc(text), encoding


NFC_PIECE = 1 << 14  # characters


def nfc(text: str, piece: int = NFC_PIECE) -> str:
    """`unicodedata.normalize("NFC", text)`, piece by piece, each normalised only when it is not in
    NFC already: a day's dump is one line of megabytes, and one mark in it made the whole of it
    normalised (2.1 s for eight SaudiNewsNet days, 0.9 s so, a third of their pieces holding one).
    A piece ends before an ASCII character, where no normalisation reaches across: it is a starter
    (combining class 0, so no mark is reordered past it), stays as it is in NFC, and is never the
    second of a composed pair."""
    if len(text) <= piece:
        return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
    pieces, start, end_of_text = [], 0, len(text)
    while start < end_of_text:
        end = min(end_of_text, start + piece)
        while end < end_of_text and not text[end].isascii():
            end += 1
        chunk = text[start:end]
        pieces.append(chunk if unicodedata.is_normalized("NFC", chunk) else unicodedata.normalize("NFC", chunk))
        start = end
    return "".join(pieces)
