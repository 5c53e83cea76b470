"""generator.pagefind_bundle without the Pagefind binary: the CBOR it writes, the postings walk and
the shifting of page numbers (tests/test_search_index.py merges what the real binary wrote). Every
test runs with the Python readers of postings and with the compiled ones (generator/_postings.c)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import pagefind_bundle as bundle


@pytest.fixture(autouse=True, params=["python", "compiled"])
def readers(request, monkeypatch):
    """The module's hot loops as one implementation or the other (both are what a build may run)."""
    if request.param == "compiled":
        assert bundle.COMPILED_READERS is not None, "generator/_postings.c was not built (pip install -e .)"
    for name, function in (bundle.COMPILED_READERS if request.param == "compiled" else bundle.PYTHON_READERS).items():
        monkeypatch.setattr(bundle, name, function)
    return request.param


def _posting(page: int, locations: list[int], meta: list[int]) -> list:
    return [page, locations, meta]


def _entries(word: str, postings: list[list]) -> bytes:
    """One word entry as Pagefind writes it (page numbers already as differences)."""
    encoded = lambda n: (0, n) if n >= 0 else (1, -1 - n)  # noqa: E731
    node = (4, [(3, word.encode()), (4, [(4, [(0, page), (4, [encoded(n) for n in locations]),
                                              (4, [encoded(n) for n in meta])]) for page, locations, meta in postings]),
                (4, [])])
    return bundle.encode(node)


@pytest.mark.parametrize("value", [0, 23, 24, 255, 256, 65535, 65536, 2**32 - 1, 2**32])
def test_heads_are_the_shortest_cbor_encoding(value):
    for major in (0, 3, 4):
        encoded = bundle.head(major, value)
        assert bundle._head(encoded, 0) == (major, value, len(encoded))
    assert len(encoded) == 1 + (0 if value < 24 else 1 if value < 256 else 2 if value < 65536 else
                                    4 if value < 2**32 else 8)


def test_the_walk_sums_page_differences_and_keeps_the_bytes_after_the_first_page():
    rng = random.Random(7)
    for _ in range(200):
        pages = sorted(rng.sample(range(70_000), rng.randint(1, 40)))
        differences = [pages[0]] + [b - a for a, b in zip(pages, pages[1:])]
        location = lambda: rng.choice([-25, -13, -169, -300]) if rng.random() < 0.2 else rng.randint(0, 70_000)  # noqa: E731
        postings = [_posting(d, [location() for _ in range(rng.randint(0, 30))],
                             [rng.randint(-3, 300) for _ in range(rng.randint(0, 3))]) for d in differences]
        data = b"\x81\x81" + _entries("كلمة", postings)
        [(word, (count, first, rest, last), variants)] = bundle.chunk_words(data)
        assert (word, count, first, last, variants) == ("كلمة".encode(), len(pages), pages[0], pages[-1], ())
        assert data.endswith(rest + b"\x80")  # the postings after the first page number, then no variants


def test_merged_postings_move_each_list_by_the_pages_before_its_bundle():
    rng = random.Random(3)
    lists, expected = [], []
    offset = 0
    for _ in range(5):
        size = rng.randint(1, 400)
        pages = sorted(rng.sample(range(size), rng.randint(1, min(size, 20))))
        differences = [pages[0]] + [b - a for a, b in zip(pages, pages[1:])]
        data = b"\x81\x81" + _entries("w", [_posting(d, [page], []) for d, page in zip(differences, pages)])
        [(_, postings, _)] = bundle.chunk_words(data)
        lists.append((postings, offset))
        expected += [(offset + page, page) for page in pages]
        offset += size
    merged = bundle._merged_postings(lists)
    node, end = bundle.decode(merged)
    assert end == len(merged)
    walked, _ = bundle._postings(merged, 0)
    assert walked[0] == len(expected) and walked[1] == expected[0][0] and walked[3] == expected[-1][0]
    found, page = [], 0
    for posting in node[1]:
        page += posting[1][0][1]
        found.append((page, posting[1][1][1][0][1]))  # the page, and its location: its page in its piece
    assert found == expected


def test_pages_sharing_pagefind_s_short_hash_across_pieces_get_distinct_ids():
    assert bundle._page_ids("20150810-4", ["ar_abc1234", "ar_def5678", "ar_abc1234", "ar_abc1234"]) == \
        ["20150810-4_abc1234", "20150810-4_def5678", "20150810-4_abc1234-2", "20150810-4_abc1234-3"]
    # Pagefind's longer id for the second of two pages colliding in one run: the short one, suffixed
    assert bundle._page_ids("p", ["ar_abc1234", "ar_abc12345"]) == ["p_abc1234", "p_abc1234-2"]


def _random_postings(rng: random.Random, pages: list[int]) -> tuple[bundle.Postings, dict[int, list[int]]]:
    """Postings of `pages` (increasing), each page's locations a list naming the page."""
    differences = [pages[0]] + [b - a for a, b in zip(pages, pages[1:])]
    held = {page: [page, rng.randint(0, 300)] for page in pages}
    data = b"\x81\x81" + _entries("w", [_posting(d, held[page], [-1] if page % 3 else [])
                                        for d, page in zip(differences, pages)])
    [(_, postings, _)] = bundle.chunk_words(data)
    return postings, held


def _decoded(found: list[tuple[bundle.Postings, int]]) -> dict[int, list[int]]:
    """Page -> locations of the merged postings of `found`, checking that the pages increase."""
    node, _ = bundle.decode(bundle._merged_postings(found))
    page, seen = 0, {}
    for posting in node[1]:
        page += posting[1][0][1]
        assert page not in seen and all(page > before for before in seen)
        seen[page] = [value for _, value in posting[1][1][1]]
    return seen


def test_pages_renumbered_into_url_order_keep_their_postings():
    rng = random.Random(5)
    for _ in range(200):
        size = rng.randint(1, 300)
        pages = sorted(rng.sample(range(size), rng.randint(1, min(size, 30))))
        postings, held = _random_postings(rng, pages)
        numbers = list(range(size))
        rng.shuffle(numbers)
        renumbered = bundle._renumbered_pages(postings, numbers)
        assert _decoded([(renumbered, 0)]) == {numbers[page]: held[page] for page in pages}


def test_a_bundle_cut_around_pages_left_out_and_pages_between_keeps_every_posting_on_its_page():
    """A kept piece's pages in the merged numbering: some left out (edited, removed), others of
    other pieces between them. Cut into runs, its postings land on the right pages in order."""
    rng = random.Random(9)
    for _ in range(300):
        size = rng.randint(1, 200)
        kept = sorted(rng.sample(range(size), rng.randint(1, size)))
        numbers, number = [-1] * size, rng.randint(0, 5)
        for page in kept:
            number += 1 if rng.random() < 0.8 else rng.randint(2, 4)  # now and then pages of another piece between
            numbers[page] = number
        place = bundle._placed(numbers)
        assert place.whole == (kept == list(range(size)) and numbers == list(range(numbers[0], numbers[0] + size)))
        pages = sorted(rng.sample(range(size), rng.randint(1, min(size, 40))))
        postings, held = _random_postings(rng, pages)
        cut = bundle._in_page_order(bundle._cut(postings, place.numbers, place.runs, place.whole, place.tail))
        assert _decoded(cut) == {numbers[page]: held[page] for page in pages if numbers[page] >= 0}


def _as_the_module_reads(locations: list[int]) -> list[tuple[int, int]]:
    """(position, weight) of a posting's locations: a negative number -(w + 1) sets the weight w of
    those after it and starts their positions again; each position is the difference from the last;
    before any weight, Pagefind's module reads a location at 25."""
    weight, position, found = 25, 0, []
    for value in locations:
        if value < 0:
            weight, position = min(-value - 1, 255), 0
        else:
            position += value
            found.append((position, weight))
    return found


def test_a_postings_summary_weighs_its_locations_and_counts_a_position_listed_twice_once():
    rng = random.Random(11)
    for _ in range(300):
        pages = sorted(rng.sample(range(5000), rng.randint(1, 30)))
        differences = [pages[0]] + [b - a for a, b in zip(pages, pages[1:])]
        listed = []
        for _ in pages:  # runs of locations at several weights, now and then at the same positions
            locations = [rng.randint(0, 40)] if rng.random() < 0.3 else []
            for _ in range(rng.randint(0, 3)):
                locations += [-1 - rng.choice([12, 24, 56, 168, 300])]
                locations += [rng.choice([0, 1, 2, 5, 30, 300, 70_000]) for _ in range(rng.randint(0, 6))]
            fields = rng.sample(range(4), rng.randint(0, 2))
            listed.append((locations, [n for field in fields for n in (-1 - field, rng.randint(0, 30))]))
        data = b"\x81\x81" + _entries("w", [_posting(d, locations, meta)
                                            for d, (locations, meta) in zip(differences, listed)])
        [(_, postings, _)] = bundle.chunk_words(data)
        found_pages, lows, highs, masks, starts = bundle.postings_summary(postings)
        assert found_pages == pages
        for (locations, meta), low, high, mask, start in zip(listed, lows, highs, masks, starts):
            located = _as_the_module_reads(locations)
            assert bundle.posting_locations(postings[2], start) == located
            weights: dict[int, list[int]] = {}
            for position, weight in located:
                weights.setdefault(position, []).append(weight)
            assert (low, high) == (sum(min(w) for w in weights.values()), sum(max(w) for w in weights.values()))
            assert mask == sum(1 << (-1 - value) for value in meta if value < 0)


@given(st.binary(max_size=300), st.integers(0, 2**64 - 1), st.integers(0, 2**62))
@settings(max_examples=300, deadline=None)
def test_the_compiled_readers_refuse_damaged_bytes_without_reading_past_them(data, count, first):
    """Any bytes: an answer or ValueError (a read past the end would be a crash, not an error)."""
    compiled = bundle.COMPILED_READERS
    assert compiled is not None, "generator/_postings.c was not built (pip install -e .)"
    for call in (lambda: compiled["chunk_words"](b"\x81" + data), lambda: compiled["word_at"](data, 0),
                 lambda: compiled["postings_summary"]((count, first, data, 0)),
                 lambda: compiled["_walk"]((count, first, data, 0)),
                 lambda: compiled["_renumbered_pages"]((count % 4, first % 8, data, 0), list(range(8))),
                 lambda: compiled["_merged_entries"](
                     [[(b"w", (count % 4, first % 8, data, 7), ((b"v", (count % 3, first % 8, data, 5)),))]],
                     [(list(range(8)), [0, 0, -1, 1, 1, -1, 2, 2], False, first % 9)]),
                 lambda: bundle.compiled_readers.contenders(  # (pagefind_ranking's: it reads the same lists)
                     [((count % 4, first % 8, data, 0), 0, 1.0, 1.0), ((count % 3, first % 5, data, 0), 1, 0.9, 1.8)],
                     bytes(8 * 8), (5.0, 1.0), 1 + first % 3, 2.4, 0.9997)):
        try:
            call()
        except (ValueError, IndexError):
            pass


def test_merged_entries_refuse_a_bundle_whose_words_are_not_in_byte_order():
    """A merge walks the bundles' word lists in step (read_bundle refuses a chunk out of order)."""
    postings = (1, 0, b"\x80\x80", 0)
    place = ([0], [0], True, 1 << 62)
    assert [word for word, _ in bundle._merged_entries([[(b"a", postings, ()), (b"b", postings, ())]], [place])] \
        == [b"a", b"b"]
    for words in ([(b"b", postings, ()), (b"a", postings, ())], [(b"a", postings, ()), (b"a", postings, ())]):
        with pytest.raises(ValueError, match="byte order"):
            bundle._merged_entries([words], [place])
