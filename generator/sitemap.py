"""sitemap.xml with hreflang alternates, and robots.txt pointing at it.

Every page of every interface is listed with absolute URLs (so the site works under a GitHub Pages
project sub-path), each with `<xhtml:link rel="alternate">` for all its language versions and an
`x-default` (the default interface). Output is sorted and carries no clock time: the only
`<lastmod>` is an article page's own (non-inferred) date.

Past MAX_URLS URLs (the sitemaps.org limit per file), the URLs go into sitemap-1.xml, sitemap-2.xml
and so on, and sitemap.xml becomes a sitemap index that lists them.
"""

from __future__ import annotations

from typing import Iterable, NamedTuple, Protocol

from generator.output import SiteWriter
from generator.feeds import atom_date, xml_attr, xml_text
from generator.model import sort_instant
from generator.render.urls import UrlScheme

SITEMAP_FILENAME = "sitemap.xml"
ROBOTS_FILENAME = "robots.txt"
MAX_URLS = 50_000                  # sitemaps.org: at most 50,000 URLs per sitemap file
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
X_DEFAULT = "x-default"


class PageLike(Protocol):
    url: str                       # URL path, base path included
    lang: str
    alternates: dict[str, str]     # interface language -> URL path


class SitemapEntry(NamedTuple):  # a tuple: one per page, every build
    loc: str                       # absolute URL
    lastmod: str | None
    alternates: tuple[tuple[str, str], ...]   # (hreflang, absolute URL), x-default last


def _is_not_found(url_path: str) -> bool:
    return url_path.endswith("404.html")


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


def write_sitemap(site: SiteWriter, pages: Iterable[PageLike], urls: UrlScheme) -> list[str]:
    """Write sitemap.xml (split past MAX_URLS) and robots.txt; returns the files written, relative."""
    entries = sitemap_entries(pages, urls)
    files: dict[str, str] = {}
    if len(entries) <= MAX_URLS:
        files[SITEMAP_FILENAME] = render_urlset(entries)
    else:
        parts = []
        for number, start in enumerate(range(0, len(entries), MAX_URLS), start=1):
            name = f"sitemap-{number}.xml"
            files[name] = render_urlset(entries[start:start + MAX_URLS])
            parts.append(urls.absolute(urls.base_path + name))
        files[SITEMAP_FILENAME] = render_index(parts)
    files[ROBOTS_FILENAME] = render_robots(urls)
    for name, text in files.items():
        site.write(name, text)
    return list(files)
