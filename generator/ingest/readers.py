"""Readers: one per kind of input file, each turning a decoded file into articles (or problems).

A reader never writes anything. What it cannot use it reports through `problems`, naming the
file (and the record of a dump); the caller reports anything it raises and goes on with the rest.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any, Callable, Iterator, NamedTuple

from generator.arabic import detect_language
from generator.article import Article, Problems, is_web_address
from generator.config import DumpFieldsConfig
from generator.content import ContentError, parse
from generator.ingest.body import blocks_to_markdown
from generator.ingest.dates import FoundDate, find_date_in_path, parse_date_line
from generator.ingest.ids import article_id_from_digest, article_id_from_key, raw_text_digest
from generator.ingest.plain_text import ParsedText, body_blocks, clean_line, clean_lines, parse_plain_text
from generator.sources import SourceRegistry

_UNKNOWN_SOURCE_HINT = ("add it to content/sources.toml or put the file in a folder named after the "
                        "source id")


@dataclass(frozen=True)
class RawFile:
    path: str          # relative to the project root, POSIX separators
    text: str          # decoded
    folder_source: str | None = None  # source id implied by the seeds/ sub-folder, if registered


@dataclass(frozen=True)
class ReadContext:
    registry: SourceRegistry
    dump_fields: DumpFieldsConfig
    problems: Problems


class ReadArticle(NamedTuple):
    article: Article
    record: str | None = None  # the record of a dump it was read from, for reports


Reader = Callable[[RawFile, ReadContext], list[ReadArticle]]


def _article_from_parsed(parsed: ParsedText, raw: RawFile, context: ReadContext, *, article_id: str,
                         digest: str, record: str | None = None, source_url: str | None = None,
                         source_id: str | None = None, source_reported: bool = False) -> Article:
    found_date = parsed.date or find_date_in_path(raw.path)
    source_id = source_id or (parsed.source.id if parsed.source else None) or raw.folder_source
    body = blocks_to_markdown(parsed.blocks)
    for note in parsed.notes:
        context.problems.warn(raw.path, note, record)
    if parsed.unreadable_date:  # one line for the date: what is wrong with it and what was done instead
        instead = ("it was ignored" if parsed.date else "the date in the file path is used" if found_date
                   else "the article has no date")
        context.problems.warn(raw.path, f"{parsed.unreadable_date}; {instead}", record)
    elif found_date is None:
        context.problems.warn(raw.path, "no date found in the text or the file path", record)
    if source_id is None and not source_reported:
        context.problems.warn(raw.path, f"unknown source: the article names no registered outlet ({_UNKNOWN_SOURCE_HINT})", record)
    return Article(
        id=article_id,
        title=parsed.title,
        kicker=parsed.kicker,
        language=detect_language(parsed.title + " " + body),
        body=body,
        date=found_date.iso() if found_date else None,
        date_precision=found_date.precision if found_date else None,
        source=source_id,
        section=parsed.section,
        author=parsed.author,
        place=parsed.place,
        seed=raw.path,
        source_url=source_url,
        raw_sha256=digest,
    )


def read_plain_text(raw: RawFile, context: ReadContext) -> list[ReadArticle]:
    if not clean_lines(raw.text):  # nothing but spaces, byte-order marks or direction marks
        context.problems.error(raw.path, "empty file (no text); skipped")
        return []
    parsed = parse_plain_text(raw.text, context.registry)
    digest = raw_text_digest(raw.text)
    return [ReadArticle(_article_from_parsed(parsed, raw, context, article_id=article_id_from_digest(digest),
                                             digest=digest))]


def read_markdown(raw: RawFile, context: ReadContext) -> list[ReadArticle]:
    """Curated Markdown in seeds/: metadata is taken as given, after validation."""
    try:
        article = parse(raw.text, raw.path)
    except ContentError as error:
        context.problems.error(raw.path, f"{error}; skipped")
        return []
    if article.source and context.registry.get(article.source) is None:
        context.problems.warn(raw.path, f"source {article.source!r} is not in content/sources.toml")
    return [ReadArticle(article.with_changes(seed=raw.path, raw_sha256=raw_text_digest(raw.text)))]


# -- structured dumps ---------------------------------------------------------------------------

class DumpError(Exception):
    pass


def _json_records(text: str) -> Iterator[tuple[str, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise DumpError(f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None
    if not isinstance(data, list):
        raise DumpError("a JSON dump must be an array of article records")
    for number, record in enumerate(data, start=1):
        yield f"{number}", record


def _jsonl_records(text: str) -> Iterator[tuple[str, Any]]:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield f"line {number}", json.loads(line)
        except json.JSONDecodeError as error:
            yield f"line {number}", DumpError(f"not valid JSON: {error.msg}")


def _csv_records(text: str) -> Iterator[tuple[str, Any]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise DumpError("a CSV dump needs a header row naming its columns")
    for number, row in enumerate(reader, start=1):
        if None in row:  # more cells than header columns
            yield f"{number}", DumpError("has more cells than the header has columns")
            continue
        yield f"{number}", row


def _field(record: dict, names: tuple[str, ...]) -> str | None:
    for name in names:
        value = record.get(name)
        if value is None:
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _dump_date(value: str | None) -> FoundDate | None:
    return parse_date_line(value) if value else None


def _split_author(value: str | None) -> tuple[str | None, str | None]:
    """`لندن: رنيم حنوش` -> (place, author); a plain name -> (None, name)."""
    if not value:
        return None, None
    if ":" in value:
        place, _, name = value.partition(":")
        if 0 < len(place.split()) <= 2 and name.strip():
            return place.strip(), name.strip()
    return None, value


def _read_dump(raw: RawFile, context: ReadContext, records: Iterator[tuple[str, Any]]) -> list[ReadArticle]:
    fields = context.dump_fields
    articles = []
    try:
        for label, record in records:
            if isinstance(record, DumpError):
                context.problems.error(raw.path, f"{record}; skipped", label)
                continue
            if not isinstance(record, dict):
                context.problems.error(raw.path, "is not an object of named fields; skipped", label)
                continue
            article = _article_from_record(raw, context, label, record, fields)
            if article:
                articles.append(ReadArticle(article, label))
    except DumpError as error:
        context.problems.error(raw.path, f"{error}; skipped")
    return articles


def _article_from_record(raw: RawFile, context: ReadContext, label: str, record: dict,
                         fields: DumpFieldsConfig) -> Article | None:
    problems = context.problems
    body_text = _field(record, fields.body)
    if body_text is None:
        problems.error(raw.path, f"no body (none of the fields {', '.join(fields.body)}); skipped", label)
        return None
    lines = clean_lines(body_text)
    title = clean_line(_field(record, fields.title) or "")
    if not title:
        title = " ".join(lines[0].split()[:12]) if lines else ""
        problems.warn(raw.path, "no title; the start of the body is used", label)
    url = _field(record, fields.url)
    link = url
    if url and not is_web_address(url):
        problems.warn(raw.path, f"url {url!r} is not a web address (http or https); it is not linked", label)
        link = None
    parsed = ParsedText(title=title)
    parsed.date = _dump_date(_field(record, fields.date))
    if parsed.date is None and _field(record, fields.date):
        parsed.unreadable_date = f"date {_field(record, fields.date)!r} is not a date this archive can read"
    parsed.place, parsed.author = _split_author(_field(record, fields.author))
    body_blocks(lines, context.registry, parsed, take_metadata=False)

    source_id = None
    named = _field(record, fields.source)
    if named:
        source = context.registry.get(named) or context.registry.match_name(named)
        if source:
            source_id = source.id
        else:
            problems.warn(raw.path, f"unknown source {named!r} ({_UNKNOWN_SOURCE_HINT})", label)
    if source_id is None and link:
        source = context.registry.match_url(link)
        source_id = source.id if source else None

    key = _field(record, fields.id) or url
    digest = raw_text_digest(title + "\n" + body_text)
    article_id = article_id_from_key(key) if key else article_id_from_digest(digest)
    return _article_from_parsed(parsed, raw, context, article_id=article_id, digest=digest,
                                record=label, source_url=link, source_id=source_id,
                                source_reported=named is not None and source_id is None)


def read_json(raw: RawFile, context: ReadContext) -> list[ReadArticle]:
    return _read_dump(raw, context, _json_records(raw.text))


def read_jsonl(raw: RawFile, context: ReadContext) -> list[ReadArticle]:
    return _read_dump(raw, context, _jsonl_records(raw.text))


def read_csv(raw: RawFile, context: ReadContext) -> list[ReadArticle]:
    return _read_dump(raw, context, _csv_records(raw.text))


READERS: dict[str, Reader] = {
    ".txt": read_plain_text,
    ".text": read_plain_text,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".json": read_json,
    ".jsonl": read_jsonl,
    ".ndjson": read_jsonl,
    ".csv": read_csv,
}
