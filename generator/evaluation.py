"""Pairwise precision, recall and F1 of event links against hand-checked labels.

A label line is `{"a": ID, "b": ID, "label": "S" | "R" | "D"}`: S means the two articles cover the
same event, R (related) and D (different) that they do not. An ID is an article's original URL
or its raw file path. Only pairs whose two articles are both in the archive are scored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from generator.article import Article

SAME = "S"
NOT_SAME = ("R", "D")


class LabelsError(Exception):
    pass


@dataclass
class LinkScores:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    true_negatives: int = 0
    missing: int = 0  # labelled pairs with an article not in the archive
    errors: list[tuple[str, str, str, bool]] = field(default_factory=list)  # (a, b, label, linked)

    @property
    def precision(self) -> float:
        linked = self.true_positives + self.false_positives
        return self.true_positives / linked if linked else 1.0

    @property
    def recall(self) -> float:
        same = self.true_positives + self.false_negatives
        return self.true_positives / same if same else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def scored(self) -> int:
        return self.true_positives + self.false_positives + self.false_negatives + self.true_negatives


def read_labels(path: Path) -> list[tuple[str, str, str]]:
    labels = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise LabelsError(f"{path}: cannot read labels: {error}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            a, b, label = record["a"], record["b"], record["label"]
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise LabelsError(f"{path}:{number}: expected {{\"a\": ID, \"b\": ID, \"label\": \"S|R|D\"}} ({error})") from None
        if label not in (SAME, *NOT_SAME):
            raise LabelsError(f"{path}:{number}: label must be S, R or D, got {label!r}")
        labels.append((str(a), str(b), label))
    return labels


def _index(articles: list[Article]) -> dict[str, Article]:
    by_key: dict[str, Article] = {}
    for article in articles:
        for key in (article.source_url, article.seed):
            if key:
                by_key.setdefault(key, article)
    return by_key


def score_links(articles: list[Article], labels: list[tuple[str, str, str]]) -> LinkScores:
    by_key = _index(articles)
    scores = LinkScores()
    for a, b, label in labels:
        first, second = by_key.get(a), by_key.get(b)
        if first is None or second is None:
            scores.missing += 1
            continue
        linked = first.event is not None and first.event == second.event
        if label == SAME:
            if linked:
                scores.true_positives += 1
            else:
                scores.false_negatives += 1
                scores.errors.append((a, b, label, linked))
        elif linked:
            scores.false_positives += 1
            scores.errors.append((a, b, label, linked))
        else:
            scores.true_negatives += 1
    return scores
