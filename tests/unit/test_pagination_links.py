"""Which page numbers a pager links, and archive lists cut by their items so that an added item
changes its own page, not every page after it."""

from __future__ import annotations

import pytest

from generator.render.pagination import (
    FRONT, MAX_CUT, MIN_CUT, PAGE_SIZE, is_boundary, paginate, paginate_archive, window)


@pytest.mark.parametrize(("number", "total", "links"), [
    (1, 1, [1]),
    (2, 3, [1, 2, 3]),
    (1, 614, [1, 2, 3, None, 614]),
    (300, 614, [1, None, 298, 299, 300, 301, 302, None, 614]),
    (614, 614, [1, None, 612, 613, 614]),
    (4, 7, [1, 2, 3, 4, 5, 6, 7]),
])
def test_the_window_links_the_ends_and_a_few_pages_around_the_current_one(number, total, links):
    assert window(number, total) == links


def test_a_list_read_from_its_start_links_its_pages_in_order():
    pages = paginate(list(range(7 * PAGE_SIZE)), lambda lang: "/e/")
    pager = pages[3][0]
    assert pager.links == (1, 2, 3, 4, 5, 6, 7) and (pager.previous, pager.next) == (3, 5)
    assert pages[0][0].is_front and pager.url("en", 1) == "/e/" and pager.url("en", 4) == "/e/page/4/"


def _items(count: int, prefix: str = "item") -> list[str]:
    return [f"{prefix}-{n}" for n in range(count, 0, -1)]  # newest first: item-n is the n-th oldest


def _numbered(pages) -> dict[int, tuple]:
    return {pager.number: (pager, chunk) for pager, chunk in pages if not pager.is_front}


@pytest.mark.parametrize("count", [0, 1, PAGE_SIZE - 1, PAGE_SIZE, 2 * PAGE_SIZE, 10 * PAGE_SIZE + 3, 5000])
def test_an_archive_list_is_cut_into_pages_by_its_items_ids(count):
    items = _items(count)
    pages = paginate_archive(items, lambda lang: "/", key=str)
    assert [item for _, chunk in pages for item in chunk] == items   # every item once, in order
    front, *numbered = [chunk for _, chunk in pages]
    assert len(front) >= min(count, PAGE_SIZE)
    assert [pager.number for pager, _ in pages] == [FRONT, *range(len(numbered), 0, -1)]
    for chunk in numbered:   # a page ends after its oldest boundary past MIN_CUT items, or at MAX_CUT
        assert MIN_CUT <= len(chunk) <= MAX_CUT
        cut_at = [k for k, item in enumerate(reversed(chunk), 1) if k >= MIN_CUT and is_boundary(item)]
        assert len(chunk) == (cut_at[0] if cut_at else MAX_CUT)
    if count == 5000:   # about PAGE_SIZE a page on average
        assert 0.7 * PAGE_SIZE < count / len(pages) < 1.3 * PAGE_SIZE


def test_the_front_page_takes_the_newest_pages_until_it_shows_a_page_size():
    for count in (3 * PAGE_SIZE, 10 * PAGE_SIZE + 7, 40 * PAGE_SIZE):
        items = _items(count)
        pages = paginate_archive(items, str, key=str)
        front = pages[0][1]
        assert pages[0][0].total_items == count and (pages[0][0].first_item, pages[0][0].last_item) == (1, len(front))
        # Its oldest page, cut as a numbered page would be, is one it could not give up.
        oldest_first = list(reversed(front))
        end = next(k for k, item in enumerate(oldest_first, 1)
                   if k == MAX_CUT or (k >= MIN_CUT and is_boundary(item)))
        assert len(front) >= PAGE_SIZE and len(front) - end < PAGE_SIZE


def _not_boundaries(count: int, prefix: str) -> list[str]:
    ids = (f"{prefix}-{n}" for n in range(10 * count + 100))
    return [i for i in ids if not is_boundary(i)][:count]


def _ended_by_a_boundary(pages: dict[int, tuple], longer_than: int) -> list[tuple[int, list]]:
    """Numbered pages, away from both ends, that end at a boundary item and hold more than
    `longer_than` items (what the tests below need so that one item moves no other page's end)."""
    return [(number, chunk) for number, (_, chunk) in sorted(pages.items())[2:-3]
            if longer_than < len(chunk) < MAX_CUT]


def test_an_item_added_among_older_ones_changes_only_its_own_page():
    """Put just before a page's last item (oldest first), a non-boundary item leaves every other
    page's end where it was: the boundaries before it keep their places in their pages."""
    items = _items(40 * PAGE_SIZE)
    before = _numbered(paginate_archive(items, str, key=str))
    candidates = _ended_by_a_boundary(before, MIN_CUT)
    assert len(candidates) > 10
    for (number, chunk), added in zip(candidates, _not_boundaries(len(candidates), "late")):
        position = items.index(chunk[0]) + 1                  # older than the page's newest item
        grown = items[:position] + [added] + items[position:]
        after = _numbered(paginate_archive(grown, str, key=str))
        assert [n for n in after if after[n] != before.get(n)] == [number]
        assert after.keys() == before.keys() and added in after[number][1]


def test_an_item_removed_changes_only_its_own_page_when_its_page_keeps_its_end():
    items = _items(40 * PAGE_SIZE)
    before = _numbered(paginate_archive(items, str, key=str))
    candidates = _ended_by_a_boundary(before, MIN_CUT)
    assert len(candidates) > 10
    for number, chunk in candidates:
        removed = chunk[len(chunk) // 2]
        after = _numbered(paginate_archive([i for i in items if i != removed], str, key=str))
        assert [n for n in after if after[n] != before.get(n)] == [number]


def test_a_boundary_item_added_splits_its_page_and_moves_the_newer_pages_up_by_one():
    items = _items(40 * PAGE_SIZE)
    before = _numbered(paginate_archive(items, str, key=str))
    number, chunk = _ended_by_a_boundary(before, 2 * MIN_CUT + 2)[0]
    added = next(i for i in (f"late-{n}" for n in range(1000)) if is_boundary(i))
    position = items.index(chunk[len(chunk) // 2])            # in the middle of the page
    after = _numbered(paginate_archive(items[:position] + [added] + items[position:], str, key=str))
    assert len(after) == len(before) + 1
    assert all(after[n] == before[n] for n in range(1, number))   # the older pages and their pagers
    assert after[number + 1][1] + after[number][1] == chunk[:len(chunk) // 2] + [added] + chunk[len(chunk) // 2:]
    assert added == after[number][1][0]                       # the new page ends with it
    for n in range(number + 1, len(before) + 1):              # the newer pages: the same items, a number up
        assert after[n + 1][1] == before[n][1]


def test_numbered_pages_keep_their_items_as_the_list_grows_at_its_top():
    before = _numbered(paginate_archive(_items(20 * PAGE_SIZE + 5), str, key=str))
    after = _numbered(paginate_archive(_items(23 * PAGE_SIZE + 9), str, key=str))
    assert before[1][0].total_items is None and before[1][0].first_item is None
    for number in range(1, len(before) - 3):  # away from the front, a page and its pager are the same
        assert before[number] == after[number]
    last = len(before)
    assert before[last][0].previous == FRONT and after[last][0].previous == last + 1   # near the front: the link moves


def test_an_archive_pager_reads_from_the_newest_page_to_the_oldest():
    pages = paginate_archive(_items(40 * PAGE_SIZE), lambda lang: f"/{lang}/", key=str)
    front, older = pages[0][0], pages[1][0]
    last = len(pages) - 1
    assert front.is_front and front.links == (FRONT, last, last - 1, None, 1)
    assert (front.previous, front.next) == (None, last) and (older.previous, older.next) == (FRONT, last - 1)
    middle = pages[last - 13][0]
    assert middle.number == 14 and middle.links == (FRONT, None, 16, 15, 14, 13, 12, None, 1)
    assert front.url("ar", FRONT) == "/ar/" and front.url("ar", 1) == "/ar/page/1/"
    assert pages[-1][0].next is None


def test_a_list_without_boundaries_is_cut_at_the_largest_page():
    items = _not_boundaries(4 * MAX_CUT, "plain")
    pages = paginate_archive(items, str, key=str)
    assert [len(chunk) for _, chunk in pages[1:]] == [MAX_CUT] * (len(pages) - 1)


def test_page_size_must_be_positive():
    with pytest.raises(ValueError):
        paginate_archive(["a"], str, key=str, page_size=0)
