"""Near-duplicates within an event: wire copy reprinted by several outlets, or one article filed
twice. They are one report with several publishers ("also published by"), not separate coverage.
"""

from __future__ import annotations

import hashlib

from generator.arabic import tokens
from generator.article import Article

SHINGLE_WORDS = 4
NEAR_DUPLICATE_JACCARD = 0.6  # share of 4-word runs in common; light edits of wire copy stay above


def _shingles(article: Article) -> frozenset[int]:
    words = tokens(article.body)
    if len(words) < SHINGLE_WORDS:
        return frozenset({hash(tuple(words))}) if words else frozenset()
    runs = zip(*(words[i:] for i in range(SHINGLE_WORDS)))  # every run of SHINGLE_WORDS words, made in C
    return frozenset(map(hash, runs))


def _jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def near_duplicate_groups(event_articles: list[Article]) -> list[list[Article]]:
    """Groups (in the given order) of articles whose bodies are near-identical; singletons omitted.

    `event_articles` should be oldest first: each group's first article is the original report.
    """
    shingles = [_shingles(a) for a in event_articles]
    group_of: list[int] = list(range(len(event_articles)))
    for i in range(len(event_articles)):
        for j in range(i):
            if group_of[j] == j and _jaccard(shingles[i], shingles[j]) >= NEAR_DUPLICATE_JACCARD:
                group_of[i] = j  # joins the earliest original it copies; never chains through copies
                break
    groups: dict[int, list[Article]] = {}
    for index, leader in enumerate(group_of):
        groups.setdefault(leader, []).append(event_articles[index])
    return [group for group in groups.values() if len(group) > 1]


def timeline_key(event_articles: list[Article]) -> str:
    """A digest of the articles' ids and texts in order: what near_duplicate_groups depends on (their
    bodies), from the digests of their texts that each article keeps (hashing the 31k archive's
    bodies again took 0.2 s of every build). An id holds no NUL, a digest is hexadecimal."""
    return hashlib.blake2b("\0".join([f"{article.id}\0{article.text_digest}" for article in event_articles])
                           .encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def near_duplicate_ids(event_articles: list[Article], known: dict[str, tuple[tuple[str, ...], ...]],
                       found: dict[str, tuple[tuple[str, ...], ...]]) -> tuple[tuple[str, ...], ...]:
    """near_duplicate_groups as article ids, taken from `known` (the previous build's `found`) when
    the same articles with the same bodies were grouped before: splitting every report of the
    archive into runs of words took 5 s of each 31k rebuild. This build's groups go into `found`."""
    key = timeline_key(event_articles)
    groups = known.get(key)
    if groups is None:
        groups = tuple(tuple(a.id for a in group) for group in near_duplicate_groups(event_articles))
    found[key] = groups
    return groups
