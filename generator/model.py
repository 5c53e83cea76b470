"""The archive model: every article, event, source and date, gathered before anything renders.

Like MkDocs, the build first collects all data so that every page sees the same consistent
archive; rendering then only reads this model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property, lru_cache

from generator.arabic import word_count as count_words
from generator.article import Article, is_valid_id, parse_iso_date
from generator.curated_events import CuratedEvent
from generator.date_archive import DateArchive, build_date_archive
from generator.duplicates import near_duplicate_ids
from generator.sources import Source, SourceRegistry


def sort_instant(article: Article) -> datetime | None:
    """The article's moment as a UTC-naive datetime for ordering (day-precision dates at 00:00)."""
    return _instant(article.date) if article.date else None


@lru_cache(maxsize=1 << 18)  # every list, feed and sitemap of a build orders the same dates again
def _instant(value: str) -> datetime | None:
    when = parse_iso_date(value)
    if when is not None and when.tzinfo:
        when = when.astimezone(timezone.utc).replace(tzinfo=None)
    return when


def newest_first(articles: list[Article]) -> list[Article]:
    dated = sorted((a for a in articles if a.date), key=lambda a: (sort_instant(a), a.id), reverse=True)
    undated = sorted((a for a in articles if not a.date), key=lambda a: a.id)
    return dated + undated


WORDS_PER_MINUTE = {"ar": 180, "en": 230}  # typical silent reading speeds of news prose


def word_count(article: Article) -> int:
    return _words_in(article.body)


@lru_cache(maxsize=4096)  # an article's page in each interface language asks, one after the other
def _words_in(text: str) -> int:
    return count_words(text)


def reading_minutes(article: Article) -> int:
    return max(1, round(word_count(article) / WORDS_PER_MINUTE.get(article.language, 200)))


def lead(article: Article) -> str:
    """The first paragraph of the body, as Markdown source."""
    return next((block for block in article.body.split("\n\n") if block and not block.startswith("#")), "")


def oldest_first(articles: list[Article]) -> list[Article]:
    dated = sorted((a for a in articles if a.date), key=lambda a: (sort_instant(a), a.id))
    return dated + sorted((a for a in articles if not a.date), key=lambda a: a.id)


@dataclass
class Event:
    id: str
    articles: list[Article]  # oldest first: the event's timeline
    curated: CuratedEvent | None = None
    merged_from: tuple[str, ...] = ()  # ids of events an archivist merged into this one
    copies: dict[str, list[Article]] = field(default_factory=dict)  # original id -> its reprints
    related: tuple[str, ...] = ()  # ids of events of the same story (follow-ups, reactions)

    @cached_property
    def reports(self) -> list[Article]:
        """The timeline without reprints: each near-duplicate group appears once, as its original.
        (Worked out once: build_archive makes an event whole, and pages and templates ask for it
        again and again, each of its articles' pages once.)"""
        if not self.copies:
            return self.articles
        reprinted = {copy.id for group in self.copies.values() for copy in group}
        return [a for a in self.articles if a.id not in reprinted]

    @property
    def title(self) -> str:
        """The first report's headline (in that report's language)."""
        return self.articles[0].title

    def curated_title(self, lang: str) -> str | None:
        return self.curated.title(lang) if self.curated else None

    def summary(self, lang: str) -> str | None:
        return self.curated.summary(lang) if self.curated else None

    @property
    def language(self) -> str:
        return self.articles[0].language

    @property
    def first_date(self) -> str | None:
        return next((a.date for a in self.articles if a.date), None)

    @property
    def last_date(self) -> str | None:
        return next((a.date for a in reversed(self.articles) if a.date), None)

    @property
    def source_ids(self) -> list[str]:
        return sorted({a.source for a in self.articles if a.source})


@dataclass(frozen=True)
class ContentPage:
    """A page of prose from content/pages/ (such as about.ar.md), in one language."""
    slug: str
    language: str
    title: str
    body: str                        # Markdown


@dataclass
class Archive:
    articles: list[Article]          # newest first
    events: dict[str, Event]
    sources: SourceRegistry
    by_id: dict[str, Article] = field(default_factory=dict)
    raw_text_ids: frozenset[str] = frozenset()   # articles whose text as it arrived is published
    pages: dict[str, dict[str, ContentPage]] = field(default_factory=dict)  # slug -> language -> page
    duplicates: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)  # for the next build_archive
    dates: DateArchive = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {a.id: a for a in self.articles}
        self.dates = build_date_archive(self.articles)
        self._by_source: dict[str, list[Article]] = {}
        self._source_position: dict[str, int] = {}
        self._by_coverage: list[Event] | None = None
        self._report_groups: dict[str, dict[str, list[Article]]] = {}  # event id -> article id -> the others
        for article in self.articles:
            if article.source:
                group = self._by_source.setdefault(article.source, [])
                self._source_position[article.id] = len(group)
                group.append(article)

    def source_ids(self) -> list[str]:
        """Every registered source and every source id an article carries (if usable in a path)."""
        ids = set(self.sources.sources) | set(self._by_source)
        return sorted(i for i in ids if is_valid_id(i))

    def source_articles(self, source_id: str) -> list[Article]:
        """The source's articles, newest first."""
        return self._by_source.get(source_id, [])

    def source_neighbours(self, article: Article) -> tuple[Article | None, Article | None]:
        """The previous (older) and next (newer) article from the same source."""
        if not article.source:
            return None, None
        ordered = self._by_source[article.source]       # newest first
        index = self._source_position[article.id]
        newer = ordered[index - 1] if index > 0 else None
        older = ordered[index + 1] if index + 1 < len(ordered) else None
        return older, newer

    def source(self, article: Article) -> Source | None:
        return self.sources.get(article.source)

    def event_of(self, article: Article) -> Event | None:
        return self.events.get(article.event) if article.event else None

    def other_coverage(self, article: Article) -> list[Article]:
        """Other reports of the article's event (each reprinted report once, not its copies)."""
        event = self.event_of(article)
        if not event:
            return []
        same_report = {a.id for a in self.same_report(article)} | {article.id}
        return [a for a in event.reports if a.id not in same_report]

    def same_report(self, article: Article) -> list[Article]:
        """The other outlets' copies of this very report (wire copy, or the same article twice)."""
        event = self.event_of(article)
        if not event or not event.copies:
            return []
        groups = self._report_groups.get(event.id)
        if groups is None:  # each of the event's articles' group, worked out once for all of them
            groups = self._report_groups[event.id] = {}
            for original_id, copies in event.copies.items():
                group = [self.by_id[original_id], *copies]
                for member in group:
                    groups.setdefault(member.id, [a for a in group if a.id != member.id])
        return list(groups.get(article.id, ()))

    def reprints(self, article: Article) -> list[Article]:
        event = self.event_of(article)
        return event.copies.get(article.id, []) if event else []

    def related_events(self, article: Article) -> list[Event]:
        event = self.event_of(article)
        return [self.events[other] for other in event.related] if event else []

    def events_by_coverage(self) -> list[Event]:
        if self._by_coverage is None:  # (the home page, the search page and its fingerprint ask)
            self._by_coverage = sorted(self.events.values(), key=lambda e: (-len(e.reports), e.first_date or "", e.id))
        return list(self._by_coverage)

    def events_newest_first(self) -> list[Event]:
        """By when each event began (its first report), the latest first; undated events last.

        An event keeps its place as coverage comes in, so the events index grows at its top."""
        began = {event.id: next((sort_instant(a) for a in event.articles if a.date), None)
                 for event in self.events.values()}
        dated = sorted(((began[e.id], e.id, e) for e in self.events.values() if began[e.id]), reverse=True)
        undated = sorted((e.id, e) for e in self.events.values() if not began[e.id])
        return [e for _, _, e in dated] + [e for _, e in undated]


def build_archive(articles: list[Article], sources: SourceRegistry,
                  curated: dict[str, CuratedEvent] | None = None,
                  merges: dict[str, str] | None = None,
                  related: dict[str, tuple[str, ...]] | None = None,
                  raw_text_ids: frozenset[str] = frozenset(),
                  pages: dict[str, dict[str, ContentPage]] | None = None,
                  duplicates: dict[str, tuple[tuple[str, ...], ...]] | None = None) -> Archive:
    """Gather the archive; `merges` maps merged event ids to the event they were merged into.
    `duplicates` is the previous build's `Archive.duplicates` (near-duplicate groups by timeline)."""
    curated, merges = curated or {}, merges or {}
    articles = [a.with_changes(event=merges[a.event]) if a.event in merges else a for a in articles]
    members: dict[str, list[Article]] = {}
    for article in articles:
        if article.event:
            members.setdefault(article.event, []).append(article)
    merged_from: dict[str, list[str]] = {}
    for old, new in sorted(merges.items()):
        merged_from.setdefault(new, []).append(old)
    events = {}
    known = duplicates if isinstance(duplicates, dict) else {}
    found: dict[str, tuple[tuple[str, ...], ...]] = {}
    for event_id, group in sorted(members.items()):
        timeline = oldest_first(group)
        copies = {}
        if len(timeline) > 1:
            by_id = {a.id: a for a in timeline}
            copies = {ids[0]: [by_id[i] for i in ids[1:]] for ids in near_duplicate_ids(timeline, known, found)}
        events[event_id] = Event(event_id, timeline, curated.get(event_id),
                                 tuple(merged_from.get(event_id, ())), copies)
    for event_id, event in events.items():
        # Relations follow merges, and never point at the event itself.
        targets = (merges.get(other, other) for other in (related or {}).get(event_id, ()))
        event.related = tuple(dict.fromkeys(t for t in targets if t != event_id and t in events))
    return Archive(newest_first(articles), events, sources, raw_text_ids=frozenset(raw_text_ids),
                   pages=pages or {}, duplicates=found)
