"""Events: group articles that cover the same event (first version: centroid clustering).

Each article is compared with each open event as a whole (the normalised sum of its members'
term vectors), not with a single neighbour, so coverage cannot chain from one story into another.
An article that already names an event (a person pinned it, or an earlier build assigned it)
keeps it: event ids never change once given.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from generator.arabic import strip_clitics, tokens
from generator.article import Article, parse_iso_date

SAME_EVENT_THRESHOLD = 0.25
DATE_WINDOW = timedelta(days=3)
TITLE_WEIGHT = 3

# Function words carry no evidence of the event; folded spelling (see arabic.fold).
_STOPWORDS = frozenset("""
في من الي علي عن مع ان او ما لا لم لن قد كان كانت يكون هذا هذه ذلك تلك التي الذي الذين اللذين
هو هي هم هما نحن انا انت كما حيث بعد قبل عند خلال بين حتي منذ اذا اذ ثم كل بعض غير اي ايضا
وقال قال قالت واضاف اضاف واكد اكد وتابع امس اليوم يوم اكثر اقل عليه عليها فيه فيها به بها له لها
منه منها الا لكن بل انه انها وان وهو وهي التي ضد اجل لدي لقد وقد فقد ولا وما ومن وفي
the a an of to in on for and or but is are was were be been by with at from as that this it its
he she they we you his her their our said says has have had will would not no than then there
""".split())


@dataclass
class _Event:
    id: str
    members: list[str] = field(default_factory=list)
    centroid: Counter = field(default_factory=Counter)
    first_date: object = None
    last_date: object = None


def _terms(article: Article) -> Counter:
    counts: Counter = Counter()
    for weight, text in ((TITLE_WEIGHT, article.title), (1, article.body)):
        for token in tokens(text):
            term = strip_clitics(token)
            if len(term) >= 2 and term not in _STOPWORDS and token not in _STOPWORDS:
                counts[term] += weight
    return counts


def _normalised(counts: Counter) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in counts.values())) or 1.0
    return {term: v / norm for term, v in counts.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(term, 0.0) for term, v in a.items())


def _within_window(event: _Event, when) -> bool:
    if when is None or event.first_date is None:
        return True
    return event.first_date - DATE_WINDOW <= when <= event.last_date + DATE_WINDOW


def event_id_for(founder: Article) -> str:
    return f"ev-{founder.id}"


def _sort_key(article: Article) -> tuple:
    when = parse_iso_date(article.date) if article.date else None
    return (when is None, _naive(when) if when else None, article.id)


def _naive(when):
    return when.replace(tzinfo=None) - (when.utcoffset() or timedelta(0)) if when.tzinfo else when


def assign_events(articles: list[Article]) -> dict[str, str]:
    """Map every article id to an event id, keeping the events articles already have."""
    ordered = sorted(articles, key=_sort_key)
    vectors = {a.id: _terms(a) for a in ordered}
    events: dict[str, _Event] = {}

    def join(event: _Event, article: Article) -> None:
        event.members.append(article.id)
        event.centroid.update(vectors[article.id])
        when = _naive(parse_iso_date(article.date)) if article.date else None
        if when is not None:
            event.first_date = min(event.first_date or when, when)
            event.last_date = max(event.last_date or when, when)

    for article in ordered:
        if article.event:
            join(events.setdefault(article.event, _Event(article.event)), article)

    for article in ordered:
        if article.event:
            continue
        when = _naive(parse_iso_date(article.date)) if article.date else None
        vector = _normalised(vectors[article.id])
        best, best_score = None, SAME_EVENT_THRESHOLD
        for event in events.values():
            if not _within_window(event, when):
                continue
            score = _cosine(vector, _normalised(event.centroid))
            if score >= best_score:
                best, best_score = event, score
        if best is None:
            best = events.setdefault(event_id_for(article), _Event(event_id_for(article)))
        join(best, article)

    return {member: event.id for event in events.values() for member in event.members}
