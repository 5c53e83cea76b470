"""The text of each article as it arrived: its seed file, decoded, published as raw/<id>.txt.

Only an article that is its seed file's whole text gets one (the seed's digest equals the
article's `raw_sha256`): one record of a JSON, JSONL or CSV dump does not, nor a curated article
without a seed. The text is served as plain text, never as HTML.
"""

from __future__ import annotations

from pathlib import Path

from generator.output import SiteWriter
from generator.article import Article
from generator.ingest.decode import DecodeError, decode_bytes
from generator.ingest.ids import raw_text_digest
from generator.render.urls import UrlScheme


def collect_raw_texts(root: Path, articles: list[Article]) -> dict[str, str]:
    """Article id -> decoded seed text, for the articles whose seed is theirs alone and still present."""
    texts: dict[str, str] = {}
    by_seed: dict[str, list[Article]] = {}
    for article in articles:
        if article.seed and article.raw_sha256:
            by_seed.setdefault(article.seed, []).append(article)
    # A seed holding several articles is a dump: no record's text is the whole file, so it is
    # not read at all (reading it once per record made large dumps quadratic).
    for seed, group in sorted(by_seed.items()):
        if len(group) != 1:
            continue
        article = group[0]
        path = root / seed
        if not path.is_file() or not path.resolve().is_relative_to(root.resolve()):
            continue
        try:
            text, _ = decode_bytes(path.read_bytes())
        except (OSError, DecodeError):
            continue
        if raw_text_digest(text) == article.raw_sha256:
            texts[article.id] = text
    return texts


def write_raw_texts(site: SiteWriter, texts: dict[str, str], urls: UrlScheme) -> list[str]:
    """Write each text as UTF-8 into the site; returns the files written, relative to it."""
    written = []
    for article_id, text in sorted(texts.items()):
        relative = urls.output_file(urls.raw(article_id))
        site.write(relative, text)
        written.append(relative)
    return written
