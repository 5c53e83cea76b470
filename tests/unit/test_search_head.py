"""Ranking a frequent word's first page across the index's parts as the search page does."""

from __future__ import annotations

import json
import math

from generator.search_head import HEAD_RESULTS, PartAnswer, head_file, head_forms, ranked_first_page
from generator.search_text import SearchForms


def _idf(pages: int, containing: int) -> float:
    return math.log((pages - containing + 0.5) / (containing + 0.5) + 1)


def test_each_parts_scores_are_weighed_by_the_words_archive_wide_rarity():
    # The word is common in part a (the days its event was covered) and rare in part b: Pagefind
    # alone would rank b's page first (rarer in its part), the archive-wide weight puts a's first.
    parts = [{"name": "a", "pages": 100}, {"name": "b", "pages": 100}]
    answers = [PartAnswer(60, (("a_1", 2.0, (3,)), ("a_2", 1.0, (5,)))), PartAnswer(2, (("b_1", 2.5, (7,)),))]
    total, first = ranked_first_page(parts, answers)
    archive = _idf(200, 62)
    scores = {"a_1": 2.0 * archive / _idf(100, 60), "a_2": 1.0 * archive / _idf(100, 60),
              "b_1": 2.5 * archive / _idf(100, 2)}
    assert total == 62
    assert [page for page, _ in first] == sorted(scores, key=lambda p: -scores[p])
    assert dict(first)["b_1"] == (7,)


def test_pages_of_equal_score_come_in_the_order_of_their_ids_in_one_part_or_several():
    # Pagefind leaves ties in its unstable sort's order; the page (search.js) orders them by id.
    parts = [{"name": "a", "pages": 10}, {"name": "b", "pages": 10}]
    answers = [PartAnswer(2, (("a_2", 1.0, ()), ("a_1", 1.0, ()))), PartAnswer(2, (("b_2", 1.0, ()), ("b_1", 1.0, ())))]
    assert [p for p, _ in ranked_first_page(parts, answers)[1]] == ["a_1", "a_2", "b_1", "b_2"]
    many = PartAnswer(30, tuple((f"a_{i:02}", 30.0 - i // 2, ()) for i in reversed(range(HEAD_RESULTS))))
    total, first = ranked_first_page(parts[:1], [many])
    assert total == 30 and [p for p, _ in first] == [f"a_{i:02}" for i in range(HEAD_RESULTS)]


def test_a_forms_file_is_named_by_its_code_points():
    assert head_file("عام") == "search/head/0639-0627-0645.json"


def test_frequent_forms_except_function_words_and_single_letters_get_a_first_page():
    # Every text holds بغداد, the function word في and the lone letters و and ب (a proclitic written
    # apart, an initial); Pagefind reads a letter as the prefix of every word that starts with it.
    texts = [f"و في بغداد ب {word}" for word in ("انفجار", "اجتماع", "انفجار", "مطار")]
    forms = SearchForms(texts)
    assert {"و", "ب", "في"} <= set(forms.document_frequency)
    assert head_forms(forms, 2) == ["انفجار", "بغداد"]
    assert head_forms(forms, 5) == []


def test_a_first_pages_file_is_the_json_of_its_results_encoded_once_each():
    # Each result's shown part is kept encoded from one build to the next; the file joined from
    # those is byte for byte what encoding the whole page at once gives.
    from generator.search_head import _result, _shown, head_json
    fragments = [
        {"url": "/articles/a.html", "content": 'نص "مقتبس" \\ وسطر\nجديد\t⁜ forms', "meta": {"title": "عنوان <b>"},
         "filters": {"source": ["spa"], "year": ["2015"]}},
        {"url": "/articles/b.html", "content": "\u2067RTL\u2069 \u0000 \ud800 text", "meta": {}, "filters": {}},
        {},
    ]
    results = [(f"p_{n}", (n, 7), fragment) for n, fragment in enumerate(fragments)]
    shown = [{"url": "/articles/a.html", "content": 'نص "مقتبس" \\ وسطر\nجديد\t', "meta": {"title": "عنوان <b>"},
              "filters": {"source": ["spa"], "year": ["2015"]}},
             {"url": "/articles/b.html", "content": "\u2067RTL\u2069 \u0000 \ud800 text", "meta": {}, "filters": {}},
             {"url": "", "content": "", "meta": {}, "filters": {}}]
    whole = [{"id": page, "locations": list(locations), **part} for (page, locations, _), part in zip(results, shown)]
    for total, chosen in ((3, results), (0, [])):
        expected = json.dumps({"total": total, "results": whole[:len(chosen)]}, ensure_ascii=False,
                              separators=(",", ":"))
        assert head_json(total, [_result(page, loc, _shown(fragment)) for page, loc, fragment in chosen]) == expected
