"""Near-duplicates within an event: wire copy reprinted by several outlets, or one article filed
twice. They are one report with several publishers ("also published by"), not separate coverage.
"""

from __future__ import annotations

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
