"""generator/pagefind_ranking.py on bundles written by the real Pagefind binary: the bounds it works
out hold every score that Pagefind's own search module gives, also where two matched words share a
location (10.7 is indexed as 10 and 107 at one position, a compound as its parts and the whole),
which the module credits to either; and the first results found by scoring only the pages whose
bound reaches the first page are those of the whole search. Every test runs with the contenders'
numpy reference and with the compiled ones (generator/_postings.c)."""

from __future__ import annotations

import random

import pytest
from test_search_index import _pagefind, write_page

from generator import pagefind_ranking
from generator.pagefind_ranking import PartRanking
from generator.pagefind_search import BundleSearch, best_first
from generator.search_head import HEAD_RESULTS, _answer, _search_part

QUERIES = ["مطار", "10", "بغداد", "حكوم", "2015", "كتب", "طيران"]


@pytest.fixture(autouse=True, params=["numpy", "compiled"])
def contenders_of(request, monkeypatch):
    """PartRanking.contenders as one implementation or the other (both are what a build may run)."""
    if request.param == "compiled":
        assert pagefind_ranking.COMPILED_CONTENDERS is not None, \
            "generator/_postings.c was not built (pip install -e .)"
    monkeypatch.setattr(pagefind_ranking, "_compiled_contenders",
                        pagefind_ranking.COMPILED_CONTENDERS if request.param == "compiled" else None)
    return request.param


def _site(tmp_path, titles: tuple[str, ...] = ()):
    """`titles`: the first pages' titles (else "مقال رقم N")."""
    chance = random.Random(4)
    pieces = ["مطار", "مطار بغداد", "مطار-بغداد", "10.7", "10-10", "2015-08-02", "الحكومة", "حكومة-بغداد",
              "وزير", "قال", "الخبر", "عن", "في", "كتب", "كَتَبَ", "كُتُب", "طيران"]
    site = tmp_path / "site"
    for number in range(60):
        words = [chance.choice(pieces) for _ in range(chance.randint(5, 60))]
        write_page(site, number, "2015-08-02", text=" ".join(words),
                   title=titles[number] if number < len(titles) else "")
    for number in range(60, 64):  # the same report twice, twice: pages of equal score
        write_page(site, number, "2015-08-02", text="مطار بغداد 10.7 مطار-بغداد قال الوزير عن الحكومة")
    for number in range(64, 88):  # 24 pages of equal score, more than a first page, for طيران
        write_page(site, number, "2015-08-02", text="طيران طيران الخبر")
    bundle = tmp_path / "bundle"
    _pagefind(site, bundle)
    return bundle


def test_bounds_hold_pagefinds_scores_and_the_first_results_are_those_of_the_whole_search(tmp_path):
    bundle = _site(tmp_path)
    ranking, engine = PartRanking(bundle), BundleSearch(bundle)
    whole, raw, inexact, narrowed = {}, {}, 0, 0
    for query in QUERIES:
        engine.fresh()
        chunks, answer = engine.chunks_for(query), engine.search(query)
        assert len(answer["results"]) > HEAD_RESULTS, query
        whole[query] = _answer((len(answer["results"]), best_first(answer["results"], HEAD_RESULTS)))
        raw[query] = answer["results"]
        bounds = ranking.bounds(query, chunks)
        assert len(bounds) == len(answer["results"])
        for result in answer["results"]:
            low, high = bounds[ranking.page_ids.index(result["p"])]
            assert low * (1 - 1e-4) <= result["s"] <= high * (1 + 1e-4), (query, result["p"], low, result["s"], high)
            inexact += low < high * (1 - 1e-4)
        contenders = ranking.contenders(query, chunks, HEAD_RESULTS)
        if contenders is None:  # bounds too loose to leave any page out (2015, in 2015-08-02 and 20150802)
            continue
        assert len(contenders.bounds) < len(answer["results"]), query
        engine.fresh()
        scored = engine.scored(query, sorted(contenders.bounds))
        assert ranking.confirms(contenders, scored["unfiltered_total"], scored["results"]), query
        # the module's scores under the filter are those of the whole search
        whole_scores = {r["p"]: r["s"] for r in answer["results"]}
        assert {r["p"]: r["s"] for r in scored["results"]}.items() <= whole_scores.items()
        narrowed += 1
    assert narrowed >= 3
    assert inexact > 0  # pages where matched words share a location, whose score is bounded, not known
    assert dict(_search_part((str(bundle), QUERIES))) == whole
    # ties: the same report on several pages, ordered by page id, also across the first page's end
    for query in ("مطار", "طيران"):
        first = dict(_search_part((str(bundle), [query])))[query].best
        assert [page for page, _, _ in first] == [page for page, _, _ in sorted(first, key=lambda r: (-r[1], r[0]))]
    last = whole["طيران"].best[-1][1]  # a score the first page ends on and the next page goes on with
    assert sum(score == last for _, score, _ in whole["طيران"].best) < sum(r["s"] == last for r in raw["طيران"]) > 10


def test_a_fresh_search_module_answers_as_a_new_one_after_other_searches(tmp_path, monkeypatch):
    """fresh() puts the module's memory back as it was after reading the metadata, instead of
    making an instance: every answer, and every filtered one, is then the one a new instance
    gives, although chunks for other words (which a prefix would also match) were loaded before;
    once the instance has grown past FRESH_GROWTH, a new one is made."""
    from generator import pagefind_search

    bundle = _site(tmp_path)
    queries = [*QUERIES, "م", "مط", "ال", "1"]  # short prefixes: they match words of any chunk loaded
    engine = BundleSearch(bundle)
    for query in queries:
        engine.search(query)  # chunks of every query loaded into one instance
    restored = engine._store
    for query in reversed(queries):
        engine.fresh()
        assert engine._store is restored  # the same instance, its memory put back
        assert engine.search(query) == BundleSearch(bundle).search(query), query
        pages = list(range(0, 40, 3))
        engine.fresh()
        assert engine.scored(query, pages) == BundleSearch(bundle).scored(query, pages), query
    monkeypatch.setattr(pagefind_search, "FRESH_GROWTH", -1)
    engine.fresh()
    assert engine._store is not restored
    assert engine.search("مطار") == BundleSearch(bundle).search("مطار")


def test_a_search_dropped_frees_its_instance_without_the_cycle_collector(tmp_path):
    """The module's import holds its search weakly, so nothing holds a search's store but the search:
    dropped, its instance (grown by the chunks it loaded) is freed at once, not at the cycle
    collector's next full pass (a searching process's earlier tasks kept 80 MB a part)."""
    import gc
    import weakref

    bundle = _site(tmp_path)
    gc.collect()
    gc.disable()
    try:
        engine = BundleSearch(bundle)
        engine.search("مطار")
        engine.fresh()
        store = weakref.ref(engine._store)
        del engine
        assert store() is None
    finally:
        gc.enable()


def test_a_merged_parts_word_offsets_give_the_same_first_pages_decoding_only_the_matched_entries(tmp_path):
    import pickle

    from test_search_index import _sort_values

    from generator.pagefind_bundle import WordOffsets, chunk_words, read_bundle, read_bytes, word_at, write_merged

    raw = _site(tmp_path)
    merged, offsets = tmp_path / "merged", tmp_path / "merged.offsets"
    write_merged(merged, "p", [(raw, read_bundle(raw))], sort_values=_sort_values(tmp_path / "site"),
                 word_offsets=offsets)
    kept = pickle.loads(offsets.read_bytes())
    assert isinstance(kept, WordOffsets) and kept.chunks
    for chunk, (words, starts) in kept.chunks.items():
        data = read_bytes(merged / "index" / f"{chunk}.pf_index")
        entries = chunk_words(data)
        assert words == [entry[0] for entry in entries]
        assert [word_at(data, start)[0] for start in starts] == entries

    plain, quick = PartRanking(merged), PartRanking(merged, offsets)
    engine = BundleSearch(merged)
    for query in QUERIES:
        chunks = engine.chunks_for(query)
        assert quick.bounds(query, chunks) == plain.bounds(query, chunks), query
        assert quick.contenders(query, chunks, HEAD_RESULTS) == plain.contenders(query, chunks, HEAD_RESULTS), query
    decoded = sum(len(entries._decoded) for _, entries in quick._chunks.values())
    assert 0 < decoded < sum(len(words) for words, _ in quick._chunks.values())
    assert _search_part((str(merged), QUERIES, str(offsets))) == _search_part((str(merged), QUERIES))

    # Offsets of another bundle (its meta file's hash), or offsets that do not fall on the words, are not used.
    other = tmp_path / "other.offsets"
    other.write_bytes(pickle.dumps(WordOffsets("another-meta", kept.chunks)))
    assert PartRanking(merged, other)._offsets == {}
    shifted = {chunk: (words, [start + 1 for start in starts]) for chunk, (words, starts) in kept.chunks.items()}
    other.write_bytes(pickle.dumps(WordOffsets(kept.meta, shifted)))
    wrong = PartRanking(merged, other)
    chunks = engine.chunks_for("مطار")
    assert wrong.contenders("مطار", chunks, HEAD_RESULTS) is None  # then the module's whole search answers
    assert _search_part((str(merged), QUERIES, str(other))) == _search_part((str(merged), QUERIES))


def test_word_offsets_that_cannot_be_written_leave_the_merge_whole(tmp_path):
    """The offsets are a reader's shortcut: a merge that cannot write them (here, into a folder that
    is not there; a full disk alike) writes the same bundle, and its searches decode chunks whole."""
    from test_search_index import _sort_values

    from generator.pagefind_bundle import read_bundle, write_merged

    raw = _site(tmp_path)
    with_offsets, without = tmp_path / "with", tmp_path / "without"
    missing = tmp_path / "gone" / "p.offsets"
    write_merged(with_offsets, "p", [(raw, read_bundle(raw))], sort_values=_sort_values(tmp_path / "site"),
                 word_offsets=missing)
    write_merged(without, "p", [(raw, read_bundle(raw))], sort_values=_sort_values(tmp_path / "site"))
    assert not missing.exists()
    files = sorted(path.relative_to(without) for path in without.rglob("*") if path.is_file())
    assert files == sorted(path.relative_to(with_offsets) for path in with_offsets.rglob("*") if path.is_file())
    assert all((with_offsets / name).read_bytes() == (without / name).read_bytes() for name in files)
    assert PartRanking(with_offsets, missing)._offsets == {}
    assert _search_part((str(with_offsets), QUERIES, str(missing))) == _search_part((str(without), QUERIES))


@pytest.mark.parametrize("contenders_of", ["compiled"], indirect=True)  # (it runs both)
def test_the_compiled_contenders_are_the_numpy_ones_to_the_last_bit(tmp_path):
    """The same pages with the same bounds (the same floating-point operations in the same order),
    for words, prefixes that match many words (a location of two words, variants with and without
    diacritics), first pages of several sizes, and a word that finds no page; both leave the
    choice to the module's whole search (None) in the same cases."""
    # titles holding one, two or three of the words a prefix matches (the title's boost grows with their cube)
    titles = tuple(["مطار", "مطار المطارات", "مطار المطارات مطارنا", "كتب كتاب", "حكومة حكومات"][number % 5]
                   for number in range(30))
    bundle = _site(tmp_path, titles)
    ranking, engine = PartRanking(bundle), BundleSearch(bundle)
    answered = 0
    for query in [*QUERIES, "م", "مط", "ال", "1", "20", "ك", "كت", "حكوم", "طير", "غائب"]:
        chunks = engine.chunks_for(query)
        for first in (1, 2, 5, 20, 40, 200):
            pagefind_ranking._compiled_contenders = pagefind_ranking.COMPILED_CONTENDERS
            compiled = ranking.contenders(query, chunks, first)
            pagefind_ranking._compiled_contenders = None
            reference = ranking.contenders(query, chunks, first)
            assert compiled == reference, (query, first)
            answered += compiled is not None
    assert answered >= 20
