"""Splitting long lists into numbered pages.

Two ways, for two kinds of list:
- A list read from its start (an event's timeline, oldest first): page 1 at the list's own URL
  (events/<id>.html), then events/<id>/page/2/, page/3/ ...; it grows at its end, so earlier
  pages keep their items.
- An archive list (the latest articles, a source's, a day's, the events), newest first: it grows
  at its top, but an archive also gains articles dated in its past (a late batch of last week's
  reports) and loses some. So its pages are cut by the items themselves, as content-defined
  chunking cuts files: a page ends after an item whose id hashes to a boundary (one in 40, after
  at least 10 items; at most 150 items a page). An added or removed item usually changes the page
  it falls in alone; when it makes or takes away a page's end (its id a boundary, one time in 40;
  or it moves a boundary across the 10-item minimum, or an item across the 150-item maximum, a
  few times in a hundred) the pages newer than it take other numbers or items. Pages are
  numbered from the oldest (page/1/ holds the oldest items), and the list's own URL (the front
  page) shows the newest pages' items together: at least 50, fewer than 200. A page cut every 50
  items would move every newer item with each article added in the past, changing every page
  from there to the front in the next rebuild.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Callable, Sequence, TypeVar

from generator.render.urls import PAGE_SUFFIX

PAGE_SIZE = 50   # items per page of every paginated list (home, sources, days, events)
WINDOW = 2       # pages linked on each side of the current one
FRONT = 0        # the number of an archive list's front page (its newest items, at the list's URL)
# An archive list's page ends after an item whose id's hash is 0 modulo BOUNDARY_MODULUS, once it
# holds MIN_CUT items (no page of a few items), or at MAX_CUT items: pages of 48 items on average.
MIN_CUT = 10
BOUNDARY_MODULUS = 40
MAX_CUT = 150

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
    # 1-based positions of the page's first and last items (0 when empty), and the list's length:
    # None on the numbered pages of an archive list, where they would move with every item added
    # to an older page.
    first_item: int | None
    last_item: int | None
    total_items: int | None
    url_for: Callable[[str], str]    # interface language -> URL of the list (its front page)

    @property
    def is_front(self) -> bool:
        return self.number == self.front

    @property
    def counts_from_oldest(self) -> bool:
        """Page numbers count from the oldest page (the numbered pages of an archive list)."""
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


def paginate_archive(newest_first: Sequence[T], url_for: Callable[[str], str], key: Callable[[T], str],
                     page_size: int = PAGE_SIZE) -> list[tuple[Pager, list[T]]]:
    """Every page of an archive list (newest first), the front page first, then the numbered pages
    from the newest to the oldest. `key` gives an item's stable id, which decides where pages end."""
    _check(page_size)
    count = len(newest_first)
    ends = _page_ends(newest_first, key)     # in items from the oldest, each page's last
    # The front takes the newest pages until it holds page_size items; the others are numbered.
    numbered = next((n for n in range(len(ends), 0, -1) if count - ends[n - 1] >= page_size), 0)
    positions = numbered + 1                 # the front stands last, at position numbered + 1

    def number_at(position: int | None) -> int | None:
        return FRONT if position == positions else position

    pages = []
    for position in range(positions, 0, -1):
        if position == positions:
            chunk = list(newest_first[:count - (ends[numbered - 1] if numbered else 0)])
            first, last, total = (1 if chunk else 0), len(chunk), count
        else:
            start = ends[position - 2] if position > 1 else 0
            chunk = list(newest_first[count - ends[position - 1]:count - start])
            first, last, total = None, None, None
        links = tuple(number_at(p) for p in reversed(window(position, positions)))
        pager = Pager(number_at(position), FRONT, links,
                      number_at(position + 1) if position < positions else None,
                      position - 1 if position > 1 else None, first, last, total, url_for)
        pages.append((pager, chunk))
    return pages


def _page_ends(newest_first: Sequence[T], key: Callable[[T], str]) -> list[int]:
    """Where an archive list's pages end, counted in items from the oldest: after an item at a
    boundary (see MIN_CUT), so that an item added or removed usually moves no end but its own
    page's."""
    ends: list[int] = []
    size = 0
    for taken, item in enumerate(reversed(newest_first), 1):
        size += 1
        if size >= MAX_CUT or (size >= MIN_CUT and is_boundary(key(item))):
            ends.append(taken)
            size = 0
    return ends


def is_boundary(item_id: str) -> bool:
    """Whether a page of an archive list may end after this item: a property of its id alone."""
    return zlib.crc32(item_id.encode()) % BOUNDARY_MODULUS == 0


def _check(page_size: int) -> None:
    if page_size < 1:
        raise ValueError("page size must be at least 1")
