"""The archive's public data export: site/data/articles.json, one record per article."""

from __future__ import annotations

import json

from generator.output import SiteWriter
from generator.model import Archive
from generator.render.urls import UrlScheme

EXPORT_PATH = "data/articles.json"


def article_records(archive: Archive, urls: UrlScheme, default_language: str) -> list[dict]:
    return [
        {
            "id": article.id,
            "seed": article.seed,
            "url": urls.absolute(urls.article(default_language, article.id)),
            "source_url": article.source_url,
            "title": article.title,
            "date": article.date,
            "source": article.source,
            "language": article.language,
            "event": article.event,
        }
        for article in sorted(archive.articles, key=lambda a: a.id)
    ]


def write_export(site: SiteWriter, archive: Archive, urls: UrlScheme, default_language: str) -> None:
    records = article_records(archive, urls, default_language)
    site.write(EXPORT_PATH, json.dumps(records, ensure_ascii=False, indent=1) + "\n")
