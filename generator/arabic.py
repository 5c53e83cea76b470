"""Arabic-aware text normalisation and tokenisation for comparing text.

Two spellings of one word must compare equal: hamza forms, ة/ه, ى/ي, tashkeel, tatweel, Persian
letters and Arabic-Indic digits all vary between outlets (and within one). Normalised text is for
comparison only; pages always show the original spelling.
"""

from __future__ import annotations

import re
import unicodedata

from pyarabic import araby

_ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u0671-\u06D3\u06FA-\u06FF]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")

_FOLD = str.maketrans(
    {
        **{ch: None for ch in (*araby.TASHKEEL, araby.TATWEEL)},
        "\u0670": None,  # superscript (dagger) alef is a diacritic, not a letter
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
        "ؤ": "و", "ئ": "ي",
        "ى": "ي", "ة": "ه",
        "ک": "ك", "ی": "ي", "ي": "ي", "ۀ": "ه", "ہ": "ه", "ھ": "ه",
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Persian digits
    }
)

ARABIC_INDIC_DIGITS = str.maketrans({**{chr(0x0660 + d): str(d) for d in range(10)},
                                     **{chr(0x06F0 + d): str(d) for d in range(10)}})

_TOKEN = re.compile(r"[\w\u0600-\u06FF]+", re.UNICODE)

# Proclitics are stripped only when what remains is still a plausible word (>= 3 letters), so that
# words which merely begin with these letters (وزير، بلد، والد) are not cut down to nonsense roots
# too often; the comparison stays symmetric because both sides go through the same function.
_ARTICLE_PREFIXES = ("وبال", "وكال", "فبال", "فال", "وال", "بال", "كال", "لل", "ال")
_SINGLE_PREFIXES = ("و", "ف", "ب", "ل", "ك")


def fold(text: str) -> str:
    """Normalise spelling variants so that variant spellings compare equal."""
    return unicodedata.normalize("NFKC", text).translate(_FOLD).lower()


def strip_clitics(token: str) -> str:
    """Remove conjunction/preposition prefixes and the article from a folded Arabic token."""
    for prefix in _ARTICLE_PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= 3:
            return token[len(prefix):]
    for prefix in _SINGLE_PREFIXES:
        if token.startswith(prefix) and len(token) - 1 >= 4:
            return token[1:]
    return token


def tokens(text: str) -> list[str]:
    """Folded word tokens of `text`, in order."""
    return _TOKEN.findall(fold(text))


def arabic_share(text: str) -> float:
    """Share of Arabic letters among all Arabic and Latin letters (0.0 when there are none)."""
    arabic = len(_ARABIC_LETTER.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    total = arabic + latin
    return arabic / total if total else 0.0


def detect_language(text: str) -> str:
    """'ar' when Arabic script dominates the letters, else 'en'.

    Latin names and acronyms inside Arabic text are common, so Arabic only needs a clear plurality.
    """
    return "ar" if arabic_share(text) >= 0.4 else "en"
