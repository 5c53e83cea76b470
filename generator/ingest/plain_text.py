"""Read a crawled plain-text article: find its title, kicker, date and outlet, and rebuild paragraphs.

Crawled text comes in a handful of recurring layouts (see the ingestion issue and the seeds):
a `kicker:` line before the headline, the headline repeated, a date line, an `outlet - section`
line, a `place - author` byline or a `place (agency) -` dateline, paragraphs one per line with
short subheadings, or a whole body on one line joined by `.,`/`,,` artefacts.
Metadata lines are taken out of the body; every other word stays, in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.arabic import arabic_share, fold
from generator.ingest.dates import FoundDate, names_impossible_date, parse_date_line
from generator.sources import Source, SourceRegistry

_SPACES = re.compile(r"[ \t\u00A0\u2000-\u200A\u202F\u205F\u3000]+")
_INVISIBLE = re.compile(r"[\u200B\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]")
_TITLE_SUFFIX = re.compile(r"\s+[-–—|]\s+([^-–—|]{2,60})$")
_OUTLET_SECTION = re.compile(r"^([^-–—|]{2,40}?)\s+[-–—|]\s+([^-–—|]{2,40})$")
# `القاهرة - أحمد الريدي`: a place of one or two words, then a name of two to four words.
_BYLINE = re.compile(r"^(?P<place>\S+(?: \S+)?)\s+[-–—]\s+(?P<author>\S+(?: \S+){1,3})$")
# `بغداد (رويترز) -` or `BAGHDAD (Reuters) -` glued to the start of the first paragraph.
_DATELINE = re.compile(r"^(?P<place>[^\s()]+(?: [^\s()]+){0,2})\s*\((?P<agency>[^()]{2,30})\)\s*[-–—:]\s*")
# Separator artefacts of some crawlers: paragraphs glued with ",," or ".," (Arabic prose uses the
# Arabic comma "،", so a Latin comma straight after a full stop is not the author's punctuation).
_DOUBLE_COMMA = re.compile(r"\s*,,+\s*")
# Only after Arabic text: in "the U.S., Iraq" the comma is the author's.
_STOP_COMMA = re.compile(r"(?:(?<=[\u0621-\u064A][.!?؟])|(?<=[\u0621-\u064A][\"»”)][.!?؟]))\s*,\s+")
# A line that is nothing but a numeric date (after digit folding), whether or not it exists.
_KICKER_MAX_WORDS = 8
_TITLE_MAX_CHARS = 300  # a longer first line is a body without a title line (or a one-line dump)
_FALLBACK_TITLE_WORDS = 12
_METADATA_LINE_MAX_WORDS = 14
_SUBHEADING_MAX_WORDS = 8
_SENTENCE_END = tuple('.!?؟:؛;،,"»”)\'…')


@dataclass
class ParsedText:
    title: str
    kicker: str | None = None
    date: FoundDate | None = None
    source: Source | None = None
    section: str | None = None
    place: str | None = None
    author: str | None = None
    blocks: list[tuple[str, str]] = field(default_factory=list)  # ("p" | "h", text)
    notes: list[str] = field(default_factory=list)  # doubts worth an archivist's look
    unreadable_date: str | None = None  # a date the text states but that cannot be used, and why


def clean_line(line: str) -> str:
    return _SPACES.sub(" ", _INVISIBLE.sub("", line)).strip()


def clean_lines(text: str) -> list[str]:
    return [line for line in (clean_line(raw) for raw in text.split("\n")) if line]


def _word_count(text: str) -> int:
    return len(text.split())


def split_glued_paragraphs(text: str) -> list[str]:
    parts = _DOUBLE_COMMA.split(text)
    if arabic_share(text) >= 0.5:
        parts = [piece for part in parts for piece in _STOP_COMMA.split(part)]
    return [part.strip() for part in parts if part.strip()]


def _strip_title_suffix(title: str, registry: SourceRegistry) -> tuple[str, Source | None]:
    match = _TITLE_SUFFIX.search(title)
    if match:
        source = registry.match_name(match.group(1))
        if source:
            return title[: match.start()].strip(), source
    return title, None


def _outlet_line(line: str, registry: SourceRegistry) -> tuple[Source, str | None] | None:
    """`العالم - العراق` -> (Al-Alam, "العراق"); a bare registered outlet name -> (source, None)."""
    if _word_count(line) > 6:
        return None
    match = _OUTLET_SECTION.match(line)
    if match:
        source = registry.match_name(match.group(1))
        if source:
            return source, match.group(2).strip()
    source = registry.match_name(line)
    return (source, None) if source else None


def _place_name(text: str) -> str:
    # English datelines shout the place (BAGHDAD); the page should not.
    return text.title() if text.isupper() else text


def _take_dateline(paragraph: str, parsed: ParsedText, registry: SourceRegistry) -> str:
    """Remove a `place (agency) -` prefix from the first paragraph, keeping place and agency."""
    match = _DATELINE.match(paragraph)
    if not match:
        return paragraph
    agency = registry.match_name(match.group("agency"))
    if agency is None:
        return paragraph  # an unknown parenthesis is more likely prose than a dateline
    parsed.place = parsed.place or _place_name(match.group("place"))
    parsed.source = parsed.source or agency
    return paragraph[match.end():]


def _is_byline(line: str, registry: SourceRegistry) -> re.Match | None:
    if line.endswith(_SENTENCE_END) or registry.match_name(line.split(" - ")[0]):
        return None
    return _BYLINE.match(line)


def _is_subheading(line: str, previous_kind: str | None, next_line: str | None) -> bool:
    return (
        previous_kind == "p"
        and next_line is not None
        and _word_count(line) <= _SUBHEADING_MAX_WORDS
        and not line.endswith(_SENTENCE_END)
        and _word_count(next_line) > _SUBHEADING_MAX_WORDS
    )


def body_blocks(lines: list[str], registry: SourceRegistry, parsed: ParsedText, *,
                take_metadata: bool = True) -> None:
    """Turn body lines into blocks on `parsed`, taking out metadata lines when `take_metadata`."""
    folded_title = fold(parsed.title) if parsed.title else None
    kinds: list[str] = []
    for index, line in enumerate(lines):
        if (folded_title and len(line) < 2 * len(folded_title) + 80
                and fold(_strip_title_suffix(line, registry)[0]) == folded_title):
            continue  # the headline repeated by the page template
        if take_metadata and _word_count(line) <= _METADATA_LINE_MAX_WORDS:
            if parsed.date is None:
                found = parse_date_line(line)
                if found:
                    parsed.date = found
                    continue
                if names_impossible_date(line):
                    parsed.unreadable_date = parsed.unreadable_date or f"date line {line!r} is not a real date"
                    continue
            outlet = _outlet_line(line, registry)
            if outlet and (parsed.source is None or parsed.source == outlet[0]):
                parsed.source, parsed.section = outlet[0], outlet[1] or parsed.section
                continue
            if not kinds and parsed.author is None:
                byline = _is_byline(line, registry)
                if byline:
                    parsed.place, parsed.author = _place_name(byline.group("place")), byline.group("author")
                    continue
        next_line = lines[index + 1] if index + 1 < len(lines) else None
        if _is_subheading(line, kinds[-1] if kinds else None, next_line):
            parsed.blocks.append(("h", line))
            kinds.append("h")
            continue
        for paragraph in split_glued_paragraphs(line):
            if take_metadata and not kinds:
                paragraph = _take_dateline(paragraph, parsed, registry)
            parsed.blocks.append(("p", paragraph))
            kinds.append("p")


def parse_plain_text(text: str, registry: SourceRegistry) -> ParsedText:
    lines = clean_lines(text)
    if not lines:
        raise ValueError("no text")

    position = 0
    kicker = None
    first = lines[0]
    if (first.endswith((":", "：")) and len(lines) > 1
            and _word_count(first) <= _KICKER_MAX_WORDS):
        kicker = first.rstrip(":：").strip()
        position = 1
    first_line = lines[position]
    if len(first_line) > _TITLE_MAX_CHARS:
        words = first_line.split()
        title = " ".join(words[:_FALLBACK_TITLE_WORDS]) + ("…" if len(words) > _FALLBACK_TITLE_WORDS else "")
        parsed = ParsedText(title=title, kicker=kicker)
        parsed.notes.append("no title line (the first line is a whole paragraph); "
                            "its first words are used as the title")
        body_blocks(lines[position:], registry, parsed)
        return parsed
    title, source = _strip_title_suffix(first_line, registry)
    parsed = ParsedText(title=title, kicker=kicker, source=source)
    body_blocks(lines[position + 1:], registry, parsed)

    if _word_count(title) > 30 or title.endswith((".", "،", ",")):
        parsed.notes.append("doubtful title: it reads like a sentence of the body; check the first line")
    if not any(kind == "p" for kind, _ in parsed.blocks):
        parsed.notes.append("no body text after the title")
    return parsed
