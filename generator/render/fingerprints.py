"""Fingerprints of what a page is rendered from, so an unchanged page need not be rendered again.

A page's output is a function of its template set, the site's shared data (configuration,
interface strings, sources, prose pages) and its own context. The context is walked generically:
articles and events are fingerprinted once each per build (every page that shows one depends on
all of it, which is conservative: a page is re-rendered whenever anything it could show changed),
dataclasses by their fields, containers by their items. Functions in a context (a pager's URL
maker) are pure functions of the page's identity, which is part of the fingerprint already. A
value of a type not known here raises TypeError, so a new kind of context cannot silently be
left out.
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date, datetime
from pathlib import Path
from typing import Callable

from generator.article import Article, article_digest
from generator.model import Event

_SCALARS = (str, int, float, bool, type(None), date, datetime)
_SCALAR_TYPES = frozenset(_SCALARS)


def digest(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def tree_digest(folder: Path) -> str:
    """Every file under `folder` (names and bytes), in a fixed order."""
    hasher = hashlib.blake2b(digest_size=16)
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            hasher.update(path.relative_to(folder).as_posix().encode("utf-8", "surrogatepass") + b"\0")
            hasher.update(hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
    return hasher.hexdigest()


class ContextFingerprints:
    """Fingerprints of page contexts; each article and event is digested once.

    `article_facts(article)` adds what a page may show of an article beyond its own fields (for
    example whether its raw text is published, or its reprints); `event_facts(event)` the same
    for an event.
    """

    def __init__(self, article_facts: Callable[[Article], object] = lambda a: None,
                 event_facts: Callable[[Event], object] = lambda e: None):
        self._article_facts = article_facts
        self._event_facts = event_facts
        # Each article, event and other dataclass value digested so far, by its id, with what a walk
        # gives for it, and kept alive with it so that no other object can have its id while the
        # entry is here: a day or month of the date archive is shared by every page of its listing
        # (a day of 1,400 articles has 140 pages) and walked once instead of once per page.
        self._known: dict[int, tuple[object, object]] = {}

    def of(self, value: object) -> str:
        return digest(self._walk(value))

    def of_page(self, template: str, alternates: dict[str, str], context: dict) -> str:
        """What `of((template, alternates, context))` stands for: a digest of all three. A context
        whose values are articles, events, lists of either, strings, numbers and dataclasses (the
        pages of articles, events, lists: all but a few of a 31k archive's 52,000 contexts) is
        digested from their digests joined, without a walk of it and the repr of what the walk
        gives; any other is walked."""
        joined = self._joined_values(context)
        if joined is None:
            return self.of((template, alternates, context))
        # (A URL, a template's name and a context's keys hold no NUL; digests are of fixed length.)
        return hashlib.blake2b("\0".join(("page", template, *alternates.keys(), *alternates.values(), joined))
                               .encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()

    def _joined_values(self, context: dict) -> str | None:
        parts = []
        for key, value in context.items():
            kind = type(value)
            if kind is Article:
                parts.append(f"{key}=a{self.article(value)}")
            elif kind is Event:
                parts.append(f"{key}=e{self.event(value)}")
            elif value is None:
                parts.append(f"{key}=-")
            elif kind is str or kind is int:
                parts.append(f"{key}={kind.__name__}{value!r}")  # (repr: no NUL)
            elif kind is list and all(type(item) is Article for item in value):
                parts.append(f"{key}=a[" + ",".join([self.article(item) for item in value]) + "]")
            elif kind is list and all(type(item) is Event for item in value):
                parts.append(f"{key}=e[" + ",".join([self.event(item) for item in value]) + "]")
            elif dataclasses.is_dataclass(value) and not isinstance(value, type):
                parts.append(f"{key}=d{self._walk(value)!r}")
            else:
                return None
        return "\0".join(parts)

    def article(self, article: Article) -> str:
        known = self._known.get(id(article))
        if known is None:
            hasher = hashlib.blake2b(article_digest(article).encode(), digest_size=16)
            hasher.update(digest(self._walk(self._article_facts(article))).encode())
            known = self._known[id(article)] = (article, hasher.hexdigest())
        return known[1]

    def event(self, event: Event) -> str:
        known = self._known.get(id(event))
        if known is None:
            known = self._known[id(event)] = (event, ("event", digest(
                event.id, [self.article(a) for a in event.articles], repr(event.curated), event.merged_from,
                {original: [a.id for a in copies] for original, copies in event.copies.items()},
                event.related, self._walk(self._event_facts(event)))))
        return known[1][1]

    def _walk(self, value: object) -> object:
        # Exact types first, and the scalars, articles and events in lists and dicts answered
        # without a call each: this runs for every item of every page's context (1.2 million
        # values in the 52,000 contexts of a 31k archive, a third of them articles and events).
        kind = type(value)
        if kind in _SCALAR_TYPES:
            return value
        if kind is Article:
            return self.article(value)
        if kind is Event:
            return ("event", self.event(value))
        known, scalars = self._known, _SCALAR_TYPES
        if kind is list or kind is tuple:
            return tuple([item if type(item) in scalars else known[id(item)][1] if id(item) in known
                          else self._walk(item) for item in value])
        if kind is dict:
            return ("dict", tuple([(key if type(key) in scalars else self._walk(key),
                                    item if type(item) in scalars else known[id(item)][1] if id(item) in known
                                    else self._walk(item)) for key, item in value.items()]))
        if isinstance(value, _SCALARS):  # subclasses of the types above (Article and Event have none)
            return value
        if isinstance(value, (list, tuple)):
            return tuple(map(self._walk, value))
        if isinstance(value, (set, frozenset)):
            return ("set", tuple(sorted(repr(self._walk(item)) for item in value)))
        if isinstance(value, dict):
            return ("dict", tuple((self._walk(k), self._walk(v)) for k, v in value.items()))
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            known = self._known.get(id(value))
            if known is None:
                walked = tuple(self._walk(getattr(value, f.name)) for f in dataclasses.fields(value))
                known = self._known[id(value)] = (value, (type(value).__qualname__, digest(walked)))
            return known[1]
        if callable(value):
            return "callable"
        raise TypeError(f"cannot fingerprint a page context value of type {type(value).__name__}")
