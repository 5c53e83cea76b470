"""The cleaned article with its metadata: what ingest produces and the content store keeps."""

from __future__ import annotations

import hashlib
import operator
import re
from dataclasses import dataclass, field, fields
from functools import cached_property
from datetime import date, datetime
from urllib.parse import urlsplit


# Ids are URL path segments and file names: lowercase ASCII letters, digits and inner hyphens.
ID_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


def is_valid_id(value: str) -> bool:
    return bool(ID_PATTERN.match(value))


# An event's page is events/<id>.html, beside the events list's events/index.html (render/urls.py).
RESERVED_EVENT_IDS = frozenset({"index"})


def is_valid_event_id(value: str) -> bool:
    return is_valid_id(value) and value not in RESERVED_EVENT_IDS


def is_web_address(value: str) -> bool:
    """An http(s) URL with a host: the only kind of address a page may link an article to
    (a `javascript:` or `data:` address would run or show whatever it holds)."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


@dataclass(frozen=True)
class Article:
    id: str
    title: str
    language: str
    body: str                      # Markdown; raw article text is escaped so it is never markup
    kicker: str | None = None
    date: str | None = None        # ISO 8601: "2021-01-22" or "2021-01-22T10:42:00+00:00"
    date_precision: str | None = None  # "day" | "minute"
    date_inferred: bool = False    # taken from the event's other coverage, not from the article
    source: str | None = None      # id in content/sources.toml
    section: str | None = None
    author: str | None = None
    place: str | None = None
    event: str | None = None
    seed: str | None = None        # raw file path relative to the project root
    source_url: str | None = None
    raw_sha256: str | None = None
    # Archivists' translations, shown in the interface of that language beside the original.
    title_ar: str | None = None
    title_en: str | None = None
    summary_ar: str | None = None
    summary_en: str | None = None

    # A body kept in the build state is read when first asked for (build_state.py): a rebuild
    # reads few of the archive's bodies, and unpickling all of them (110 MB for 31k articles) was
    # half the time of reading the seed and content caches, before anything else could start.
    def __getattr__(self, name: str):
        # (Only reached for an attribute not set.)
        if name == "body":
            stored = self.__dict__.get(_STORED_BODY)
            if stored is not None:
                body = self.__dict__["body"] = stored.read()
                return body
        raise AttributeError(f"'Article' object has no attribute {name!r}")

    def __getstate__(self) -> dict:
        # Pickled elsewhere (to another process, say) with its body, read if need be.
        state = self.__dict__
        if _STORED_BODY in state:
            self.body  # noqa: B018 - read
            state = {name: value for name, value in state.items() if name != _STORED_BODY}
        return state

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Article:
            return NotImplemented
        return _ALL_BUT_BODY(self) == _ALL_BUT_BODY(other) and (self.shares_body(other) or self.body == other.body)

    def shares_body(self, other: "Article") -> bool:
        """Whether the two hold one body: the same string, or the same place in the build state
        (unread). Equal bodies that are not one are not found here."""
        mine, theirs = self.__dict__, other.__dict__
        body = mine.get("body")
        if body is not None and body is theirs.get("body"):
            return True
        stored = mine.get(_STORED_BODY)
        return stored is not None and stored == theirs.get(_STORED_BODY)

    def is_with_event(self, other: "Article", event: str | None) -> bool:
        """Whether this article is `other` given `event`, holding its very body (what
        `other.with_changes(event=event) == self` tells when the bodies are one, without making that
        article: a rebuild asks it of each of its 31k articles before the linking starts)."""
        return self.event == event and self.shares_body(other) and \
            _ALL_BUT_BODY_AND_EVENT(self) == _ALL_BUT_BODY_AND_EVENT(other)

    def with_changes(self, **changes) -> "Article":
        """The article with those fields changed, as dataclasses.replace makes it, in a fifth of
        the time (its frozen __init__ sets 21 fields one by one; a build gives every article of
        the archive its event this way: about 0.16 s of a 31k rebuild before the linking starts).
        A body not read yet stays unread."""
        unknown = changes.keys() - _FIELD_SET
        if unknown:
            raise TypeError(f"Article has no field {sorted(unknown)[0]!r}")
        changed = object.__new__(Article)
        state, mine = changed.__dict__, self.__dict__
        for name in _FIELD_NAMES:  # in the order __init__ sets them: the same pickle
            if name in mine:
                state[name] = mine[name]
            else:
                state[_STORED_BODY] = mine[_STORED_BODY]  # (the body, unread)
        state.update(changes)
        if "body" in changes:
            state.pop(_STORED_BODY, None)
        known = mine.get("text_digest")
        if known is not None and _TEXT_FIELDS.isdisjoint(changes):
            state["text_digest"] = known  # (an event given: the text is the same)
        return changed

    def adopt_digests(self, equal: "Article") -> "Article":
        """This article, with the digests worked out for `equal`, which the caller has found equal
        to it (the same values; comparing them again would read both bodies once more)."""
        for name in _DIGESTS:
            known = equal.__dict__.get(name)
            if known is not None:
                self.__dict__[name] = known
        return self

    def translated_title(self, lang: str) -> str | None:
        """An archivist's title in `lang`, when `lang` is not the article's own language."""
        return getattr(self, f"title_{lang}", None) if lang != self.language else None

    def translated_summary(self, lang: str) -> str | None:
        return getattr(self, f"summary_{lang}", None) if lang != self.language else None

    @cached_property
    def text_digest(self) -> str:
        """A digest of what the article says (its language, kicker, title and body): the linking's
        and the search's analyses of it are kept while it holds. Worked out where the seed is read
        and pickled with the article in the seed cache, so that an unchanged article's text is
        never hashed again (the linking and the search words hashed all 31k, 0.35 and 0.45 s)."""
        hasher = hashlib.blake2b(digest_size=16)
        for part in (self.language, self.kicker or "", self.title, self.body):  # each after its length
            data = part.encode("utf-8", "surrogatepass")
            hasher.update(len(data).to_bytes(8, "little"))
            hasher.update(data)
        return hasher.hexdigest()

    @cached_property
    def _digest(self) -> str:
        # Kept on the (immutable) article, and pickled with it in the content cache: the content
        # writer and the pages' fingerprints ask for it in every build.
        return _digest_of(self)


_STORED_BODY = "_stored_body"  # where an unread body is (build_state.StoredText)
_TEXT_FIELDS = frozenset(("language", "kicker", "title", "body"))
_DIGESTS = ("text_digest", "_digest")  # the cached properties
_FIELD_NAMES = tuple(f.name for f in fields(Article))
_FIELD_SET = frozenset(_FIELD_NAMES)
_ALL_BUT_BODY = operator.attrgetter(*(f.name for f in fields(Article) if f.name != "body"))
_ALL_BUT_BODY_AND_EVENT = operator.attrgetter(*(f.name for f in fields(Article) if f.name not in ("body", "event")))


def _digest_of(article: Article) -> str:
    hasher = hashlib.blake2b(repr(_ALL_BUT_BODY(article)).encode("utf-8", "surrogatepass"), digest_size=16)
    hasher.update(article.body.encode("utf-8", "surrogatepass"))
    return hasher.hexdigest()


def article_digest(article: Article) -> str:
    """A digest of everything the article holds (its other fields as they print, then its body's
    bytes): half the cost of digesting the whole article's repr, which escapes the long body first."""
    return article._digest


# The order in which fields appear in front matter, so files stay stable and diffable.
FRONT_MATTER_FIELDS = (
    "id", "title", "kicker", "date", "date_precision", "date_inferred", "source", "section",
    "author", "place", "language", "event", "seed", "source_url", "raw_sha256",
)
# Written by archivists only, so they appear in a file only when set.
CURATED_FIELDS = ("title_ar", "title_en", "summary_ar", "summary_en")


@dataclass(frozen=True)
class Problem:
    """One issue with one input, worded for the archivist who has to fix it."""

    path: str
    message: str
    record: str | None = None
    severity: str = "warning"      # "warning" (the article is built) or "error" (it is skipped)

    def __str__(self) -> str:
        where = f"{self.path} (record {self.record})" if self.record else self.path
        return f"{self.severity}: {where}: {self.message}"


@dataclass
class Problems:
    items: list[Problem] = field(default_factory=list)

    def warn(self, path: str, message: str, record: str | None = None) -> None:
        self.items.append(Problem(path, message, record, "warning"))

    def error(self, path: str, message: str, record: str | None = None) -> None:
        self.items.append(Problem(path, message, record, "error"))

    def extend(self, other: "Problems") -> None:
        self.items.extend(other.items)

    def __len__(self) -> int:
        return len(self.items)

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.path, p.record or "", p.message))


def parse_iso_date(value: str) -> datetime | None:
    """An article date as stored ("2021-01-22" or with time and offset), or None if malformed."""
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), datetime.min.time())
        return datetime.fromisoformat(value)
    except ValueError:
        return None
