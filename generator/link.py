"""Events: group articles that cover the same event (first version: centroid clustering).

Each article is compared with candidate events as wholes (the sum of their members' TF-IDF
vectors), never with a single neighbour, so coverage cannot chain from one story into another.
Candidates come from an inverted index of each event's most distinctive terms, within a date
window, so the cost grows with the archive rather than with its square.
An article never joins an event in its language when its headline names a person or place the
event's reports never mention while it mentions none of the names in their headlines: that is the
same kind of story about another town or person (names are learned from the archive, see names.py).
An article that already names an event (a person pinned it, or an earlier build assigned it)
keeps it: event ids never change once given.
"""

from __future__ import annotations

import heapq
import math
import operator
import re
from collections import Counter, defaultdict
from typing import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import datetime, timedelta
from itertools import repeat

import Stemmer

from generator.arabic import fold, strip_clitics, tokens
from generator.gazetteer import Gazetteer, empty_gazetteer
from generator.article import Article
from generator.model import sort_instant
from generator import names as name_evidence

SAME_EVENT_THRESHOLD = 0.25  # measured on the dev labels: see README (Linking quality)
DATE_WINDOW = timedelta(days=3)
TITLE_WEIGHT = 3
KEY_TERMS = 12  # per article: its highest-weighted terms serve as blocking keys
SAME_SOURCE_PENALTY = 0.15  # an outlet seldom files two reports of one event; a follow-up is likelier
TIME_SCALE_HOURS = 36.0  # similarity fades with the time between a report and the event
SHARED_NUMBER_BONUS = 0.1  # the same casualty count or index level is strong evidence of one event
NUMBER_CONFLICT_PENALTY = 0.1  # headlines with numbers that share none usually report different events
# Across languages the words differ; what the reports share is names (through the gazetteer),
# numbers and time. An article joins an event in another language when most of its anchors are
# the event's, and there are enough of them to be specific.
CROSS_LANGUAGE_THRESHOLD = 0.6
MIN_SHARED_ANCHORS = 3
RELATED_THRESHOLD = 0.2   # centroid cosine of two events of one story (below the same-event bar)
RELATED_MIN_SHARED_KEYS = 2
RELATED_WINDOW = timedelta(days=14)
RELATED_LIMIT = 5
MAX_CANDIDATES = 40  # events compared in full with each article
VECTOR_TERMS = 64  # an article is represented by its most distinctive terms; the tail adds only noise

def _stopword_list() -> list[str]:
    from arabicstopwords.arabicstopwords import stopwords_list
    return stopwords_list()


# Function words carry no evidence of the event; folded spelling (see arabic.fold).
_STOPWORDS = frozenset("""
في من الي علي عن مع ان او ما لا لم لن قد كان كانت يكون هذا هذه ذلك تلك التي الذي الذين اللذين
هو هي هم هما نحن انا انت كما حيث بعد قبل عند خلال بين حتي منذ اذا اذ ثم كل بعض غير اي ايضا
وقال قال قالت واضاف اضاف واكد اكد وتابع امس اليوم يوم اكثر اقل عليه عليها فيه فيها به بها له لها
منه منها الا لكن بل انه انها وان وهو وهي ضد اجل لدي لقد وقد فقد ولا وما ومن وفي
the a an of to in on for and or but is are was were be been by with at from as that this it its
he she they we you his her their our said says has have had will would not no than then there
""".split()) | frozenset(fold(word) for word in _stopword_list())


Span = tuple[datetime, datetime]  # when an article appeared: a moment, or a whole day


def _span(article: Article) -> Span | None:
    start = sort_instant(article)
    if start is None:
        return None
    return (start, start + timedelta(days=1)) if article.date_precision != "minute" else (start, start)


@dataclass
class _Event:
    id: str
    members: list[str] = field(default_factory=list)
    sources: set[str] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)
    anchors: set[str] = field(default_factory=set)
    languages: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)          # names its reports mention
    title_names: set[str] = field(default_factory=set)    # names in its reports' headlines
    centroid: dict[str, float] = field(default_factory=dict)
    _norm: float | None = None  # worked out when first needed: most events are never compared
    first: datetime | None = None
    last: datetime | None = None

    @property
    def norm(self) -> float:
        if self._norm is None:
            weights = self.centroid.values()
            self._norm = math.sqrt(sum(map(operator.mul, weights, weights)))
        return self._norm

    def add(self, vector: dict[str, float], when: Span | None) -> None:
        for term, weight in vector.items():
            self.centroid[term] = self.centroid.get(term, 0.0) + weight
        self._norm = None
        if when is not None:
            self.first = min(self.first or when[0], when[0])
            self.last = max(self.last or when[1], when[1])

    def _gap(self, when: Span) -> timedelta:
        return max(self.first - when[1], when[0] - self.last, timedelta(0))

    def accepts_date(self, when: Span | None) -> bool:
        return when is None or self.first is None or self._gap(when) <= DATE_WINDOW

    def similarity(self, vector: dict[str, float]) -> float:
        if not self.norm:
            return 0.0
        return sum(map(operator.mul, vector.values(), map(self.centroid.get, vector, repeat(0.0)))) / self.norm

    def _time_factor(self, when: Span | None) -> float:
        if when is None or self.first is None:
            return 1.0
        return math.exp(-self._gap(when).total_seconds() / 3600 / TIME_SCALE_HOURS)

    def names_conflict(self, title_names: frozenset[str], names: frozenset[str]) -> bool:
        """The article headlines a name the event's reports never mention, and mentions none of the
        names in their headlines: the same kind of story about another place or person."""
        return bool(self.title_names) and bool(title_names - self.names) and not self.title_names & names

    def cross_language_score(self, anchors: frozenset[str], when: Span | None) -> float:
        shared = anchors & self.anchors
        if len(shared) < MIN_SHARED_ANCHORS:
            return 0.0
        return len(shared) / len(anchors) * self._time_factor(when)

    def score(self, vector: dict[str, float], when: Span | None, source: str | None,
              numbers: frozenset[str]) -> float:
        score = self.similarity(vector)
        if numbers and self.numbers:
            score += SHARED_NUMBER_BONUS if numbers & self.numbers else -NUMBER_CONFLICT_PENALTY
        score *= self._time_factor(when)
        if source and source in self.sources:
            score -= SAME_SOURCE_PENALTY
        return score


_ARABIC_STEMMER = Stemmer.Stemmer("arabic")
_ENGLISH_STEMMER = Stemmer.Stemmer("english")


def _terms(lexicon: set[str]) -> dict[str, str | None]:
    """The term of each token of `lexicon` (None for function words): clitics stripped where the
    lexicon shows the rest is a word, then stemmed (a whole list at a time: the stemmer's own loop)."""
    stripped: dict[str, str | None] = {}
    for token in lexicon:
        if token in _STOPWORDS or token.isdigit() and len(token) < 2:
            stripped[token] = None
            continue
        term = strip_clitics(token, lexicon)
        stripped[token] = None if term in _STOPWORDS or len(term) < 2 else term
    words = sorted({term for term in stripped.values() if term is not None and not term.isdigit()})
    arabic = [w for w in words if "\u0621" <= w[0] <= "\u064A"]
    other = [w for w in words if not "\u0621" <= w[0] <= "\u064A"]
    stems = {**dict(zip(arabic, _ARABIC_STEMMER.stemWords(arabic))),
             **dict(zip(other, _ENGLISH_STEMMER.stemWords(other)))}
    return {token: None if term is None else stems.get(term, term) for token, term in stripped.items()}


@dataclass(frozen=True)
class _ArticleTerms:
    counts: Counter               # term -> occurrences, title counted TITLE_WEIGHT times
    title_names: frozenset[str]   # names in the headline
    names: frozenset[str]         # names anywhere in the article

    def names_only(self) -> "_ArticleTerms":
        return _ArticleTerms(Counter(), self.title_names, self.names)


def _article_terms(articles: list[Article], token_lists: dict[str, tuple[list[str], list[str]]]
                   ) -> dict[str, _ArticleTerms]:
    """Each article's terms, and the names among them (learned from the whole archive)."""
    lexicon = {t for title, body in token_lists.values() for ts in (title, body) for t in ts}
    term_of = _terms(lexicon)  # each distinct token once
    cues = {token for token in lexicon if name_evidence.is_cue(token)}
    occurrences: Counter = Counter()
    as_name: Counter = Counter()
    counted = {}
    for article in articles:
        title_tokens, body_tokens = token_lists[article.id]
        title_terms = list(map(term_of.__getitem__, title_tokens))
        body_terms = list(map(term_of.__getitem__, body_tokens))
        title_counts, body_counts = Counter(title_terms), Counter(body_terms)
        title_counts.pop(None, None)
        body_counts.pop(None, None)
        occurrences.update(title_counts)
        occurrences.update(body_counts)
        if article.language == "ar":
            name_evidence.count_cued(title_tokens, title_terms, cues, as_name)
            name_evidence.count_cued(body_tokens, body_terms, cues, as_name)
        else:
            name_evidence.count_capitalised(article.body, term_of.get, as_name)
        counts = body_counts
        for term, n in title_counts.items():
            counts[term] += TITLE_WEIGHT * n
        counted[article.id] = (counts, title_counts)
    names = name_evidence.names(as_name, occurrences, {term_of[token] for token in cues})
    return {article_id: _ArticleTerms(counts, frozenset(t for t in title_counts if t in names),
                                      frozenset(t for t in counts if t in names))
            for article_id, (counts, title_counts) in counted.items()}


def _vectors(terms: dict[str, _ArticleTerms]) -> dict[str, dict[str, float]]:
    """Unit-length TF-IDF vectors: shared rare names weigh more than shared common words."""
    document_frequency: Counter = Counter()
    for t in terms.values():
        document_frequency.update(t.counts.keys())
    total = len(terms)
    idf = {term: math.log(1 + total / df) for term, df in document_frequency.items()}
    vectors = {}
    for article_id, t in terms.items():
        weighted = {term: _log_tf(n) * idf[term] for term, n in t.counts.items()}
        if len(weighted) > VECTOR_TERMS:
            weighted = dict(sorted(weighted.items(), key=lambda item: (-item[1], item[0]))[:VECTOR_TERMS])
        norm = math.sqrt(sum(w * w for w in weighted.values())) or 1.0
        vectors[article_id] = {term: w / norm for term, w in weighted.items()}
    return vectors


@lru_cache(maxsize=4096)
def _log_tf(n: int) -> float:
    return 1 + math.log(n)


_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_LEAD_CHARACTERS = 400


def _numbers(article: Article) -> frozenset[str]:
    """Distinctive numbers of the headline and lead (years and single digits say little)."""
    text = fold(article.title + " " + article.body[:_LEAD_CHARACTERS])
    return frozenset(n for n in _NUMBER.findall(text)
                     if len(n) >= 2 and not (len(n) == 4 and n[:2] in ("19", "20")))


def _key_terms(vector: dict[str, float]) -> list[str]:
    return sorted(vector, key=lambda t: (-vector[t], t))[:KEY_TERMS]


class _BlockingIndex:
    """Blocking keys (key terms, anchors) -> the events holding them.

    Dated articles are linked in date order, so an event whose last report is more than
    DATE_WINDOW before the article at hand can take no later dated article: it is retired from
    the keys dated articles look up. The work per article then depends on the events of the last
    few days, not on the length of the archive (a common key would otherwise list events from
    every year of it). Undated articles, and related events, look at every event.
    """

    def __init__(self, events: dict[str, _Event]) -> None:
        self._events = events
        self.everywhere: dict[str, set[str]] = defaultdict(set)
        self._active: dict[str, set[str]] = defaultdict(set)
        self.keys_of: dict[str, set[str]] = defaultdict(set)    # event -> its keys
        self._ends: list[tuple[datetime, str]] = []              # heap of (last report + window, event)
        self._retired: set[str] = set()

    def add(self, event: _Event, keys: Iterable[str]) -> None:
        known = self.keys_of[event.id]
        for key in keys:
            if key not in known:
                known.add(key)
                self.everywhere[key].add(event.id)
                if event.id not in self._retired:
                    self._active[key].add(event.id)
        if event.last is not None and event.id not in self._retired:
            heapq.heappush(self._ends, (event.last + DATE_WINDOW, event.id))

    def advance(self, now: datetime) -> None:
        """Retire the events that no article dated `now` or later can join."""
        ends = self._ends
        while ends and ends[0][0] < now:
            _, event_id = heapq.heappop(ends)
            event = self._events[event_id]
            if event_id in self._retired or event.last + DATE_WINDOW >= now:
                continue  # retired already, or a later report moved its end (pushed again then)
            self._retired.add(event_id)
            for key in self.keys_of[event_id]:
                self._active[key].discard(event_id)

    def candidates(self, keys: list[str], when: Span | None) -> list[str]:
        """Events sharing the most keys with an article, at most MAX_CANDIDATES: a common term
        alone would make almost every event a candidate; the strongest few are the only
        plausible ones."""
        lookup = self.everywhere if when is None else self._active
        shared: Counter = Counter(event_id for key in keys for event_id in lookup.get(key, ()))
        ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0]))[:MAX_CANDIDATES]
        return sorted(event_id for event_id, _ in ranked)


def event_id_for(founder: Article) -> str:
    return f"ev-{founder.id}"


@dataclass(frozen=True)
class Linking:
    events: dict[str, str]                    # article id -> event id
    related: dict[str, tuple[str, ...]]       # event id -> related events (same story, another event)


def assign_events(articles: list[Article], gazetteer: Gazetteer | None = None) -> dict[str, str]:
    """Map every article id to an event id, keeping the events articles already have."""
    return link_articles(articles, gazetteer).events


def link_articles(articles: list[Article], gazetteer: Gazetteer | None = None) -> Linking:
    """Events for every article (keeping those articles already have), and related events."""
    gazetteer = gazetteer or empty_gazetteer()
    ordered = sorted(articles, key=lambda a: (sort_instant(a) is None, sort_instant(a) or datetime.min, a.id))
    token_lists = {a.id: (tokens(a.title), tokens(a.body)) for a in ordered}
    numbers = {a.id: _numbers(a) for a in ordered}
    anchors = {a.id: frozenset({f"@{name}" for name in gazetteer.anchors_in_tokens(
                                   token_lists[a.id][0] + token_lists[a.id][1])}
                               | {f"#{n}" for n in numbers[a.id]}) for a in ordered}
    terms = _article_terms(ordered, token_lists)
    del token_lists  # the whole archive's words: let them go before the vectors are made
    vectors = _vectors(terms)
    terms = {article_id: t.names_only() for article_id, t in terms.items()}  # the counts are in the vectors now
    events: dict[str, _Event] = {}
    index = _BlockingIndex(events)
    key_terms = {article_id: _key_terms(vector) for article_id, vector in vectors.items()}

    def join(event: _Event, article: Article, when: Span | None) -> None:
        event.members.append(article.id)
        event.numbers |= numbers[article.id]
        event.anchors |= anchors[article.id]
        event.languages.add(article.language)
        event.names |= terms[article.id].names
        event.title_names |= terms[article.id].title_names
        if article.source:
            event.sources.add(article.source)
        event.add(vectors[article.id], when)
        index.add(event, [*sorted(anchors[article.id]), *key_terms[article.id]])

    for article in ordered:
        if article.event:
            join(events.setdefault(article.event, _Event(article.event)), article, _span(article))

    for article in ordered:
        if article.event:
            continue
        when = _span(article)
        if when is not None:
            index.advance(when[0])
        vector = vectors[article.id]
        candidates = index.candidates([*key_terms[article.id], *sorted(anchors[article.id])], when)
        best, best_margin = None, 0.0
        for event_id in candidates:
            event = events[event_id]
            if not event.accepts_date(when):
                continue
            if article.language in event.languages:
                if event.names_conflict(terms[article.id].title_names, terms[article.id].names):
                    continue
                score = event.score(vector, when, article.source, numbers[article.id])
                margin = score - SAME_EVENT_THRESHOLD
            else:
                margin = event.cross_language_score(anchors[article.id], when) - CROSS_LANGUAGE_THRESHOLD
            if margin > best_margin + 1e-12 or (best is None and margin >= 0):
                best, best_margin = event, margin
        if best is None:
            best = events.setdefault(event_id_for(article), _Event(event_id_for(article)))
        join(best, article, when)

    assignments = {member: event.id for event in events.values() for member in event.members}
    return Linking(assignments, _related_events(events, index))


def _related_events(events: dict[str, _Event], index: _BlockingIndex) -> dict[str, tuple[str, ...]]:
    """For each event, the most similar other events of the same story: a follow-up, a reaction
    days later. Weaker than the same-event test; each relation is kept from both ends."""
    profiles = {event_id: _profile(event.centroid) for event_id, event in events.items()}
    nearby = _EventsByWeek(events, index)
    related: dict[str, dict[str, float]] = defaultdict(dict)
    for event_id in sorted(events):
        event, profile = events[event_id], profiles[event_id]
        shared: Counter = Counter(other for term in _key_terms(profile) for other in nearby.holding(term, event)
                                  if other > event_id)  # each pair once
        for other_id, count in sorted(shared.items()):
            if count < RELATED_MIN_SHARED_KEYS:
                continue
            other = events[other_id]
            if event.first and other.first and (other.first - event.last > RELATED_WINDOW
                                                or event.first - other.last > RELATED_WINDOW):
                continue
            other_profile = profiles[other_id]
            score = sum(map(operator.mul, profile.values(), map(other_profile.get, profile, repeat(0.0))))
            if score >= RELATED_THRESHOLD:
                related[event_id][other_id] = related[other_id][event_id] = score
    return {event_id: tuple(other for other, _ in sorted(scores.items(), key=lambda item: (-item[1], item[0]))
                            [:RELATED_LIMIT])
            for event_id, scores in sorted(related.items())}


class _EventsByWeek:
    """Keys -> the events holding them, by the weeks each event covers: the events that may be
    related to one are those within RELATED_WINDOW of it (or undated), so looking only at those
    weeks keeps the work per event independent of the archive's length."""

    def __init__(self, events: dict[str, _Event], index: _BlockingIndex) -> None:
        self._by_week: dict[tuple[str, int], set[str]] = defaultdict(set)
        self._undated: dict[str, set[str]] = defaultdict(set)
        self._everywhere = index.everywhere  # key -> every event holding it
        dated = [event for event in events.values() if event.first]
        # The weeks of the whole archive: a window covering them all needs no week-by-week union.
        self._span = (min(_week(e.first) for e in dated), max(_week(e.last) for e in dated)) if dated else (0, -1)
        for event_id, keys in index.keys_of.items():
            event = events[event_id]
            weeks = range(_week(event.first), _week(event.last) + 1) if event.first else None
            for key in keys:
                if weeks is None:
                    self._undated[key].add(event_id)
                else:
                    for week in weeks:
                        self._by_week[(key, week)].add(event_id)

    def holding(self, key: str, event: _Event) -> set[str]:
        """The events holding `key` that may be related to `event` (a superset: the caller checks
        the dates exactly)."""
        if event.first is None:
            return self._everywhere.get(key, set())
        first, last = _week(event.first - RELATED_WINDOW), _week(event.last + RELATED_WINDOW)
        if first <= self._span[0] and last >= self._span[1]:
            return self._everywhere.get(key, set())
        found = set(self._undated.get(key, ()))
        for week in range(first, last + 1):
            found.update(self._by_week.get((key, week), ()))
        return found


def _week(moment: datetime) -> int:
    return moment.toordinal() // 7


def _profile(centroid: dict[str, float]) -> dict[str, float]:
    """An event's most distinctive terms, as a unit vector."""
    top = dict(sorted(centroid.items(), key=lambda item: (-item[1], item[0]))[:VECTOR_TERMS])
    norm = math.sqrt(sum(w * w for w in top.values())) or 1.0
    return {term: w / norm for term, w in top.items()}
