"""Property tests: cleaning never loses a word, and never fails, whatever the text."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.article import ID_PATTERN
from generator.ingest.decode import DecodeError, decode_bytes
from generator.ingest.ids import article_id_from_digest, article_id_from_key, raw_text_digest
from generator.arabic import fold
from generator.ingest.plain_text import clean_line, clean_lines, parse_plain_text
from generator.sources import SourceRegistry

ARABIC_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأإؤئةى"
LATIN_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
WORD = re.compile(r"[^\W\d_]+")

words = st.text(alphabet=ARABIC_LETTERS + LATIN_LETTERS, min_size=1, max_size=9)
separators = st.sampled_from([" ", " ", " ", "، ", ", ", ". ", ".., ", ",, ", "., ", "; ", "! ", "؟ ", '" ', "\t"])
lines = st.lists(st.tuples(words, separators), min_size=1, max_size=25).map(
    lambda pairs: "".join(w + s for w, s in pairs).strip())
EMPTY_REGISTRY = SourceRegistry({})


def _in_order(needles: list[str], haystack: list[str]) -> bool:
    position = 0
    for needle in needles:
        try:
            position = haystack.index(needle, position) + 1
        except ValueError:
            return False
    return True


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(title=lines, body=st.lists(lines, min_size=1, max_size=8), blank_lines=st.booleans())
def test_every_word_of_the_raw_body_survives_cleaning_in_order(title, body, blank_lines):
    # A body line that repeats the headline (up to spacing and spelling variants) is dropped on purpose.
    same_as_title = fold(clean_line(title))
    body = [line for line in body if fold(clean_line(line)) != same_as_title] or ["نص"]
    raw = title + "\n\n" + ("\n\n" if blank_lines else "\n").join(body)
    parsed = parse_plain_text(raw, EMPTY_REGISTRY)
    raw_body_words = WORD.findall(" ".join(body))
    kept_words = WORD.findall(" ".join(text for _, text in parsed.blocks))
    metadata_words = WORD.findall(" ".join(filter(None, (parsed.kicker, parsed.place, parsed.author))))
    assert _in_order(raw_body_words, metadata_words + kept_words) or _in_order(raw_body_words, kept_words)


@settings(max_examples=300)
@given(st.text(max_size=400))
def test_cleaning_arbitrary_text_never_raises_unexpectedly(text):
    if not clean_lines(text):  # no visible text: readers report the file as empty before parsing
        return
    parsed = parse_plain_text(text, EMPTY_REGISTRY)
    assert isinstance(parsed.title, str)


@settings(max_examples=300)
@given(st.binary(max_size=600))
def test_decoding_arbitrary_bytes_gives_text_or_a_decode_error(data):
    try:
        text, encoding = decode_bytes(data)
    except DecodeError as error:
        assert str(error)
    else:
        assert isinstance(text, str) and "\r" not in text


@given(st.text(max_size=200), st.text(min_size=1, max_size=100))
def test_ids_are_url_safe(text, key):
    assert ID_PATTERN.match(article_id_from_digest(raw_text_digest(text)))
    assert ID_PATTERN.match(article_id_from_key(key))
