"""Readers: one per kind of input file, each turning a file into articles (or problems).

A reader gets the decoded text and returns articles; it never writes anything and never raises
for bad input (the caller reports what it raises, naming the file, and goes on with the rest).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from generator.arabic import detect_language
from generator.article import Article, Problems
from generator.content import ContentError, parse
from generator.ingest.body import blocks_to_markdown
from generator.ingest.dates import find_date_in_path
from generator.ingest.ids import article_id_from_digest, raw_text_digest
from generator.ingest.plain_text import parse_plain_text
from generator.sources import SourceRegistry


@dataclass(frozen=True)
class RawFile:
    path: str          # relative to the project root, POSIX separators
    text: str          # decoded
    folder_source: str | None = None  # source id implied by the seeds/ sub-folder, if registered


Reader = Callable[[RawFile, SourceRegistry, Problems], list[Article]]


def read_plain_text(raw: RawFile, registry: SourceRegistry, problems: Problems) -> list[Article]:
    if not raw.text.strip():
        problems.error(raw.path, "empty file (no text); skipped")
        return []
    parsed = parse_plain_text(raw.text, registry)
    digest = raw_text_digest(raw.text)
    found_date = parsed.date or find_date_in_path(raw.path)
    source_id = parsed.source.id if parsed.source else raw.folder_source
    body = blocks_to_markdown(parsed.blocks)
    language = detect_language(parsed.title + " " + body)
    for note in parsed.notes:
        problems.warn(raw.path, note)
    if found_date is None:
        problems.warn(raw.path, "no date found in the text or the file path")
    if source_id is None:
        problems.warn(raw.path, "unknown source: no registered outlet named in the text "
                                "(add it to content/sources.toml or put the file in a folder named after the source id)")
    return [Article(
        id=article_id_from_digest(digest),
        title=parsed.title,
        kicker=parsed.kicker,
        language=language,
        body=body,
        date=found_date.iso() if found_date else None,
        date_precision=found_date.precision if found_date else None,
        source=source_id,
        section=parsed.section,
        seed=raw.path,
        raw_sha256=digest,
    )]


def read_markdown(raw: RawFile, registry: SourceRegistry, problems: Problems) -> list[Article]:
    """Curated Markdown in seeds/: metadata is taken as given, after validation."""
    try:
        article = parse(raw.text, raw.path)
    except ContentError as error:
        problems.error(raw.path, f"{error}; skipped")
        return []
    if article.source and registry.get(article.source) is None:
        problems.warn(raw.path, f"source {article.source!r} is not in content/sources.toml")
    return [article.with_changes(seed=raw.path, raw_sha256=raw_text_digest(raw.text))]


READERS: dict[str, Reader] = {
    ".txt": read_plain_text,
    ".text": read_plain_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
}
