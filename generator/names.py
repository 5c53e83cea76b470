"""Which terms of an archive are names of people, places and organisations, learned from the archive.

Linking must tell another report of an event from the same kind of story about another place or
person ("Khaybar's labour office records 42 violations" against "al-Jawf's labour office records
violations"): the words that differ are names. Arabic writes no capital letters, so names are
recognised the way a reader does, by the words in front of them: a term that often follows a
title or a kind of place (الأمير، الشهيد، الرئيس، منطقة، محافظة، جمهورية ...) is a name wherever it
stands. In English a word is a name when it is capitalised away from the start of a sentence.
The evidence is counted over the whole archive, so no list of names is kept, and the names of
other countries and years are learned from their own coverage.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Callable

from generator.arabic import fold, strip_article, words

# Folded and without the article: words that announce the name of a person, place or organisation.
_ARABIC_CUES = frozenset(strip_article(fold(word)) for word in """
منطقة محافظة مدينة مركز قرية بلدة حي ولاية مقاطعة إقليم جزيرة جمهورية دولة عاصمة إمارة
أمير شهيد شيخ ملك رئيس دكتور لواء عميد عقيد مهندس أستاذ سيد مواطن جندي وزير سفير حاكم
آل بن ابن أبو بنت نادي فريق منتخب شركة جامعة مستشفى
""".split())
_PROCLITICS = ("و", "ف", "ب", "ل", "ك")
_SENTENCE_END = re.compile(r"[.!?؟\n]+")

NAME_SHARE = 0.1  # a name follows a cue (or is capitalised) this often; common words almost never do
MIN_NAME_EVIDENCE = 3  # occurrences as a name: one chance neighbour does not make a word a name


def is_cue(token: str) -> bool:
    """Whether a folded token announces a name: منطقة, بمحافظة, والأمير, الشهيد, آل (folded ال)."""
    if token in _ARABIC_CUES or strip_article(token) in _ARABIC_CUES:
        return True
    return token[:1] in _PROCLITICS and strip_article(token[1:]) in _ARABIC_CUES


def count_cued(tokens: list[str], terms: list[str | None], cues: set[str] | frozenset[str],
               into: Counter) -> None:
    """Count into `into` the terms that follow a cue (`terms[i]` is the term of `tokens[i]`)."""
    previous_is_cue = False
    for token, term in zip(tokens, terms):
        if previous_is_cue and term is not None:
            into[term] += 1
        previous_is_cue = token in cues


def count_capitalised(text: str, term_of: Callable[[str], str | None], into: Counter) -> None:
    """Count into `into` the terms of English text written with a capital inside a sentence."""
    for sentence in _SENTENCE_END.split(unicodedata.normalize("NFKC", text)):
        for word in words(sentence)[1:]:
            if word[:1].isupper():
                term = term_of(fold(word))
                if term is not None:
                    into[term] += 1


def names(as_name: Counter, occurrences: Counter, cue_terms: set[str]) -> frozenset[str]:
    """The terms seen as a name often enough, absolutely and as a share of their occurrences;
    never a cue itself (الملك, الأمير: a title names nobody in particular)."""
    return frozenset(term for term, named in as_name.items()
                     if named >= MIN_NAME_EVIDENCE and named >= NAME_SHARE * occurrences[term]
                     and term not in cue_terms)
