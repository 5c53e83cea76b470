"""Machine-readable metadata of an article page's <head>: description, OpenGraph, JSON-LD
NewsArticle and Highwire citation_* tags. Values are plain text for autoescaped attributes, except
JSON-LD, which is made safe here for a <script> element.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from generator import feeds  # plain_lead (module import: feeds imports generator.render.markdown)
from generator.article import Article, parse_iso_date
from generator.model import Event

DESCRIPTION_LENGTH = 160           # characters, as search engines show them
_OG_LOCALE = {"ar": "ar_AR", "en": "en_GB"}


def description(article: Article, limit: int = DESCRIPTION_LENGTH) -> str:
    """The lead as plain text, cut at a word boundary with an ellipsis when longer than `limit`."""
    text = feeds.plain_lead(article) or article.title
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.،؛:;") + "…"


def script_json(data: object) -> str:
    """JSON for inside <script>: '<', '>' and '&' as \\u escapes, so text such as '</script>' or
    '<!--' in the data cannot end or alter the element; U+2028/U+2029 escaped for old parsers."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


@dataclass(frozen=True)
class PageFacts:
    article: Article
    event: Event | None
    canonical: str                # absolute URL of this page
    event_url: str | None         # absolute URL of the event page in this interface
    source_name: str | None       # in the interface language
    site_title: str
    site_url: str                 # absolute URL of this interface's home
    lang: str                     # interface language


def json_ld(facts: PageFacts) -> str:
    article = facts.article
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "inLanguage": article.language,
        "url": facts.canonical,
        "mainEntityOfPage": facts.canonical,
        "description": description(article),
    }
    if article.date:
        data["datePublished"] = article.date
    if facts.source_name:
        data["publisher"] = {"@type": "Organization", "name": facts.source_name}
    if article.author:
        data["author"] = {"@type": "Person", "name": article.author}
    elif facts.source_name:
        data["author"] = {"@type": "Organization", "name": facts.source_name}
    if article.place:
        data["contentLocation"] = {"@type": "Place", "name": article.place}
    if article.source_url:
        data["isBasedOn"] = article.source_url
    if article.section:
        data["articleSection"] = article.section
    if facts.event and facts.event_url:
        name = facts.event.curated_title(facts.lang) or facts.event.title   # as the page shows it
        data["about"] = {"@type": "Event", "name": name, "url": facts.event_url}
    data["isPartOf"] = {"@type": "WebSite", "name": facts.site_title, "url": facts.site_url}
    return script_json(data)


def open_graph(facts: PageFacts) -> list[tuple[str, str]]:
    """(property, content) pairs for <meta property=...>."""
    article = facts.article
    tags = [
        ("og:type", "article"),
        ("og:title", article.title),
        ("og:description", description(article)),
        ("og:url", facts.canonical),
        ("og:site_name", facts.site_title),
        ("og:locale", _OG_LOCALE.get(article.language, article.language)),  # the page is the article
    ]
    if article.date and not article.date_inferred:
        tags.append(("article:published_time", article.date))
    if article.section:
        tags.append(("article:section", article.section))
    if article.author:
        tags.append(("article:author", article.author))
    return tags


def highwire(facts: PageFacts) -> list[tuple[str, str]]:
    """(name, content) pairs of Highwire Press citation_* tags (read by Google Scholar and Zotero)."""
    article = facts.article
    tags = [("citation_title", article.title)]
    if article.author:
        tags.append(("citation_author", article.author))
    when = parse_iso_date(article.date) if article.date else None
    if when:
        tags.append(("citation_publication_date", f"{when.year:04d}/{when.month:02d}/{when.day:02d}"))
    if facts.source_name:
        tags.append(("citation_publisher", facts.source_name))
    tags += [("citation_language", article.language), ("citation_fulltext_html_url", facts.canonical)]
    return tags
