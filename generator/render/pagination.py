"""Splitting long lists into numbered pages.

Two ways, for two kinds of list:
- A list read from its start (an event's timeline, oldest first): page 1 at the list's own URL
  (events/<id>.html), then events/<id>/page/2/, page/3/ ...; it grows at its end, so earlier
  pages keep their items.
- An archive list (the latest articles, a source's, a day's, the events), newest first: it grows
  at its top, so pages are numbered from the oldest. page/1/ holds the 50 oldest items forever,
  page/2/ the next 50, and the list's own URL (the front page) the newest, between 50 and 99
  items. New items change only the front page (and, once it holds 100, turn its older half into
  the next numbered page), so an old page's address keeps showing the same items (it can be cited)
  and a rebuild does not re-render every page of the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence, TypeVar

from generator.render.urls import PAGE_SUFFIX

PAGE_SIZE = 50   # items per page of every paginated list (home, sources, days, events)
WINDOW = 2       # pages linked on each side of the current one
FRONT = 0        # the number of an archive list's front page (its newest items, at the list's URL)

T = TypeVar("T")


@dataclass(frozen=True)
class Pager:
    """Where a page stands in its list. It holds only what the page shows, so that a numbered page
    of an archive list does not depend on how long the list has grown since."""
    number: int                      # this page: from 1, or FRONT
    front: int                       # the number shown at the list's own URL (1, or FRONT)
    links: tuple[int | None, ...]    # page numbers to link in reading order; None marks a gap
    previous: int | None             # the page before this one in reading order (rel="prev")
    next: int | None                 # the page after it (rel="next")
    first_item: int                  # 1-based position of this page's first item (0 when empty)
    last_item: int
    total_items: int | None          # None on the numbered pages of an archive list
    url_for: Callable[[str], str]    # interface language -> URL of the list (its front page)

    @property
    def is_front(self) -> bool:
        return self.number == self.front

    @property
    def counts_from_oldest(self) -> bool:
        """Item positions count from the oldest item (the numbered pages of an archive list)."""
        return self.total_items is None

    def url(self, lang: str, number: int) -> str:
        base = self.url_for(lang)
        if number == self.front:
            return base
        # A list whose own page is a file (an event's, events/<id>.html) has its other pages in
        # the folder of that name (events/<id>/page/2/), which no other page's address can take.
        folder = base[:-len(PAGE_SUFFIX)] + "/" if base.endswith(PAGE_SUFFIX) else base
        return f"{folder}page/{number}/"


def window(position: int, total: int) -> list[int | None]:
    """Positions to link, ascending: the first, the last and a few around `position`; None marks
    a gap. Every number on every page would make each page of a 600-page list carry 600 links."""
    shown = sorted({1, total, *range(max(1, position - WINDOW), min(total, position + WINDOW) + 1)})
    links: list[int | None] = []
    for number in shown:
        if links and number - links[-1] > 1:
            links.append(None)
        links.append(number)
    return links


def paginate(items: Sequence[T], url_for: Callable[[str], str],
             page_size: int = PAGE_SIZE) -> list[tuple[Pager, list[T]]]:
    """Every page of a list read from its start, with its pager; an empty list has one page."""
    _check(page_size)
    total_pages = max(1, -(-len(items) // page_size))
    pages = []
    for number in range(1, total_pages + 1):
        start = (number - 1) * page_size
        chunk = list(items[start:start + page_size])
        pager = Pager(number, 1, tuple(window(number, total_pages)),
                      number - 1 if number > 1 else None, number + 1 if number < total_pages else None,
                      start + 1 if chunk else 0, start + len(chunk), len(items), url_for)
        pages.append((pager, chunk))
    return pages


def paginate_archive(newest_first: Sequence[T], url_for: Callable[[str], str],
                     page_size: int = PAGE_SIZE) -> list[tuple[Pager, list[T]]]:
    """Every page of an archive list (newest first), the front page first, numbered pages from the
    oldest after it; each numbered page holds exactly `page_size` items."""
    _check(page_size)
    count = len(newest_first)
    numbered = max(0, count // page_size - 1)  # the front keeps page_size..2*page_size-1 items
    positions = numbered + 1                   # the front stands last, at position numbered + 1

    def number_at(position: int | None) -> int | None:
        return FRONT if position == positions else position

    pages = []
    for position in range(positions, 0, -1):
        if position == positions:
            chunk = list(newest_first[:count - numbered * page_size])
            first, last, total = (1 if chunk else 0), len(chunk), count
        else:
            end = count - (position - 1) * page_size
            chunk = list(newest_first[end - page_size:end])
            first, last, total = (position - 1) * page_size + 1, position * page_size, None
        links = tuple(number_at(p) for p in reversed(window(position, positions)))
        pager = Pager(number_at(position), FRONT, links,
                      number_at(position + 1) if position < positions else None,
                      position - 1 if position > 1 else None, first, last, total, url_for)
        pages.append((pager, chunk))
    return pages


def _check(page_size: int) -> None:
    if page_size < 1:
        raise ValueError("page size must be at least 1")
