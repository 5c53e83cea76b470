"""generator.pagefind_search: the count and first results of an answer, decoding no other result."""

from __future__ import annotations

import json

import pytest

from generator.pagefind_search import _all_results, _first_results


def _answer(results: int, total: int | None = None) -> str:
    # The layout of Pagefind 1.5's answer (serde: the struct's fields in order).
    return json.dumps({"filtered_counts": {"source": {"a": 1}}, "total_counts": {},
                       "results": [{"p": f"p_{n}", "s": 10.0 - n / 10, "l": [{"w": 1, "s": 1.5, "l": n}]}
                                   for n in range(results)],
                       "unfiltered_total": results if total is None else total}, separators=(",", ":"))


@pytest.mark.parametrize("results", [0, 1, 19, 20, 21, 500])
def test_the_count_and_first_results_are_those_of_the_whole_answer(results):
    text = _answer(results)
    whole = json.loads(text)["results"]
    assert _first_results(text, 20) == (len(whole), whole[:20])


def test_an_answer_laid_out_otherwise_is_left_to_json():
    assert _first_results(_answer(3, total=4), 20) is None     # a total that is not the results'
    assert _first_results(json.dumps({"results": []}), 20) is None
    assert _first_results(_answer(30)[:-30], 20) is None       # cut short
    moved = json.dumps({"unfiltered_total": 2, "results": [{"p": "a"}, {"p": "b"}]}, separators=(",", ":"))
    assert _first_results(moved, 20) is None


def test_an_answer_that_is_not_json_is_a_search_error():
    from pathlib import Path
    from types import SimpleNamespace

    from generator.pagefind_search import BundleSearch, PagefindSearchError

    bundle = SimpleNamespace(folder=Path("pagefind/p"))
    for text in ('{"results":[{"p":"a"', "[1, 2]"):
        with pytest.raises(PagefindSearchError, match="pagefind/p: cannot search it for 'word'"):
            BundleSearch._decoded(bundle, "word", text)


def test_pages_tied_with_the_last_first_result_are_read_and_ties_ordered_by_page_id():
    # Pagefind leaves equal scores in its unstable sort's order; the page orders them by id.
    scores = [9.0, 8.0, 8.0, 7.0, 7.0, 7.0, 7.0, 6.0]
    ids = ["h", "g", "b", "f", "c", "e", "a", "d"]
    text = json.dumps({"results": [{"p": p, "s": s, "l": []} for p, s in zip(ids, scores)],
                       "unfiltered_total": len(ids)}, separators=(",", ":"))
    count, first = _first_results(text, 4)
    assert count == 8 and [r["p"] for r in first] == ["h", "b", "g", "a"]
    assert _first_results(text, 4) == _all_results(json.loads(text), 4)
    unsorted = json.dumps({"results": [{"p": "a", "s": 1.0}, {"p": "b", "s": 2.0}], "unfiltered_total": 2})
    assert _first_results(unsorted, 1) is None  # not Pagefind's order: left to the whole answer
