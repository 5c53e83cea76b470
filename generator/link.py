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

import hashlib
import heapq
import math
import operator
import pickle
import re
from array import array
from collections import Counter, defaultdict
from typing import Callable, Container, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from datetime import datetime, timedelta
from itertools import compress, repeat

import Stemmer

from generator.arabic import _SINGLE_PREFIXES, fold, strip_clitics, tokens
from generator.gazetteer import Gazetteer, empty_gazetteer
from generator.article import Article
from generator.model import sort_instant
from generator import collector, names as name_evidence
from generator.link_statistics import LinkStatistics, counted
from generator.stopwords import STOPWORDS as _STOPWORDS
from generator.symbols import Symbols, holding_any
from generator.vectors import dot

SAME_EVENT_THRESHOLD = 0.25  # measured on the dev labels: see README (Linking quality)
DATE_WINDOW = timedelta(days=3)
TITLE_WEIGHT = 3
# A news report tells its event in its first sentence or two (who, what, where); what follows is
# background that other reports of the event tell otherwise, or that reports of other events share.
# Counted twice, the lead's terms weigh more in the report's vector (README, Linking quality).
LEAD_WEIGHT = 2
LEAD_TOKENS = 40  # the body's first words (stopwords included)
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
    keys: set[str] = field(default_factory=set)           # blocking keys: its reports' anchors and key terms
    _norm: float | None = None  # worked out when first needed: most events are never compared
    _profile: dict[str, float] | None = None
    _profile_keys: tuple[str, ...] | None = None
    first: datetime | None = None
    last: datetime | None = None

    def copy(self) -> "_Event":
        """A copy to change, leaving this one (kept in the previous build's memo) as it was."""
        return replace(self, members=list(self.members), sources=set(self.sources), numbers=set(self.numbers),
                       anchors=set(self.anchors), languages=set(self.languages), names=set(self.names),
                       title_names=set(self.title_names), centroid=dict(self.centroid), keys=set(self.keys))

    def gather(self, article_id: str, article: Article, view: "_View", when: Span | None) -> None:
        """Take in a report (all but its blocking keys, which the index adds)."""
        self.members.append(article_id)
        self.numbers |= view.numbers
        self.anchors |= view.anchors
        self.languages.add(article.language)
        self.names |= view.names
        self.title_names |= view.title_names
        if article.source:
            self.sources.add(article.source)
        self.add(view.vector, when)

    @property
    def profile(self) -> dict[str, float]:
        """Its most distinctive terms, as a unit vector (what related events are compared on)."""
        found = self._profile
        if found is None:
            found = self._profile = _profile(self.centroid)
        elif type(found) is not dict:  # as kept in the memo
            found = self._profile = _unpacked_vector(found)
        return found

    @property
    def profile_keys(self) -> tuple[str, ...]:
        if self._profile_keys is None:
            self._profile_keys = tuple(_key_terms(self.profile))
        return self._profile_keys

    @property
    def norm(self) -> float:
        if self._norm is None:
            weights = self.centroid.values()
            self._norm = math.sqrt(sum(map(operator.mul, weights, weights)))
        return self._norm

    # In the memo, an event's centroid and profile are kept packed (their terms in one string, their
    # weights in one array) and unpacked when first read: a rebuild reads those of the few events
    # near the new articles, and unpickling 18,600 events' 2.5 million weights took 0.3 of the 0.45 s
    # of loading them, on the way to the linking.
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        if "centroid" in state:
            state["_packed_centroid"] = _packed_vector(state.pop("centroid"))
        if isinstance(state.get("_profile"), dict):
            state["_profile"] = _packed_vector(state["_profile"])
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    def __getattr__(self, name: str):
        # Only for an attribute not found: the centroid of an event unpickled and not read since.
        packed = self.__dict__.get("_packed_centroid") if name == "centroid" else None
        if packed is None:
            raise AttributeError(name)
        centroid = self.__dict__["centroid"] = _unpacked_vector(packed)
        del self.__dict__["_packed_centroid"]
        return centroid

    def add(self, vector: dict[str, float], when: Span | None) -> None:
        for term, weight in vector.items():
            self.centroid[term] = self.centroid.get(term, 0.0) + weight
        self._norm = self._profile = self._profile_keys = None
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
        return dot(vector, self.centroid) / self.norm

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


def _packed_vector(vector: dict[str, float]) -> tuple[str, bytes]:
    """Terms and weights as one string and the bytes of an array, in the vector's order (which its
    sums follow); a term holding the separator (no term of the tokenizer's does) keeps the vector as it is."""
    if any("\0" in term for term in vector):
        return vector  # type: ignore[return-value]
    return "\0".join(vector), array("d", vector.values()).tobytes()


class DamagedMemo(Exception):
    """A part of the memo kept packed cannot be unpacked: the state file was damaged inside (its
    pickle still loads). link_articles then links as if there were no memo."""


def _unpacked_vector(packed) -> dict[str, float]:
    if isinstance(packed, dict):
        return packed
    try:
        terms, data = packed
        weights = array("d")
        weights.frombytes(data)
        listed = terms.split("\0") if terms else []
    except Exception as error:  # noqa: BLE001 - whatever the damage, the memo is not used
        raise DamagedMemo(f"a packed vector: {error!r}") from None
    if len(listed) != len(weights):
        raise DamagedMemo(f"a packed vector of {len(listed)} terms and {len(weights)} weights")
    return dict(zip(listed, weights))


def _terms(words: Iterable[str], lexicon: Container[str]) -> dict[str, str | None]:
    """The term of each of `words` (None for function words): clitics stripped where the
    lexicon shows the rest is a word, then stemmed (a whole list at a time: the stemmer's own loop)."""
    stripped: dict[str, str | None] = {}
    for token in words:
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


@dataclass(frozen=True, eq=False)
class _Analysis:
    """What linking reads from one article, as long as neither it nor the terms of its words change.
    Its words and terms are held as numbers of the archive's symbols (see symbols.py)."""
    key: str                          # digest of the article's language, title and body, and the gazetteer
    symbols: Symbols
    words: array                      # its tokens (the archive's lexicon is theirs together)
    also_looked_up: frozenset[str]    # other tokens whose terms it used (capitalised English words)
    terms: array                      # its terms, in the order counted,
    term_counts: array                # and their occurrences, title counted TITLE_WEIGHT times, lead LEAD_WEIGHT
    title_counts: dict[str, int]
    lead_counts: dict[str, int]       # the terms of the body's first LEAD_TOKENS words
    as_name: dict[str, int]           # term -> times seen as a name
    numbers: frozenset[str]
    anchors: frozenset[str]

    @property
    def tokens(self) -> frozenset[str]:
        return frozenset(self.symbols.decode(self.words))

    @property
    def counts(self) -> dict[str, int]:
        """Term -> occurrences, title counted TITLE_WEIGHT times and lead LEAD_WEIGHT times."""
        return dict(zip(self.symbols.decode(self.terms), self.term_counts))

    def _facts(self) -> tuple:
        return (self.key, self.tokens, self.also_looked_up, self.counts, self.title_counts, self.lead_counts,
                self.as_name, self.numbers, self.anchors)

    def __eq__(self, other: object) -> bool:
        # By what it says, not by numbers: two builds may have numbered the same words otherwise.
        return isinstance(other, _Analysis) and self._facts() == other._facts()

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> dict:
        # Without the archive's symbols: they are the memo's, kept once beside its analyses and
        # bound to them again when a memo is made (LinkMemo.__post_init__). The details that only
        # an article analysed again or removed is asked for are kept packed in one pickle, unpacked
        # when first read: 0.13 of the 0.31 s of loading the 31k archive's analyses.
        state = {name: value for name, value in self.__dict__.items() if name != "symbols" and name not in _DETAILS}
        if "_details" not in state:
            state["_details"] = pickle.dumps(tuple(self.__dict__[name] for name in _DETAILS), pickle.HIGHEST_PROTOCOL)
        return state

    def __getattr__(self, name: str):
        # Only for an attribute not found: the details of an analysis unpickled and not read since.
        packed = self.__dict__.get("_details") if name in _DETAILS else None
        if packed is None:
            raise AttributeError(name)
        try:
            details = pickle.loads(packed)
            if not (isinstance(details, tuple) and len(details) == len(_DETAILS)):
                raise TypeError("not the details' tuple")
        except Exception as error:  # noqa: BLE001 - whatever the damage, the memo is not used
            raise DamagedMemo(f"the details of the analysis {self.key}: {error!r}") from None
        self.__dict__.update(zip(_DETAILS, details))
        del self.__dict__["_details"]
        return self.__dict__[name]

    @property
    def occurrences(self) -> dict[str, int]:
        """Term -> occurrences, the title and the lead counted once."""
        occurrences = dict(self.counts)
        for term, n in self.title_counts.items():
            occurrences[term] -= (TITLE_WEIGHT - 1) * n
        for term, n in self.lead_counts.items():
            occurrences[term] -= (LEAD_WEIGHT - 1) * n
        return occurrences


_DETAILS = ("title_counts", "lead_counts", "as_name", "numbers", "anchors")


@dataclass
class LinkMemo:
    """The per-article analyses of one build and their sums, kept in the build state so that the
    next build analyses only articles that changed or whose words' terms did (a new word of the
    archive can change how a word with a proclitic letter is split)."""
    analyses: dict[str, _Analysis] = field(default_factory=dict)
    symbols: Symbols = field(default_factory=Symbols)                 # the analyses' words and terms
    word_documents: array = field(default_factory=lambda: array("I"))  # symbol -> analyses holding it as a word
    occurrences: Counter = field(default_factory=Counter)
    as_name: Counter = field(default_factory=Counter)
    document_frequency: Counter = field(default_factory=Counter)
    cue_terms: frozenset[str] = frozenset()   # terms of the words that announce a name
    cues: frozenset[str] = frozenset()        # the words of the lexicon that announce a name
    # What linking made of them under one set of statistics, for the next build to keep what is unchanged:
    statistics: LinkStatistics | None = None
    unlisted_names: frozenset[str] = frozenset()  # names among the terms the statistics do not list
    placed: dict[str, tuple[Span | None, str | None]] = field(default_factory=dict)  # article id -> (when, source)
    events: dict[str, "_Event"] = field(default_factory=dict)
    relations: dict[tuple[str, str], float] = field(default_factory=dict)  # related events, smaller id first

    ENTRIES = ("analyses", "events")  # kept entry by entry in the build state (BuildState.save_parts)

    def __post_init__(self) -> None:
        for analysis in self.analyses.values():
            if "symbols" not in analysis.__dict__:  # unpickled; one made here or in another memo keeps its own
                object.__setattr__(analysis, "symbols", self.symbols)

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.__post_init__()

    @property
    def lexicon(self) -> frozenset[str]:
        """The words of its analyses."""
        return frozenset(compress(self.symbols.strings, self.word_documents))


def _analysis_key(article: Article, gazetteer_key: bytes) -> str:
    return hashlib.blake2b(gazetteer_key + article.text_digest.encode("ascii"), digest_size=16).hexdigest()


def _analyse(article: Article, key: str, title_tokens: list[str], body_tokens: list[str], words: array,
             distinct: list[str] | None, term_of: dict[str, str | None], term_by_number: list[str | None],
             lexicon: Container[str], cues: Container[str], gazetteer: Gazetteer,
             symbols: Symbols) -> tuple[_Analysis, list[str | None], dict[str, int]]:
    """`words` are the numbers of the article's distinct tokens (`distinct`, when at hand), and
    `term_by_number` their terms by number. `term_of` holds the terms of tokens; a capitalised
    English word whose folded spelling is another word of the lexicon has its term added. Returns
    the analysis, the article's terms in order (None for function words), which the archive's sums
    count, and its counts (as the analysis's `counts`)."""
    if distinct is None:
        distinct = symbols.decode(words)
    looked_up = set(distinct)
    # Each distinct token's term taken by its number, and its repeats from the article's own small
    # table (9 million lookups in a table of 300,000 tokens took 5 s of the 31k link).
    own = dict(zip(distinct, map(term_by_number.__getitem__, words)))
    title_terms = list(map(own.__getitem__, title_tokens))
    body_terms = list(map(own.__getitem__, body_tokens))
    title_counts, body_counts = Counter(title_terms), Counter(body_terms)
    lead_counts = Counter(body_terms[:LEAD_TOKENS])
    for in_part in (title_counts, body_counts, lead_counts):
        in_part.pop(None, None)  # the function words'
    as_name: Counter = Counter()
    if article.language == "ar":
        name_evidence.count_cued(title_tokens, title_terms, cues, as_name)
        name_evidence.count_cued(body_tokens, body_terms, cues, as_name)
    else:
        def lookup(token: str) -> str | None:
            looked_up.add(token)
            if token not in term_of and token in lexicon:
                term_of.update(_terms([token], lexicon))
            return term_of.get(token)
        name_evidence.count_capitalised(article.body, lookup, as_name)
    counts = Counter(body_counts)
    for term, n in title_counts.items():
        counts[term] += TITLE_WEIGHT * n
    for term, n in lead_counts.items():
        counts[term] += (LEAD_WEIGHT - 1) * n
    numbers = _numbers(article)
    anchors = frozenset({f"@{name}" for name in gazetteer.anchors_in_tokens(title_tokens + body_tokens)}
                        | {f"#{n}" for n in numbers})
    return (_Analysis(key, symbols, words, frozenset(looked_up.difference(distinct)), symbols.numbers(counts),
                      array("I", counts.values()), dict(title_counts), dict(lead_counts), dict(as_name), numbers,
                      anchors),
            title_terms + body_terms, counts)


def _with_prefixes(words: Iterable[str]) -> set[str]:
    """`words` and every token that is one or two proclitic letters before one of them: the tokens
    whose term may change when those words enter or leave the lexicon (see strip_clitics)."""
    found = set(words)
    for word in list(found):
        for first in _SINGLE_PREFIXES:
            found.add(first + word)
            for second in _SINGLE_PREFIXES:
                found.add(first + second + word)
    return found


def _analyse_archive(articles: list[Article], gazetteer: Gazetteer, memo: LinkMemo | None) -> LinkMemo:
    """Every article's analysis, reusing the memo's where the article and its words' terms are unchanged."""
    memo = memo if isinstance(memo, LinkMemo) else LinkMemo()
    symbols = memo.symbols
    gazetteer_key = hashlib.blake2b(repr(gazetteer).encode("utf-8", "surrogatepass"), digest_size=16).digest()
    keys = {a.id: _analysis_key(a, gazetteer_key) for a in articles}
    token_lists: dict[str, tuple[list[str], list[str]]] = {}
    kept: dict[str, _Analysis] = {}
    for article in articles:
        known = memo.analyses.get(article.id)
        if known is not None and known.key == keys[article.id]:
            kept[article.id] = known
        else:
            token_lists[article.id] = (tokens(article.title), tokens(article.body))
    # The lexicon: the words of the analyses kept (counted by the memo, less those of the analyses
    # dropped) and of the articles analysed now.
    # Each article's distinct tokens, kept beside their numbers for its analysis (decoding them again
    # took 1.4 s of the 31k archive's link).
    distinct_of = {article_id: list({*title, *body}) for article_id, (title, body) in token_lists.items()}
    words = {article_id: symbols.numbers(distinct) for article_id, distinct in distinct_of.items()}
    documents = array("I", memo.word_documents)
    documents.extend(repeat(0, len(symbols) - len(documents)))
    for article_id, old in memo.analyses.items():
        if article_id not in kept:
            for number in old.words:
                documents[number] -= 1
    for numbers in words.values():
        for number in numbers:
            documents[number] += 1
    lexicon, previous_lexicon = frozenset(compress(symbols.strings, documents)), memo.lexicon
    if kept:
        affected = _with_prefixes(lexicon.symmetric_difference(previous_lexicon))
        affected_words = symbols.known(affected)
        holders = [(article, kept[article.id]) for article in articles if article.id in kept]
        for (article, known), meets in zip(holders, holding_any([known.words for _, known in holders], affected_words)):
            if meets or not affected.isdisjoint(known.also_looked_up):
                del kept[article.id]
                token_lists[article.id] = (tokens(article.title), tokens(article.body))
                words[article.id] = known.words  # the same text: the same words

    # Terms only for the words of the articles analysed now, and the cues (names never follow them).
    cues = {token for token in lexicon - previous_lexicon if name_evidence.is_cue(token)}
    cues.update(memo.cues.intersection(lexicon))
    needed = {t for pair in token_lists.values() for ts in pair for t in ts} if kept else lexicon
    term_of = _terms(needed | cues, lexicon)
    term_by_number: list[str | None] = [None] * len(symbols)
    for token, number in zip(needed, symbols.numbers(needed)):
        term_by_number[number] = term_of[token]

    result = LinkMemo({}, symbols, documents, Counter(memo.occurrences), Counter(memo.as_name),
                      Counter(memo.document_frequency))
    # Removed, changed or analysed again: its share leaves the sums (and only its terms can fall to 0).
    dropped = [old for article_id, old in memo.analyses.items() if article_id not in kept]
    for old in dropped:
        result.occurrences.subtract(old.occurrences)
        result.as_name.subtract(old.as_name)
        result.document_frequency.subtract(old.counts.keys())
    for article in articles:
        analysis = kept.get(article.id)
        if analysis is None:
            title_tokens, body_tokens = token_lists[article.id]
            analysis, terms, counts = _analyse(article, keys[article.id], title_tokens, body_tokens,
                                               words[article.id], distinct_of.get(article.id), term_of,
                                               term_by_number, lexicon, cues, gazetteer, symbols)
            result.occurrences.update(terms)  # a list: counted in C (a mapping is added term by term)
            result.as_name.update(analysis.as_name)
            result.document_frequency.update(counts.keys())  # each term once
        result.analyses[article.id] = analysis
    result.occurrences.pop(None, None)
    for totals, shares in ((result.occurrences, [old.occurrences for old in dropped]),
                           (result.as_name, [old.as_name for old in dropped]),
                           (result.document_frequency, [old.counts for old in dropped])):
        for term in {term for share in shares for term in share}:
            if totals.get(term, 0) <= 0:
                totals.pop(term, None)
    result.cue_terms = frozenset(term_of[token] for token in cues)
    result.cues = frozenset(cues)
    return result


def _live_names(memo: LinkMemo) -> frozenset[str]:
    return name_evidence.names(memo.as_name, memo.occurrences, memo.cue_terms)


def _names(memo: LinkMemo, statistics: LinkStatistics) -> tuple[frozenset[str], frozenset[str]]:
    """The archive's names: those the statistics list as names, and the terms they do not list
    that the archive's present evidence shows to be names (returned apart as well)."""
    listed = statistics.document_frequency
    unlisted = frozenset(term for term in _live_names(memo) if term not in listed)
    return statistics.names | unlisted, unlisted


@dataclass(frozen=True)
class _View:
    """What linking compares of one article, under the archive's counts and names."""
    vector: dict[str, float]        # unit-length TF-IDF of its most distinctive terms
    keys: tuple[str, ...]           # blocking keys: its anchors, then its key terms
    names: frozenset[str]           # names anywhere in it
    title_names: frozenset[str]     # names in its headline
    numbers: frozenset[str]
    anchors: frozenset[str]


def _views(article_ids: Iterable[str], memo: LinkMemo, statistics: LinkStatistics,
           names: frozenset[str]) -> dict[str, _View]:
    """Unit-length TF-IDF vectors (shared rare names weigh more than shared common words) and the
    rest of each article's view. A term's count is the statistics' where they list it, the
    archive's present one otherwise. (Mapped in C over each article's terms: the same products
    and sums, in the same order, as the plain loops, which took 3 s for the 31k archive.)"""
    total, listed, present = statistics.articles, statistics.document_frequency, memo.document_frequency
    idf: dict[str, float] = {}
    views = {}
    for article_id in article_ids:
        analysis = memo.analyses[article_id]
        counts = analysis.counts
        for term in counts:
            if term not in idf:
                idf[term] = math.log(1 + total / listed.get(term, present[term]))
        weighted = dict(zip(counts, map(operator.mul, map(_log_tf, counts.values()), map(idf.__getitem__, counts))))
        if len(weighted) > VECTOR_TERMS:
            # Heaviest first, ties by term: the order of sorting (-weight, term) pairs.
            weighted = {term: -negative for negative, term in
                        sorted(zip(map(operator.neg, weighted.values()), weighted))[:VECTOR_TERMS]}
        weights = list(weighted.values())
        norm = math.sqrt(sum(map(operator.mul, weights, weights))) or 1.0
        vector = dict(zip(weighted, map(operator.truediv, weights, repeat(norm))))
        views[article_id] = _View(vector, (*sorted(analysis.anchors), *_key_terms(vector)),
                                  names.intersection(counts), names.intersection(analysis.title_counts),
                                  analysis.numbers, analysis.anchors)
    return views


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
    return [term for _, term in sorted(zip(map(operator.neg, vector.values()), vector))[:KEY_TERMS]]


class _BlockingIndex:
    """Blocking keys (key terms, anchors) -> the events holding them.

    Dated articles are linked in date order, so an event whose last report is more than
    DATE_WINDOW before the article at hand can take no later dated article: it is retired from
    the keys dated articles look up. The work per article then depends on the events of the last
    few days, not on the length of the archive (a common key would otherwise list events from
    every year of it). Undated articles, and related events, look at every event.
    """

    def __init__(self, events: dict[str, _Event]) -> None:
        self._events = events  # (the linking's own dict: the events it founds are added to it)
        # Every event by key, made when first needed (undated articles, then kept up to date): a
        # rebuild asks only for the few keys of the events that changed (listing 18,800 events'
        # 820,000 keys took 0.45 s where no event retires, about 0.1 s of a 31k rebuild's linking).
        self._everywhere: dict[str, set[str]] | None = None
        self._active: dict[str, set[str]] = defaultdict(set)
        self._ends: list[tuple[datetime, str]] = []              # heap of (last report + window, event)
        self._retired: set[str] = set()

    def everywhere(self) -> dict[str, set[str]]:
        """Key -> every event holding it, retired or not."""
        if self._everywhere is None:
            self._everywhere = defaultdict(set)
            for event in self._events.values():
                for key in event.keys:
                    self._everywhere[key].add(event.id)
        return self._everywhere

    def holding(self, keys: set[str]) -> dict[str, set[str]]:
        """Key -> every event holding it, for `keys` only."""
        if self._everywhere is not None:
            return {key: self._everywhere[key] for key in keys if key in self._everywhere}
        found: dict[str, set[str]] = defaultdict(set)
        for event in self._events.values():
            for key in event.keys & keys:
                found[key].add(event.id)
        return found

    def enter(self, event: _Event, first: datetime | None) -> None:
        """An event with its keys, before any article is linked. `first` is the moment of the
        first dated article to link: an event that ended before it is retired at once (as the
        first advance() would retire it, without listing it as active first)."""
        if event.last is not None and first is not None and event.last + DATE_WINDOW < first:
            self._retired.add(event.id)
            return
        for key in event.keys:
            self._active[key].add(event.id)
        if event.last is not None:
            heapq.heappush(self._ends, (event.last + DATE_WINDOW, event.id))

    def add(self, event: _Event, keys: Iterable[str]) -> None:
        """More keys for an event, as a report joins it."""
        known = event.keys
        for key in keys:
            if key not in known:
                known.add(key)
                if self._everywhere is not None:
                    self._everywhere[key].add(event.id)
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
            for key in event.keys:
                self._active[key].discard(event_id)

    def candidates(self, keys: Iterable[str], when: Span | None) -> list[str]:
        """Events sharing the most keys with an article, at most MAX_CANDIDATES: a common term
        alone would make almost every event a candidate; the strongest few are the only
        plausible ones."""
        lookup = self.everywhere() if when is None else self._active
        shared: Counter = Counter(event_id for key in keys for event_id in lookup.get(key, ()))
        ranked = sorted(shared.items(), key=lambda item: (-item[1], item[0]))[:MAX_CANDIDATES]
        return sorted(event_id for event_id, _ in ranked)


def event_id_for(founder: Article) -> str:
    return f"ev-{founder.id}"


@dataclass(frozen=True)
class Linking:
    events: dict[str, str]                    # article id -> event id
    related: dict[str, tuple[str, ...]]       # event id -> related events (same story, another event)
    statistics: LinkStatistics | None = None  # the counts used: those given, or counted again
    memo: LinkMemo | None = None              # for the next build's link_articles


def assign_events(articles: list[Article], gazetteer: Gazetteer | None = None) -> dict[str, str]:
    """Map every article id to an event id, keeping the events articles already have."""
    return link_articles(articles, gazetteer).events


def link_articles(articles: list[Article], gazetteer: Gazetteer | None = None, memo: LinkMemo | None = None,
                  statistics: LinkStatistics | None = None) -> Linking:
    """Events for every article (keeping those articles already have), and related events.
    `memo` is the previous build's `Linking.memo`: articles analysed then are not analysed again,
    and events whose reports are unchanged under the same counts are not gathered or compared again.
    `statistics` are the kept counts (link_statistics.py); the archive is counted again when there
    are none or they no longer describe it, and `Linking.statistics` is then a new object."""
    return link_events(articles, gazetteer, memo, statistics)[1]()


def link_events(articles: list[Article], gazetteer: Gazetteer | None = None, memo: LinkMemo | None = None,
                statistics: LinkStatistics | None = None) -> tuple[Linking, Callable[[], Linking]]:
    """link_articles in two steps: the events (a Linking without related events or memo), and the
    call that completes it. Relating the events of a whole archive anew (7 s of the 31k archive's
    30 s of linking) is then left to the second step, for a caller that can go on with the events
    meanwhile; the few events a rebuild relates again are related in the first."""
    # Linking makes millions of small containers and no reference cycles: the cycle collector would
    # only walk them again and again (linking 6,000 articles took 1.5x as long with it).
    with collector.paused():
        gazetteer = gazetteer or empty_gazetteer()
        if isinstance(memo, LinkMemo):
            try:
                return _link(articles, gazetteer, memo, statistics)
            except DamagedMemo:
                pass  # as a state that cannot be read: linked afresh (the memo is only a cache)
        return _link(articles, gazetteer, LinkMemo(), statistics)


def _link(articles: list[Article], gazetteer: Gazetteer, previous: LinkMemo,
          statistics: LinkStatistics | None) -> tuple[Linking, Callable[[], Linking]]:
    ordered = sorted(articles, key=lambda a: ((when := sort_instant(a)) is None, when or datetime.min, a.id))
    analysed = _analyse_archive(ordered, gazetteer, previous)
    if statistics is None or not statistics.describes(len(ordered)):
        statistics = counted(len(ordered), analysed.document_frequency, _live_names(analysed))
    names, unlisted_names = _names(analysed, statistics)
    spans = {article.id: _span(article) for article in ordered}
    by_id = {article.id: article for article in ordered}
    placed = {article.id: (spans[article.id], article.source) for article in ordered}
    changed = _changed_articles(ordered, placed, analysed, previous, statistics, unlisted_names)

    # The events articles already have: those whose reports are all as the memo left them are
    # taken from it; the others are gathered again, in date order as a clean build would.
    members: dict[str, list[str]] = defaultdict(list)
    for article in ordered:
        if article.event:
            members[article.event].append(article.id)
    again = [event_id for event_id, ids in members.items()
             if changed is None or event_id not in previous.events or previous.events[event_id].members != ids
             or not changed.isdisjoint(ids)]
    new_articles = [article for article in ordered if not article.event]
    views = _views([*(i for event_id in again for i in members[event_id]), *(a.id for a in new_articles)],
                   analysed, statistics, names)
    gathered_again = set(again)
    events: dict[str, _Event] = {}
    for event_id, ids in members.items():
        if event_id not in gathered_again:
            events[event_id] = previous.events[event_id]
            continue
        event = events[event_id] = _Event(event_id)
        for article_id in ids:
            event.gather(article_id, by_id[article_id], views[article_id], spans[article_id])
            event.keys.update(views[article_id].keys)
    index = _BlockingIndex(events)
    first_dated = next((spans[a.id][0] for a in new_articles if spans[a.id] is not None), None)
    for event in events.values():
        index.enter(event, first_dated)

    unchanged = set(events) - gathered_again  # events still the memo's own objects: copied before they change
    for article in new_articles:
        when = spans[article.id]
        if when is not None:
            index.advance(when[0])
        view = views[article.id]
        best, best_margin = None, 0.0
        for event_id in index.candidates(view.keys, when):
            event = events[event_id]
            if not event.accepts_date(when):
                continue
            if article.language in event.languages:
                if event.names_conflict(view.title_names, view.names):
                    continue
                score = event.score(view.vector, when, article.source, view.numbers)
                margin = score - SAME_EVENT_THRESHOLD
            else:
                margin = event.cross_language_score(view.anchors, when) - CROSS_LANGUAGE_THRESHOLD
            if margin > best_margin + 1e-12 or (best is None and margin >= 0):
                best, best_margin = event, margin
        if best is None:
            # Its own event; the id may be held already (by reports of a founder that lost its event).
            best = events.setdefault(event_id_for(article), _Event(event_id_for(article)))
        if best.id in unchanged:
            best = events[best.id] = best.copy()
            unchanged.discard(best.id)
        best.gather(article.id, article, view, when)
        index.add(best, view.keys)

    analysed.statistics, analysed.unlisted_names, analysed.placed, analysed.events = (
        statistics, unlisted_names, placed, events)
    assignments = {member: event.id for event in events.values() for member in event.members}

    def related(relations: dict[tuple[str, str], float]) -> Linking:
        analysed.relations = relations
        return Linking(assignments, _related(relations), statistics, analysed)

    if changed is None:  # every event gathered here (no memo's event, whose packed vectors may be damaged)
        def relate() -> Linking:
            with collector.paused():
                return related(_relations(events))
        return Linking(assignments, {}, statistics), relate
    # (In this step: an event kept from the memo may turn out damaged here, and the memo then not be used.)
    linking = related(_relations_again(events, set(events) - unchanged | (previous.events.keys() - events.keys()),
                                       previous.relations, index))
    return Linking(assignments, {}, statistics), lambda: linking


def _changed_articles(ordered: list[Article], placed: dict[str, tuple[Span | None, str | None]], analysed: LinkMemo,
                      previous: LinkMemo, statistics: LinkStatistics,
                      unlisted_names: frozenset[str]) -> set[str] | None:
    """The articles whose part in their event may differ from the one it was gathered with in the
    previous build: analysed again, dated or attributed to an outlet otherwise, or holding a term
    whose present count or name evidence moved (terms the statistics list keep theirs). None when
    the previous build's events cannot be used at all (other counts, or none)."""
    if previous.statistics is None or previous.statistics != statistics:
        return None
    analyses, before = analysed.analyses, previous.analyses
    changed = {article.id for article in ordered
               if analyses[article.id] is not before.get(article.id) or previous.placed.get(article.id) != placed[article.id]}
    touched: set[str] = set()
    for article_id in changed:
        touched.update(analyses[article_id].counts)
    for article_id, old in before.items():
        if analyses.get(article_id) is not old:
            touched.update(old.counts)
    listed, now, then = statistics.document_frequency, analysed.document_frequency, previous.document_frequency
    moved = {term for term in touched if term not in listed and now.get(term) != then.get(term)}
    moved |= unlisted_names ^ previous.unlisted_names
    if moved:
        moved_terms = analysed.symbols.known(moved)
        meeting = holding_any([analyses[article.id].terms for article in ordered], moved_terms)
        changed.update(article.id for article, meets in zip(ordered, meeting) if meets)
    return changed


def _relations(events: dict[str, _Event]) -> dict[tuple[str, str], float]:
    """The pairs of events of the same story (a follow-up, a reaction days later), each once with
    the smaller id first, and their similarity. Weaker than the same-event test."""
    nearby = _EventsByWeek(events)
    relations: dict[tuple[str, str], float] = {}
    for event_id in sorted(events):
        event = events[event_id]
        shared: Counter = Counter()
        for term in event.profile_keys:
            shared.update(nearby.holding(term, event))  # counted in C; the pairs' order is checked below
        for other_id in sorted(other for other, count in shared.items()
                               if count >= RELATED_MIN_SHARED_KEYS and other > event_id):  # each pair once
            _relate(events[event_id], events[other_id], relations)
    return relations


def _relations_again(events: dict[str, _Event], changed: set[str], before: dict[tuple[str, str], float],
                     index: _BlockingIndex) -> dict[tuple[str, str], float]:
    """The relations of the previous build, with those of the events that changed (gathered again,
    joined by a new report, or gone) worked out again: the same pairs as _relations finds, since a
    pair (a, b), a < b, is compared when a's profile keys hold at least two of b's blocking keys,
    whichever of them changed."""
    relations = {pair: score for pair, score in before.items() if pair[0] not in changed and pair[1] not in changed}
    # The events whose profile keys hold a changed event's blocking keys (only those keys: every
    # profile key of the 18,000 events of the 31k archive took 0.25 s to list).
    present = sorted(changed & events.keys())
    looked_up = {key for event_id in present for key in events[event_id].keys}
    by_profile_key: dict[str, set[str]] = defaultdict(set)
    for event_id, event in events.items():
        for term in looked_up.intersection(event.profile_keys):
            by_profile_key[term].add(event_id)
    holding = index.holding({term for event_id in present for term in events[event_id].profile_keys})
    for event_id in present:
        event = events[event_id]
        later: Counter = Counter()
        for term in event.profile_keys:
            later.update(holding.get(term, ()))
        for other_id in sorted(other for other, count in later.items()
                               if count >= RELATED_MIN_SHARED_KEYS and other > event_id):
            _relate(event, events[other_id], relations)
        earlier: Counter = Counter()
        for key in event.keys:
            earlier.update(by_profile_key.get(key, ()))
        for other_id in sorted(other for other, count in earlier.items()
                               if count >= RELATED_MIN_SHARED_KEYS and other < event_id and other not in changed):
            _relate(events[other_id], event, relations)
    return relations


def _relate(event: _Event, other: _Event, relations: dict[tuple[str, str], float]) -> None:
    """Record the pair (event first: the smaller id) when close in time and similar enough."""
    if event.first and other.first and (other.first - event.last > RELATED_WINDOW
                                        or event.first - other.last > RELATED_WINDOW):
        return
    score = dot(event.profile, other.profile)
    if score >= RELATED_THRESHOLD:
        relations[(event.id, other.id)] = score


def _related(relations: dict[tuple[str, str], float]) -> dict[str, tuple[str, ...]]:
    """For each event, its most similar related events; each relation is kept from both ends."""
    related: dict[str, dict[str, float]] = defaultdict(dict)
    for (event_id, other_id), score in relations.items():
        related[event_id][other_id] = related[other_id][event_id] = score
    return {event_id: tuple(other for other, _ in sorted(scores.items(), key=lambda item: (-item[1], item[0]))
                            [:RELATED_LIMIT])
            for event_id, scores in sorted(related.items())}


class _EventsByWeek:
    """Keys -> the events holding them, by the weeks each event covers: the events that may be
    related to one are those within RELATED_WINDOW of it (or undated), so looking only at those
    weeks keeps the work per event independent of the archive's length."""

    def __init__(self, events: dict[str, _Event]) -> None:
        self._by_week: dict[tuple[str, int], set[str]] = defaultdict(set)
        self._undated: dict[str, set[str]] = defaultdict(set)
        self._everywhere: dict[str, set[str]] = defaultdict(set)  # key -> every event holding it
        dated = [event for event in events.values() if event.first]
        # The weeks of the whole archive: a window covering them all needs no week-by-week union.
        self._span = (min(_week(e.first) for e in dated), max(_week(e.last) for e in dated)) if dated else (0, -1)
        for event_id, event in events.items():
            weeks = range(_week(event.first), _week(event.last) + 1) if event.first else None
            for key in event.keys:
                self._everywhere[key].add(event_id)
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
