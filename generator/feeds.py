"""Atom 1.0 feeds of the archive: the site, each interface language, each source and each event.

Feeds are written beside the pages they belong to and follow the site's URL scheme, so they work
under a GitHub Pages project sub-path:

    feed.xml                   the site feed = the default interface's feed (all articles)
    <lang>/feed.xml            each other interface (all articles, linking that interface's pages)
    sources/<source-id>/feed.xml   each source (default interface)
    events/<event-id>.xml          each event (default interface), beside its page events/<event-id>.html

Article text is untrusted: every value is escaped, and characters that XML 1.0 forbids (control
characters, lone surrogates, U+FFFE/U+FFFF) are dropped. Output is byte-identical across runs: no
timestamp comes from the clock; a feed's <updated> is its newest entry's date.
"""

from __future__ import annotations

import heapq
import html
import re
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Callable, Iterable
from datetime import datetime

from generator import parallel
from generator.output import SiteWriter
from generator.article import Article
from generator.model import Archive, Event, lead, sort_instant
from generator.build_state import code_version
from generator.render.fingerprints import ContextFingerprints, digest
from generator.render.markdown import render_body
from generator.render.urls import UrlScheme

MAX_ENTRIES = 50                        # newest entries kept in each feed
FEED_FILENAME = "feed.xml"
EMPTY_FEED_UPDATED = "1970-01-01T00:00:00Z"  # <updated> of a feed without dated entries
ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_KINDS = ("site", "language", "source", "event")

# -- XML text ------------------------------------------------------------------------------------

# Characters outside the XML 1.0 `Char` production cannot appear in a document, even escaped.
_ILLEGAL_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 forbids."""
    return _ILLEGAL_XML.sub("", text)


# What no escaping below changes: most text (every URL of the sitemap) is returned by one search.
_ALLOWED_ABOVE_GT = "\u003f-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff"
_PLAIN_TEXT = re.compile(f"[\u0020-\u0025\u0027-\u003b\u003d{_ALLOWED_ABOVE_GT}\n\t]*")  # no & < > \r
_PLAIN_ATTR = re.compile(f"[\u0020\u0021\u0023-\u0025\u0027-\u003b\u003d{_ALLOWED_ABOVE_GT}]*")  # nor " \n \t


def xml_text(text: str) -> str:
    """`text` escaped as XML character data (a carriage return survives as a reference)."""
    if _PLAIN_TEXT.fullmatch(text):
        return text
    return (xml_safe(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r", "&#13;"))


def xml_attr(text: str) -> str:
    """`text` escaped for a double-quoted XML attribute value (whitespace kept as written)."""
    if _PLAIN_ATTR.fullmatch(text):
        return text
    return (xml_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;"))


# -- feed locations --------------------------------------------------------------------------------

def feed_url(urls: UrlScheme, kind: str, key: str | None = None) -> str:
    """The URL path (base path included) of a feed, for `<link rel="alternate" type="application/atom+xml">`.

    kind "site" (no key), "language" (key: interface language), "source" (key: source id) or
    "event" (key: event id). Wrap it in `urls.absolute(...)` where an absolute URL is needed.
    """
    if kind == "site":
        return urls.home(urls.default_language) + FEED_FILENAME
    if not key:
        raise ValueError(f"a {kind!r} feed needs a key")
    if kind == "language":
        return urls.home(key) + FEED_FILENAME
    if kind == "source":
        return f"{urls.home(urls.default_language)}sources/{key}/{FEED_FILENAME}"
    if kind == "event":
        return f"{urls.events(urls.default_language)}{key}.xml"  # (a file, as the event's page is)
    raise ValueError(f"unknown feed kind {kind!r}; expected one of {', '.join(FEED_KINDS)}")


# -- feed content ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Feed:
    url: str                  # URL path of the feed file
    alternate: str            # URL path of the HTML page the feed follows
    lang: str                 # interface language: entry links and author names
    title: str
    title_lang: str
    author: str               # feed-level author (the site), so every entry has one
    articles: tuple[Article, ...]
    event: Event | None = None  # the event whose reports these are (an event's feed)


def atom_date(when: datetime) -> str:
    """A UTC-naive datetime as an RFC 3339 timestamp ('2021-01-22T10:42:00Z')."""
    return (f"{when.year:04d}-{when.month:02d}-{when.day:02d}"
            f"T{when.hour:02d}:{when.minute:02d}:{when.second:02d}Z")


def newest_ranks(articles: Iterable[Article]) -> dict[str, int]:
    """Each dated article's place in newest-first order (ties by id, as on the site), 0 the newest."""
    dated = sorted((a for a in articles if sort_instant(a) is not None), key=lambda a: (sort_instant(a), a.id),
                   reverse=True)
    return {a.id: place for place, a in enumerate(dated)}


def feed_entries(articles: list[Article] | tuple[Article, ...], limit: int | None = None,
                 ranks: dict[str, int] | None = None) -> list[Article]:
    """Dated articles newest first (ties by id, as on the site), at most `limit` (MAX_ENTRIES).
    `ranks` are the whole archive's `newest_ranks`, worked out once for all its feeds."""
    if ranks is None:
        ranks = newest_ranks(articles)
    placed = [(place, a) for a in articles if (place := ranks.get(a.id)) is not None]
    # (the same as sorting them all and taking the first, without sorting a site feed's every article)
    return [a for _, a in heapq.nsmallest(MAX_ENTRIES if limit is None else limit, placed, key=itemgetter(0))]


_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def plain_lead(article: Article) -> str:
    """The lead paragraph as the reader sees it: Markdown escapes and syntax gone, one line."""
    return _plain_text(lead(article))


@lru_cache(maxsize=100_000)  # feeds, descriptions and metadata all ask for the same leads
def _plain_text(markdown_text: str) -> str:
    # Rendering resolves backslash escapes, entities and inline syntax exactly as the page does;
    # raw HTML is off, so every "<" left in the output opens a tag the renderer wrote.
    rendered = render_body(xml_safe(markdown_text))  # (markdown-it would turn NUL into U+FFFD)
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", rendered))).strip()


def _author_name(archive: Archive, article: Article, lang: str) -> str | None:
    source = archive.source(article)
    if source:
        return source.name(lang)
    return article.author or article.source


def render_feed(feed: Feed, archive: Archive, urls: UrlScheme, entries_made: dict | None = None,
                entries: list[Article] | None = None) -> str:
    """The Atom document of `feed`. `entries_made` keeps entries across the feeds of one build:
    an article's entry is the same in every feed of one interface language. `entries` are the
    feed's `feed_entries`, when known."""
    entries = feed_entries(feed.articles) if entries is None else entries
    made = entries_made if entries_made is not None else {}
    self_url = urls.absolute(feed.url)
    updated = atom_date(sort_instant(entries[0])) if entries else EMPTY_FEED_UPDATED
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f'<feed xmlns="{ATOM_NS}" xml:lang="{xml_attr(feed.lang)}">',
        f"  <id>{xml_text(self_url)}</id>",
        f'  <title type="text" xml:lang="{xml_attr(feed.title_lang)}">{xml_text(feed.title)}</title>',
        f"  <updated>{updated}</updated>",
        f'  <link rel="self" type="application/atom+xml" href="{xml_attr(self_url)}"/>',
        f'  <link rel="alternate" type="text/html" href="{xml_attr(urls.absolute(feed.alternate))}"/>',
        f"  <author><name>{xml_text(feed.author)}</name></author>",
    ]
    for article in entries:
        key = (article.id, feed.lang)
        if key not in made:
            made[key] = _entry(article, feed.lang, archive, urls)
        lines += made[key]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def _entry(article: Article, feed_lang: str, archive: Archive, urls: UrlScheme) -> list[str]:
    page = urls.absolute(urls.article(feed_lang, article.id))
    when = atom_date(sort_instant(article))
    lang = xml_attr(article.language)
    lines = [
        "  <entry>",
        f"    <id>{xml_text(page)}</id>",
        f'    <title type="text" xml:lang="{lang}">{xml_text(article.title)}</title>',
        f'    <link rel="alternate" type="text/html" href="{xml_attr(page)}"/>',
        f"    <published>{when}</published>",
        f"    <updated>{when}</updated>",
    ]
    author = _author_name(archive, article, feed_lang)
    if author:
        lines.append(f"    <author><name>{xml_text(author)}</name></author>")
    summary = plain_lead(article)
    if summary:
        lines.append(f'    <summary type="text" xml:lang="{lang}">{xml_text(summary)}</summary>')
    lines += [
        f'    <content type="html" xml:lang="{lang}">{xml_text(render_body(xml_safe(article.body)))}</content>',
        "  </entry>",
    ]
    return lines


def archive_feeds(archive: Archive, urls: UrlScheme, site_titles: dict[str, str],
                  languages: tuple[str, ...], default_language: str) -> list[Feed]:
    """Every feed of the archive, the site feed first, then other languages, sources, events."""
    if default_language != urls.default_language:
        raise ValueError(f"default language {default_language!r} differs from the URL scheme's "
                         f"{urls.default_language!r}")
    every = tuple(archive.articles)
    feeds = [
        Feed(feed_url(urls, "language", lang), urls.home(lang), lang, site_titles[lang], lang,
             site_titles[lang], every)
        for lang in dict.fromkeys((default_language, *languages))
    ]
    site_title = site_titles[default_language]
    for source_id in archive.source_ids():
        source = archive.sources.get(source_id)
        name = source.name(default_language) if source else source_id
        articles = tuple(archive.source_articles(source_id))
        feeds.append(Feed(feed_url(urls, "source", source_id), urls.source(default_language, source_id),
                          default_language, f"{name} — {site_title}", default_language, site_title, articles))
    for event_id, event in sorted(archive.events.items()):
        feeds.append(Feed(feed_url(urls, "event", event_id), urls.event(default_language, event_id),
                          default_language, event.title, event.language, site_title, tuple(event.articles), event))
    return feeds


def write_feeds(site: SiteWriter, archive: Archive, urls: UrlScheme, site_titles: dict[str, str],
                languages: tuple[str, ...], default_language: str,
                previous: dict[str, str] | None = None, jobs: int = 1,
                article_fingerprint: Callable[[Article], str] | None = None,
                event_fingerprint: Callable[[Event], str] | None = None) -> dict[str, str]:
    """Write every feed into the site (rendering in `jobs` processes); returns the files written (relative POSIX paths) with the
    fingerprint of what each was made from. A feed whose fingerprint is in `previous` (from the
    build whose files are in staging) is kept as it is. `article_fingerprint` digests what a feed
    may show of an article (the renderer's, which has digested every article already), and
    `event_fingerprint` all of an event: an event's feed shows its own newest reports, which the
    event's digest covers, so its entries are picked only when it is written (18,000 feeds of the
    31k archive, nearly all unchanged in a rebuild)."""
    previous = previous or {}
    article_fingerprint = article_fingerprint or ContextFingerprints().article
    shared = digest(code_version(), repr(urls), repr(archive.sources))
    written = {}
    todo = []
    ranks = newest_ranks(archive.articles)
    for feed in archive_feeds(archive, urls, site_titles, languages, default_language):
        relative = urls.output_file(feed.url)
        entries = None
        if feed.event is not None and event_fingerprint is not None:
            shown: object = ("event", event_fingerprint(feed.event))
        else:
            entries = feed_entries(feed.articles, ranks=ranks)
            shown = [article_fingerprint(a) for a in entries]
        fingerprint = digest(shared, feed.url, feed.alternate, feed.lang, feed.title, feed.title_lang,
                             feed.author, shown)
        written[relative] = fingerprint
        if previous.get(relative) == fingerprint and site.keep(relative):
            continue
        todo.append((feed, entries if entries is not None else feed_entries(feed.articles, ranks=ranks)))
    if jobs > 1 and len(todo) >= parallel.MINIMUM:
        for files in parallel.in_forked_processes(_write_chunk, (site, archive, urls, todo), list(range(len(todo))), jobs):
            site.record(files)
    else:
        made: dict = {}
        for feed, entries in todo:
            site.write(urls.output_file(feed.url), render_feed(feed, archive, urls, made, entries))
    return written


def _write_chunk(indices: list[int]) -> dict[str, str]:
    site, archive, urls, feeds = parallel.work()
    local, made = SiteWriter(site.root, site.previous), {}
    for index in indices:
        feed, entries = feeds[index]
        local.write(urls.output_file(feed.url), render_feed(feed, archive, urls, made, entries))
    return local.written
