"""The sitemap (an index of sitemaps by day) with hreflang alternates, and robots.txt pointing at it.

Every page of every interface is listed with absolute URLs (so the site works under a GitHub Pages
project sub-path), each with `<xhtml:link rel="alternate">` for all its language versions and an
`x-default` (the default interface). Output is sorted and carries no clock time: the only
`<lastmod>` is an article page's own (non-inferred) date.

sitemap.xml is a sitemap index. The pages are listed by day, as news sitemaps are: an article's
page and a day's list in `sitemap-YYYY-MM-DD.xml` (its date), an event's pages under the day of
its first report, undated articles and events in `sitemap-undated.xml`, and every other page (the
lists of the whole archive, sources, months) in `sitemap-pages.xml`. New articles then change the
sitemaps of their own days and the one of other pages, never the rest: a file whose pages all have
the fingerprint they had when it was written (see `generator/render/fingerprints.py`) is kept as it
is, so a rebuild does not list the whole archive again. The files sit at the site's root, because
a sitemap may only list URLs under its own folder. A group past MAX_URLS URLs (the sitemaps.org
limit per file) is cut into `sitemap-<group>-part1.xml`, `-part2` and so on.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, NamedTuple, Protocol, Sequence

from generator.build_state import code_version
from generator.output import SiteWriter
from generator.feeds import atom_date, xml_attr, xml_text
from generator.model import sort_instant
from generator.render.fingerprints import digest
from generator.render.urls import UrlScheme

SITEMAP_FILENAME = "sitemap.xml"
ROBOTS_FILENAME = "robots.txt"
MAX_URLS = 50_000                  # sitemaps.org: at most 50,000 URLs per sitemap file
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
X_DEFAULT = "x-default"
OTHER_PAGES = "pages"              # the group of pages that belong to no day
UNDATED = "undated"
_DATE = re.compile(r"\d{4}(?:-\d{2}){0,2}(?!\d)")  # a day, or the month or year of a less precise date


class PageLike(Protocol):
    url: str                       # URL path, base path included
    lang: str
    alternates: dict[str, str]     # interface language -> URL path


class SitemapEntry(NamedTuple):  # a tuple: one per page, every build
    loc: str                       # absolute URL
    lastmod: str | None
    alternates: tuple[tuple[str, str], ...]   # (hreflang, absolute URL), x-default last


_NOT_FOUND = "404.html"


def _is_not_found(url_path: str) -> bool:
    return url_path.endswith(_NOT_FOUND)


def _lastmod(page: PageLike) -> str | None:
    """An article page's date (W3C datetime); None for other pages and for inferred dates."""
    context = getattr(page, "context", None) or {}
    article = context.get("article")  # only article pages carry one (see Renderer.pages)
    if article is None or not getattr(article, "date", None) or getattr(article, "date_inferred", False):
        return None
    when = sort_instant(article)
    if when is None:
        return None
    if len(article.date) == 10:   # day precision: the date as written, no invented time of day
        return article.date
    return atom_date(when)


def _listed(page: PageLike) -> tuple:
    """What the sitemap's entry for a page is made of (see sitemap_entries and _lastmod)."""
    article = (getattr(page, "context", None) or {}).get("article")
    return page.url, page.lang, page.alternates, article and (article.date, article.date_inferred)


def sitemap_entries(pages: Iterable[PageLike], urls: UrlScheme) -> list[SitemapEntry]:
    """One entry per page URL (404 pages left out), sorted by URL."""
    # Every page, every build: the URLs are made absolute here rather than by a call each (the 31k
    # archive's 102,000 pages and their 300,000 alternates).
    origin, default_language = urls.absolute(""), urls.default_language
    entries: dict[str, SitemapEntry] = {}
    for page in pages:
        url = page.url
        if _is_not_found(url):
            continue
        loc = origin + url
        if loc in entries:
            continue
        versions = page.alternates
        alternates: tuple[tuple[str, str], ...] = ()
        if versions:
            if page.lang not in versions:
                versions = {**versions, page.lang: url}
            default = versions.get(default_language)
            alternates = tuple([(lang, origin + path) for lang, path in sorted(versions.items())]
                               + ([(X_DEFAULT, origin + default)] if default is not None else []))
        entries[loc] = SitemapEntry(loc, _lastmod(page), alternates)
    return [entries[loc] for loc in sorted(entries)]


def render_urlset(entries: list[SitemapEntry]) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">',
    ]
    # Each URL is escaped once: it is also an alternate of the page's other language versions (the
    # 31k archive's 102,000 pages have 300,000 alternates).
    escaped: dict[str, str] = {}
    for entry in entries:
        lines += ["  <url>", f"    <loc>{xml_text(entry.loc)}</loc>"]
        if entry.lastmod:
            lines.append(f"    <lastmod>{xml_text(entry.lastmod)}</lastmod>")
        for hreflang, href in entry.alternates:
            lang, link = escaped.get(hreflang), escaped.get(href)
            if lang is None:
                lang = escaped[hreflang] = xml_attr(hreflang)
            if link is None:
                link = escaped[href] = xml_attr(href)
            lines.append(f'    <xhtml:link rel="alternate" hreflang="{lang}" href="{link}"/>')
        lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def render_index(sitemap_urls: list[str]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{SITEMAP_NS}">']
    lines += [f"  <sitemap><loc>{xml_text(url)}</loc></sitemap>" for url in sitemap_urls]
    lines.append("</sitemapindex>")
    return "\n".join(lines) + "\n"


def sitemap_url(urls: UrlScheme) -> str:
    """The absolute URL of sitemap.xml (the sitemap, or the index when it is split)."""
    return urls.absolute(urls.base_path + SITEMAP_FILENAME)


def render_robots(urls: UrlScheme) -> str:
    return f"User-agent: *\nAllow: /\nSitemap: {sitemap_url(urls)}\n"


def sitemap_group(page: PageLike) -> str:
    """The sitemap a page is listed in: a day (YYYY-MM-DD; YYYY-MM or YYYY for a date known only
    that far), "undated" or "pages"."""
    context = getattr(page, "context", None) or {}
    article, day, event = context.get("article"), context.get("day"), context.get("event")
    if article is not None:
        when = article.date
    elif day is not None:
        when = day.day.isoformat()
    elif event is not None:
        when = event.first_date
    else:
        return OTHER_PAGES
    return _date_group(when) if when else UNDATED


@lru_cache(maxsize=4096)  # (an article's date: the same few days for thousands of pages)
def _date_group(when: str) -> str:
    known = _DATE.match(when)
    return known.group() if known else UNDATED


def group_files(group: str, urls: int) -> list[str]:
    """The files of a group of `urls` pages: one, or numbered parts of at most MAX_URLS."""
    if urls <= MAX_URLS:
        return [f"sitemap-{group}.xml"]
    return [f"sitemap-{group}-part{number}.xml" for number in range(1, -(-urls // MAX_URLS) + 1)]


def write_sitemap(site: SiteWriter, pages: Sequence[PageLike], urls: UrlScheme,
                  fingerprints: Sequence[str] | None = None, previous: dict[str, str] | None = None) -> dict[str, str]:
    """Write the sitemaps of `pages`, their index sitemap.xml and robots.txt; returns the sitemap
    files (relative) with the fingerprint of what each was made from, to pass as `previous` next time.

    `fingerprints` are the pages' own (in the order of `pages`): a group whose pages all have the
    fingerprints recorded for its file in `previous` (of the build whose files are in staging)
    keeps its file, and so does one whose pages changed but not what it lists of them (their
    addresses, language versions and dates): an article joining an event changes the pages of
    its other reports, on days all over the archive, but not one line of their sitemaps (a
    rebuild of the 31k archive wrote 12 of its 19 sitemaps again, 61,000 URLs, for 10 new
    articles on 3 days). Without them every sitemap is written.
    """
    previous = previous or {}
    groups: dict[str, list[int]] = {}
    # The members of the group of each context, by its id: a page's language versions share one
    # context, and so a group (every page, every build: the 31k archive's 102,000).
    by_context: dict[int, list[int]] = {}
    for index, page in enumerate(pages):
        if page.url.endswith(_NOT_FOUND):
            continue
        context = getattr(page, "context", None)
        if context:
            members = by_context.get(id(context))
            if members is None:
                members = by_context[id(context)] = groups.setdefault(sitemap_group(page), [])
        else:
            members = groups.setdefault(sitemap_group(page), [])
        members.append(index)
    shared = digest(code_version(), repr(urls))
    made: dict[str, str] = {}
    listed: list[str] = []  # every sitemap file, for the index
    for group, members in sorted(groups.items()):
        files = group_files(group, len(members))
        listed += files
        if fingerprints is not None:
            # (A page's fingerprint covers its URL; pages listed in another order only cost a rewrite.
            # Fingerprints are digests, of one length: joined, not the repr of their list digested.)
            fingerprint = digest(shared, group, "\0".join([fingerprints[i] for i in members]))
            recorded = [previous.get(name, "").split(":") for name in files]
            if all(len(record) == 3 and record[0] == fingerprint for record in recorded):
                listing = recorded[0][1]  # the same pages, the same listing
            else:
                listing = digest(shared, group, [_listed(pages[i]) for i in members])
            kept = {name: f"{fingerprint}:{listing}:{number}" for number, name in enumerate(files)}
            made.update(kept)
            if all(record[1:] == [listing, str(number)] for number, record in enumerate(recorded)) \
                    and all(map(site.keep, files)):
                continue
        entries = sitemap_entries([pages[i] for i in members], urls)
        size = -(-len(entries) // len(files))  # the same number of files, however many URLs were duplicates
        for number, name in enumerate(files):
            site.write(name, render_urlset(entries[number * size:(number + 1) * size]))
    site.write(SITEMAP_FILENAME, render_index([urls.absolute(urls.base_path + name) for name in listed]))
    site.write(ROBOTS_FILENAME, render_robots(urls))
    return made
