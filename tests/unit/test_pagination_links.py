"""Which page numbers a pager links, and archive lists whose numbered pages never change."""

from __future__ import annotations

import pytest

from generator.render.pagination import FRONT, PAGE_SIZE, paginate, paginate_archive, window


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


def _items(count: int) -> list[int]:
    return list(range(count, 0, -1))  # newest first: item n is the n-th oldest


@pytest.mark.parametrize(("count", "front", "numbered"), [
    (0, 0, 0), (1, 1, 0), (PAGE_SIZE - 1, PAGE_SIZE - 1, 0), (PAGE_SIZE, PAGE_SIZE, 0),
    (2 * PAGE_SIZE - 1, 2 * PAGE_SIZE - 1, 0), (2 * PAGE_SIZE, PAGE_SIZE, 1),
    (2 * PAGE_SIZE + 7, PAGE_SIZE + 7, 1), (10 * PAGE_SIZE + 3, PAGE_SIZE + 3, 9),
])
def test_an_archive_list_keeps_50_to_99_items_on_its_front_page(count, front, numbered):
    pages = paginate_archive(_items(count), lambda lang: "/")
    assert [len(chunk) for _, chunk in pages] == [front] + [PAGE_SIZE] * numbered
    assert [pager.number for pager, _ in pages] == [FRONT, *range(numbered, 0, -1)]
    assert [item for _, chunk in pages for item in chunk] == _items(count)   # every item once, in order


def test_numbered_pages_count_from_the_oldest_and_never_change_as_the_list_grows():
    before = {pager.number: (pager, chunk) for pager, chunk in paginate_archive(_items(20 * PAGE_SIZE + 5), str)}
    after = {pager.number: (pager, chunk) for pager, chunk in paginate_archive(_items(23 * PAGE_SIZE + 9), str)}
    assert before[1][1] == list(range(PAGE_SIZE, 0, -1))           # page 1: the 50 oldest
    assert before[7][0].first_item == 6 * PAGE_SIZE + 1 and before[7][0].total_items is None
    for number in range(1, 20 - 3):  # away from the front, a page and its pager are the same
        assert before[number][1] == after[number][1]
        assert before[number][0] == after[number][0]
    assert before[19][0].previous == FRONT and after[19][0].previous == 20   # near the front: the link moves


def test_an_archive_pager_reads_from_the_newest_page_to_the_oldest():
    pages = paginate_archive(_items(30 * PAGE_SIZE), lambda lang: f"/{lang}/")
    front, older = pages[0][0], pages[1][0]
    assert front.is_front and front.links == (FRONT, 29, 28, None, 1)
    assert (front.previous, front.next) == (None, 29) and (older.previous, older.next) == (FRONT, 28)
    assert front.total_items == 30 * PAGE_SIZE and (front.first_item, front.last_item) == (1, PAGE_SIZE)
    middle = pages[16][0]
    assert middle.number == 14 and middle.links == (FRONT, None, 16, 15, 14, 13, 12, None, 1)
    assert front.url("ar", FRONT) == "/ar/" and front.url("ar", 1) == "/ar/page/1/"
    assert pages[-1][0].next is None


def test_page_size_must_be_positive():
    with pytest.raises(ValueError):
        paginate_archive([1], str, page_size=0)
