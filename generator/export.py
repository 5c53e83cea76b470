"""The archive's public data export: site/data/articles.json, one record per article."""

from __future__ import annotations

import json

from generator.model import Archive
from generator.render.urls import UrlScheme

EXPORT_PATH = "data/articles.json"
_ENCODER = json.JSONEncoder(ensure_ascii=False)


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


def records_json(records: list[dict]) -> str:
    """`json.dumps(records, ensure_ascii=False, indent=1)` for records of scalar values, written out
    here because with an indent the json module encodes in Python (a second for the 31k archive);
    each value alone is encoded by its C encoder."""
    if not records:
        return "[]"
    encode = _ENCODER.encode
    return "[\n" + ",\n".join(
        " {\n" + ",\n".join([f"  {encode(key)}: {encode(value)}" for key, value in record.items()]) + "\n }"
        if record else " {}"
        for record in records) + "\n]"


def export_text(archive: Archive, urls: UrlScheme, default_language: str) -> str:
    """The text of the export file (EXPORT_PATH in the site)."""
    return records_json(article_records(archive, urls, default_language)) + "\n"
