"""A frequent word's first page of results, worked out by the build with Pagefind's own search
module (generator/search_head.py), against Pagefind's answer in the page: the same results in the
same order, shown the same (title, source, date, excerpt and highlights), the same count, and the
next page after "more". Real build, real Pagefind, real
Chromium, over a synthetic archive indexed in several parts."""

from __future__ import annotations

import html
import json
import re
import shutil
import sys

import pytest

from conftest import PROJECT, run_archive
from generator.output import SiteWriter
from generator.search import build_index
from generator.pagefind_search import PagefindSearchError
from generator.search_head import HEAD_DIR, HEAD_RESULTS, head_file, write_head_results
from serve import serve

sys.path.insert(0, str(PROJECT / "scripts"))
import synthetic_corpus  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BASE = "/news/archive/"
MIN_ARTICLES = 40


@pytest.fixture(scope="module")
def head_site(tmp_path_factory):
    project = tmp_path_factory.mktemp("head") / "project"
    (project / "content").mkdir(parents=True)
    synthetic_corpus.write_day_files(synthetic_corpus.generate(160, seed=3), project / "seeds")
    shutil.copytree(PROJECT / "templates", project / "templates")
    for name in ("sources.toml", "gazetteer.toml"):
        shutil.copy2(PROJECT / "content" / name, project / "content" / name)
    config = (PROJECT / "archive.toml").read_text(encoding="utf-8").splitlines()
    config = [f'base_url = "http://127.0.0.1{BASE}"' if line.startswith("base_url") else line for line in config]
    config += ["", "[search]", f"first_page_min_articles = {MIN_ARTICLES}"]
    (project / "archive.toml").write_text("\n".join(config) + "\n", encoding="utf-8")
    code, out, err = run_archive(project, "build")
    assert code == 0, f"build failed: {out}\n{err}"
    site = project / "site"
    page = (site / "search" / "index.html").read_text(encoding="utf-8")
    data = json.loads(html.unescape(re.search(r'id="search-data">(.*?)</script>', page, re.S).group(1)))
    forms = data["headForms"]
    assert len(forms) >= 3, forms
    assert all((site / head_file(form)).is_file() for form in forms)
    # Several parts, as on a large archive, so that the page's ranking across parts is exercised.
    assert build_index(site, part_max_pages=50).parts >= 3
    write_head_results(site, forms, None, SiteWriter(site).write)
    return site, forms


def _results(page, url: str, query: str) -> tuple[list[str], str, list[str], list[str]]:
    """(results of the first page, status, results after "more", Pagefind files fetched for the query)."""
    page.goto(f"{url}search/")
    page.wait_for_selector("form.search-form[data-ready]", state="attached")
    page.wait_for_load_state("networkidle")
    chunks: list[str] = []  # Pagefind's word index and fragments
    page.on("request", lambda request: chunks.append(request.url) if request.url.endswith((".pf_index", ".pf_fragment"))
            else None)
    page.locator("#search-input").fill(query)
    page.locator("#search-input").press("Enter")
    page.wait_for_selector("#search-status[data-state=done]", state="attached")
    # Each result as shown: link, title, source, date and excerpt with its highlights.
    links = lambda: page.locator("#search-results li").evaluate_all("li => li.map(x => x.outerHTML)")  # noqa: E731
    first, status = links(), page.locator("#search-status").inner_text()
    fetched = list(chunks)
    more = []
    if page.locator("#search-more").is_visible():
        page.locator("#search-more").click()
        page.wait_for_selector(f"#search-results li:nth-child({len(first) + 1})", state="attached")
        more = links()[len(first):]
    return first, status, more, fetched


def test_a_frequent_words_first_page_is_pagefinds_own_and_more_continues_it(head_site, browser):
    site, forms = head_site
    with serve(site, BASE) as url:
        with_head = {}
        for form in forms[:6]:
            context = browser.new_context()
            with_head[form] = _results(context.new_page(), url, form)
            context.close()
        shutil.move(site / HEAD_DIR, site / "head-aside")  # the page now asks Pagefind for everything
        for form in forms[:6]:
            context = browser.new_context()
            first, status, more, fetched = _results(context.new_page(), url, form)
            context.close()
            head_first, head_status, head_more, head_fetched = with_head[form]
            assert first and head_first == first, form
            assert head_status == status, form
            assert head_more == more, form
            assert fetched and not head_fetched, form  # the first page came without Pagefind's files
    assert any(more for _, _, more, _ in with_head.values()), "no word had a second page"


def test_a_damaged_index_chunk_is_an_error_naming_it(head_site, tmp_path):
    site, forms = head_site
    copy = tmp_path / "site"
    shutil.copytree(site / "pagefind", copy / "pagefind")
    first_part = json.loads((copy / "pagefind" / "parts.json").read_text(encoding="utf-8"))["parts"][0]["name"]
    for chunk in (copy / "pagefind" / first_part / "index").glob("*.pf_index"):
        chunk.write_bytes(b"not a chunk")
    with pytest.raises(PagefindSearchError, match=rf"{first_part}/index/.*\.pf_index"):
        write_head_results(copy, forms[:1], None, SiteWriter(copy).write)


def test_a_rebuild_reuses_the_answers_and_fragments_of_unchanged_parts_only(head_site, tmp_path):
    site, forms = head_site
    copy = tmp_path / "site"
    shutil.copytree(site / "pagefind", copy / "pagefind")
    written: dict[str, str] = {}
    state = write_head_results(copy, forms, None, lambda path, text: written.__setitem__(path, text))
    listing = json.loads((copy / "pagefind" / "parts.json").read_text(encoding="utf-8"))
    # Nothing of an unchanged index is read again: not even a fragment.
    for fragments in (copy / "pagefind").glob("*/fragment"):
        shutil.rmtree(fragments)
    again: dict[str, str] = {}
    kept = write_head_results(copy, forms, state, lambda path, text: again.__setitem__(path, text))
    assert again == written and kept == state
    # A part with another key (its pages changed) is searched and its fragments read again.
    listing["parts"][0]["key"] = "changed"
    (copy / "pagefind" / "parts.json").write_text(json.dumps(listing), encoding="utf-8")
    with pytest.raises(PagefindSearchError, match=rf"{listing['parts'][0]['name']}: fragment"):
        write_head_results(copy, forms, state, lambda path, text: None)


def _frequent_words(folder, least: int) -> list[str]:
    """The words of a part's index that at least `least` of its pages hold (queries with more
    results than a first page), single letters left out."""
    from generator.pagefind_bundle import chunk_words, read_bytes

    words = []
    for chunk in sorted((folder / "index").glob("*.pf_index")):
        words += [word.decode() for word, postings, _ in chunk_words(read_bytes(chunk))
                  if postings[0] >= least and len(word.decode()) > 1]
    return sorted(words)


def _whole_searches(folder, words: list[str]) -> dict:
    """Each word's answer from Pagefind's module scoring every page, in a search page just opened."""
    from generator.pagefind_search import BundleSearch

    engine, answers = BundleSearch(folder), {}
    for word in words:
        engine.fresh()
        answers[word] = (engine.chunks_for(word), engine.search(word))
    return answers


def test_the_module_scores_only_pages_that_can_be_first_and_the_first_results_are_its_own(head_site, monkeypatch):
    """pagefind_ranking bounds every page's score (checked against the module's own scores, page by
    page), and the first results found by scoring only the pages whose bound reaches the first page
    are those of the whole search, for every frequent word of every part."""
    from generator.pagefind_ranking import PartRanking
    from generator.pagefind_search import BundleSearch, best_first
    from generator.search_head import _answer, _search_part

    site, _ = head_site
    parts = json.loads((site / "pagefind" / "parts.json").read_text(encoding="utf-8"))["parts"]
    searched = confirmed = exact = inexact = 0
    verdicts: list[bool] = []
    for part in parts:
        folder = site / "pagefind" / part["name"]
        words = _frequent_words(folder, HEAD_RESULTS + 1)
        whole = _whole_searches(folder, words)
        ranking, engine = PartRanking(folder), BundleSearch(folder)
        for word, (chunks, answer) in whole.items():
            bounds = ranking.bounds(word, chunks)
            assert sorted(bounds) == sorted(ranking.page_ids.index(r["p"]) for r in answer["results"]), word
            for result in answer["results"]:
                low, high = bounds[ranking.page_ids.index(result["p"])]
                assert low * (1 - 1e-4) <= result["s"] <= high * (1 + 1e-4), (word, result["p"], low, result["s"], high)
                exact += low == high
                inexact += low != high
            contenders = ranking.contenders(word, chunks, HEAD_RESULTS)
            if contenders is not None:
                engine.fresh()
                scored = engine.scored(word, sorted(contenders.bounds))
                confirmed += ranking.confirms(contenders, scored["unfiltered_total"], scored["results"])
                assert len(contenders.bounds) < len(answer["results"])
            searched += 1
        with monkeypatch.context() as patched:  # the first pages as the build finds them, narrowed where it can
            confirms = PartRanking.confirms
            patched.setattr(PartRanking, "confirms",
                            lambda self, *args: verdicts.append(confirms(self, *args)) or verdicts[-1])
            first_pages = dict(_search_part((str(folder), words)))
        assert first_pages == {word: _answer((len(answer["results"]), best_first(answer["results"], HEAD_RESULTS)))
                               for word, (_, answer) in whole.items()}
    assert searched >= 20 and confirmed >= 0.9 * searched, (searched, confirmed)
    assert verdicts.count(True) == confirmed, verdicts
    assert exact > 10 * inexact, (exact, inexact)


def test_first_results_come_from_the_whole_search_when_the_bounds_are_wrong(head_site, monkeypatch):
    """With bounds worked out by another formula (BM25's saturation 1.2, not Pagefind's 1.4), the
    module's scores do not confirm them, and each first page is the whole search's."""
    from generator import pagefind_ranking
    from generator.pagefind_search import best_first
    from generator.search_head import _answer, _search_part

    site, _ = head_site
    parts = json.loads((site / "pagefind" / "parts.json").read_text(encoding="utf-8"))["parts"]
    folders = [site / "pagefind" / part["name"] for part in parts]
    folder, words = max(((folder, _frequent_words(folder, HEAD_RESULTS + 1)) for folder in folders),
                        key=lambda found: len(found[1]))
    whole = _whole_searches(folder, words)
    verdicts = []
    confirms = pagefind_ranking.PartRanking.confirms
    monkeypatch.setattr(pagefind_ranking, "TERM_SATURATION", 1.2)
    monkeypatch.setattr(pagefind_ranking.PartRanking, "confirms",
                        lambda self, *args: verdicts.append(confirms(self, *args)) or verdicts[-1])
    first_pages = dict(_search_part((str(folder), words)))
    assert first_pages == {word: _answer((len(answer["results"]), best_first(answer["results"], HEAD_RESULTS)))
                           for word, (_, answer) in whole.items()}
    assert verdicts.count(False) > len(words) // 2, verdicts
