"""Splitting long lists into numbered pages: page 1 at the list's own URL, then page/2/, page/3/ ..."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence, TypeVar

PAGE_SIZE = 50   # items per page of every paginated list (home, sources, days, events)
WINDOW = 2       # pages linked on each side of the current one

T = TypeVar("T")


@dataclass(frozen=True)
class Pager:
    number: int                      # this page, from 1
    total_pages: int
    total_items: int
    first_item: int                  # 1-based position of this page's first item (0 when empty)
    last_item: int
    url_for: Callable[[str], str]    # interface language -> URL of page 1

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.total_pages else None

    @property
    def links(self) -> list[int | None]:
        """Page numbers to link: the first, the last and a few around this one; None marks a gap.

        Every number on every page would make each page of a 600-page list carry 600 links.
        """
        shown = sorted({1, self.total_pages, *range(max(1, self.number - WINDOW),
                                                    min(self.total_pages, self.number + WINDOW) + 1)})
        links: list[int | None] = []
        for number in shown:
            if links and number - links[-1] > 1:
                links.append(None)
            links.append(number)
        return links


def paginate(items: Sequence[T], url_for: Callable[[str], str],
             page_size: int = PAGE_SIZE) -> list[tuple[Pager, list[T]]]:
    """Every page of `items` with its pager; an empty list still has one (empty) page."""
    if page_size < 1:
        raise ValueError("page size must be at least 1")
    total_pages = max(1, -(-len(items) // page_size))
    pages = []
    for number in range(1, total_pages + 1):
        start = (number - 1) * page_size
        chunk = list(items[start:start + page_size])
        first = start + 1 if chunk else 0
        pages.append((Pager(number, total_pages, len(items), first, start + len(chunk), url_for), chunk))
    return pages
