"""Stable, URL-safe article ids derived from content.

The id never depends on run order, file names or the file system, so an article keeps its URL
when the seed folder is reorganised, and the same article filed twice gets the same id.
"""

from __future__ import annotations

import hashlib
import unicodedata

ID_LENGTH = 12


def raw_text_digest(text: str) -> str:
    """SHA-256 of the text with encoding, line-end and spacing differences removed."""
    # str.split() breaks at the characters \s matches (both ask str.isspace), in a third of the time.
    canonical = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def article_id_from_digest(digest: str) -> str:
    return digest[:ID_LENGTH]


def article_id_from_key(key: str) -> str:
    """Id for a record that names itself (a dump's id or url field)."""
    return hashlib.sha256(("key:" + key.strip()).encode("utf-8")).hexdigest()[:ID_LENGTH]
