"""Which page numbers a pager links: all of a short list, a window of a long one."""

from __future__ import annotations

import pytest

from generator.render.pagination import Pager


@pytest.mark.parametrize(("number", "total", "links"), [
    (1, 1, [1]),
    (2, 3, [1, 2, 3]),
    (1, 614, [1, 2, 3, None, 614]),
    (300, 614, [1, None, 298, 299, 300, 301, 302, None, 614]),
    (614, 614, [1, None, 612, 613, 614]),
    (4, 7, [1, 2, 3, 4, 5, 6, 7]),
])
def test_pager_links_the_ends_and_a_window_around_the_current_page(number, total, links):
    assert Pager(number, total, 0, 0, 0, lambda lang: "/").links == links
