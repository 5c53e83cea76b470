"""Arabic-aware text normalisation and tokenisation for comparing text.

Two spellings of one word must compare equal: hamza forms, ة/ه, ى/ي, tashkeel, tatweel, Persian
letters and Arabic-Indic digits all vary between outlets (and within one). Normalised text is for
comparison only; pages always show the original spelling.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Container

from pyarabic import araby

# Runs of letters, counted by their lengths: a match per letter made a string per letter (arabic_share
# was 3.7 s of the 31k corpus's ingest, 1.8 s so).
_ARABIC_LETTERS = re.compile(r"[\u0621-\u064A\u0671-\u06D3\u06FA-\u06FF]+")
_LATIN_LETTERS = re.compile(r"[A-Za-z\u00C0-\u024F]+")

FOLDED = {
    **{ch: "" for ch in (*araby.TASHKEEL, araby.TATWEEL)},
    "\u0670": "",  # superscript (dagger) alef is a diacritic, not a letter
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ؤ": "و", "ئ": "ي",
    "ى": "ي", "ة": "ه",
    "ک": "ك", "ی": "ي", "ۀ": "ه", "ہ": "ه", "ھ": "ه",
    **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
    **{chr(0x06F0 + d): str(d) for d in range(10)},  # Persian digits
}
# No replacement is itself replaced, so replacing one character at a time gives what a single
# str.translate would; str.replace scans text at memory speed, translate looks up every character
# (3x slower over a whole archive, where fold runs for linking and for search alike).
_FOLD_STEPS = tuple(FOLDED.items())
assert not set(FOLDED) & set("".join(FOLDED.values()))
# A hamza on a seat (ؤ, ئ) folds to its seat; search also writes such a word with the other seat,
# so it needs the tokens with the seats still there (one pass, then each token's seat is chosen).
SEATS = {"ؤ": "و", "ئ": "ي"}
_FOLD_STEPS_KEEPING_SEATS = tuple(step for step in _FOLD_STEPS if step[0] not in SEATS)

ARABIC_INDIC_DIGITS = str.maketrans({**{chr(0x0660 + d): str(d) for d in range(10)},
                                     **{chr(0x06F0 + d): str(d) for d in range(10)}})

# Letters and digits only: Arabic punctuation (، ؛ ؟) lies inside the Arabic block but ends a word.
WORD = re.compile(r"[^\W_]+")


def words_python(text: str) -> list[str]:
    """`words`' reference: the pattern."""
    return WORD.findall(text)


def word_count_python(text: str) -> int:
    return len(WORD.findall(text))


try:  # the same words, compiled (generator/_words.c): a third faster, and counted without making them
    from generator._words import word_count, words
except ImportError:
    words, word_count = words_python, word_count_python

# The article with its proclitics, longest first; stripped when at least MIN_STEM letters remain.
# Linking and search share these rules (templates/assets/search-normalise.js mirrors them).
ARTICLE_PREFIXES = ("وبال", "وكال", "فبال", "فكال", "ولل", "فلل", "وال", "فال", "بال", "كال", "لل", "ال")
MIN_STEM = 3
# A lone proclitic letter is ambiguous: وبغداد is و+بغداد but بغداد, وزارة and فلسطين merely
# begin with one. Only a lexicon of words seen standing alone can tell, so these are stripped
# only when the remainder is a known word (then بغداد and وبغداد meet, and بغداد stays بغداد).
_SINGLE_PREFIXES = ("و", "ف", "ب", "ل", "ك")


def fold(text: str) -> str:
    """Normalise spelling variants so that variant spellings compare equal."""
    return _folded(text, _FOLD_STEPS)


def fold_keeping_seats(text: str) -> str:
    """`fold`, except that ؤ and ئ stay (fold maps them to و and ي)."""
    return _folded(text, _FOLD_STEPS_KEEPING_SEATS)


def _folded(text: str, steps: tuple[tuple[str, str], ...]) -> str:
    text = unicodedata.normalize("NFKC", text)
    for variant, folded in steps:
        if variant in text:
            text = text.replace(variant, folded)
    return text.lower()


@lru_cache(maxsize=500_000)  # called for every word of an archive; the vocabulary is far smaller
def strip_article(token: str) -> str:
    """Remove the article with its proclitics from a folded token, keeping >= MIN_STEM letters."""
    if not token.startswith(ARTICLE_PREFIXES):  # (most words: one call instead of one per prefix)
        return token
    for prefix in ARTICLE_PREFIXES:
        if token.startswith(prefix) and len(token) - len(prefix) >= MIN_STEM:
            return token[len(prefix):]
    return token


def strip_clitics(token: str, lexicon: Container[str] = frozenset()) -> str:
    """Remove the article with its proclitics, and a lone proclitic letter where `lexicon` shows
    that what follows it is a word of its own, from a folded Arabic token."""
    without_article = strip_article(token)
    if without_article != token:
        return without_article
    if token[:1] in _SINGLE_PREFIXES and len(token) >= 4:
        rest = token[1:]
        if rest in lexicon:
            return rest
        if rest[:1] in _SINGLE_PREFIXES and rest[1:] in lexicon:  # وب+غداد: two proclitics
            return rest[1:]
    return token


def tokens(text: str) -> list[str]:
    """Folded word tokens of `text`, in order."""
    return words(fold(text))


_SHARE_SAMPLE = 20_000  # characters: enough to tell the script of a text, cheap on a 20 MB line


def arabic_share(text: str) -> float:
    """Share of Arabic letters among all Arabic and Latin letters (0.0 when there are none)."""
    if len(text) > _SHARE_SAMPLE:
        text = text[:_SHARE_SAMPLE]
    arabic = sum(map(len, _ARABIC_LETTERS.findall(text)))
    latin = sum(map(len, _LATIN_LETTERS.findall(text)))
    total = arabic + latin
    return arabic / total if total else 0.0


def detect_language(text: str) -> str:
    """'ar' when Arabic script dominates the letters, else 'en'.

    Latin names and acronyms inside Arabic text are common, so Arabic only needs a clear plurality.
    """
    return "ar" if arabic_share(text) >= 0.4 else "en"
