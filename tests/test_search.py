"""Arabic-aware search through the real search page in headless Chromium, over a fixture archive
(tests/fixtures/search_archive/) served under a sub-path: the query set, the query normaliser
against the shared fixture, URL state, filters, sort and both interfaces."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import PROJECT, run_archive
from serve import serve
from unit.test_search_text import normalisation_rows

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARCHIVE = FIXTURES / "search_archive"
BASE = "/news/archive/"


def query_rows() -> list[tuple[str, list[str], list[str], str]]:
    rows = []
    for line in (FIXTURES / "search_queries.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        query, must, must_not, why = line.split("\t")
        ids = lambda field: [] if field.strip() == "-" else field.split()  # noqa: E731
        rows.append((query, ids(must), ids(must_not), why))
    return rows


def _ids() -> dict[str, str]:
    """Short names used by the query set (s01) -> article ids (s01-gov-ta)."""
    return {path.stem.split("-")[0]: path.stem for path in (ARCHIVE / "seeds").glob("*.md")}


@pytest.fixture(scope="module")
def search_site(tmp_path_factory) -> Path:
    project = tmp_path_factory.mktemp("search") / "project"
    (project / "content").mkdir(parents=True)
    shutil.copytree(ARCHIVE / "seeds", project / "seeds")
    shutil.copytree(PROJECT / "templates", project / "templates")
    for name in ("sources.toml", "gazetteer.toml"):
        shutil.copy2(PROJECT / "content" / name, project / "content" / name)
    config = (PROJECT / "archive.toml").read_text(encoding="utf-8").splitlines()
    config = [f'base_url = "http://127.0.0.1{BASE}"' if line.startswith("base_url") else line for line in config]
    (project / "archive.toml").write_text("\n".join(config) + "\n", encoding="utf-8")
    code, out, err = run_archive(project, "build")
    assert code == 0, f"build failed: {out}\n{err}"
    return project / "site"



@pytest.fixture(scope="module")
def site_url(search_site):
    with serve(search_site, BASE) as url:
        yield url




def _search(page, query: str) -> None:
    """Type `query` into the search box of the open search page and wait for its results."""
    page.wait_for_selector("form.search-form[data-ready]", state="attached")
    page.evaluate("() => { document.getElementById('search-status').dataset.state = 'stale'; }")
    page.locator("#search-input").fill(query)
    page.locator("#search-input").press("Enter")
    page.wait_for_selector("#search-status[data-state=done], #search-status[data-state=error]", state="attached")
    assert page.locator("#search-status").get_attribute("data-state") == "done", query


def _found(page, site_url: str, interface: str = "") -> list[str]:
    prefix = f"{site_url}{interface}articles/"
    hrefs = page.locator("#search-results li a.result-title").evaluate_all("links => links.map(a => a.href)")
    return [href[len(prefix):].removesuffix(".html") for href in hrefs if href.startswith(prefix)]


def test_query_set_finds_every_spelling_and_nothing_else(page, site_url):
    rows = query_rows()
    assert len(rows) >= 40
    ids = _ids()
    page.goto(f"{site_url}search/")
    failures = []
    for query, must, must_not, why in rows:
        _search(page, query)
        found = set(_found(page, site_url))
        missing = [ids[s] for s in must if ids[s] not in found]
        wrong = [ids[s] for s in must_not if ids[s] in found]
        if missing or wrong:
            failures.append(f"{query} ({why}): missing {missing}, must not find {wrong}, found {sorted(found)}")
        excerpts = page.locator("#search-results .result-excerpt").all_inner_texts()
        if any("⁜" in text for text in excerpts):
            failures.append(f"{query}: an excerpt shows the hidden search forms")
    assert failures == [], "\n".join(failures)


def test_javascript_normaliser_agrees_with_the_shared_fixture(page, site_url):
    page.goto(f"{site_url}search/")
    rows = [[text, expected, decisions] for text, expected, decisions in normalisation_rows()]
    results = page.evaluate(
        """async ([url, rows]) => {
            const n = await import(url);
            return rows.map(([text, expected, decisions]) =>
                n.tokens(text).map((t) => n.searchForm(t, decisions)).join(" "));
        }""",
        [f"{site_url}assets/search-normalise.js", rows],
    )
    mismatches = [(text, expected, got) for (text, expected, _), got in zip(rows, results) if got != expected]
    assert mismatches == []


def test_excerpt_shows_the_original_spelling_with_highlights(page, site_url):
    page.goto(f"{site_url}search/?q=الحكومه")
    page.wait_for_selector("#search-status[data-state=done]", state="attached")
    marks = page.locator("#search-results mark").all_inner_texts()
    assert "الحكومة" in marks      # s01 spells it with ة: highlighted as written, not as searched
    assert "الحكومه" in marks
    meta = page.locator("#search-results li", has_text="الحكومة العراقية").locator(".result-meta").inner_text()
    assert "الجزيرة نت" in meta and "10 مارس 2021" in meta
    page.goto(f"{site_url}search/?q=مسئول")
    page.wait_for_selector("#search-status[data-state=done]", state="attached")
    marks = page.locator("#search-results mark").all_inner_texts()
    assert "المسؤولين" in marks and "مسئول" in marks   # the other hamza seat is highlighted as written
    assert "مسوول" in marks                            # and the word written without a hamza


def test_excerpt_of_a_long_article_is_its_window_with_the_most_matches(page, site_url):
    # s17 names saffron once near its start and twice together in its last words: the excerpt is
    # the later passage, a full 30 words up to the article's end, not the article's start.
    page.goto(f"{site_url}search/?q=الزعفران")
    page.wait_for_selector("#search-status[data-state=done]", state="attached")
    item = page.locator("#search-results li", has_text="موسم الورد في الطائف")
    excerpt = item.locator(".result-excerpt").inner_text()
    assert excerpt.startswith("… ")
    assert excerpt.endswith("الزعفران الأفغاني والزعفران الإسباني بأثمان متفاوتة.")
    assert len(excerpt.split()) == 1 + 30
    assert "ماء الورد" not in excerpt
    assert item.locator("mark").all_inner_texts() == ["الزعفران", "والزعفران"]


def _events(site: Path) -> dict[str, str]:
    records = json.loads((site / "data/articles.json").read_text(encoding="utf-8"))
    return {record["id"]: record["event"] for record in records}


def test_query_filters_and_sort_live_in_the_url_and_the_back_button_restores_them(page, site_url, search_site):
    ids = _ids()
    page.goto(f"{site_url}search/")
    _search(page, "بغداد")
    assert set(_found(page, site_url)) == {ids["s01"], ids["s10"], ids["s11"], ids["s12"]}
    assert "q=%D8%A8%D8%BA%D8%AF%D8%A7%D8%AF" in page.url

    page.evaluate("() => { document.getElementById('search-status').dataset.state = 'stale'; }")
    page.select_option("#filter-source", "alalam")
    page.wait_for_selector("#search-status[data-state=done]", state="attached")
    assert _found(page, site_url) == [ids["s11"]]
    assert "source=alalam" in page.url

    page.evaluate("() => { document.getElementById('search-status').dataset.state = 'stale'; }")
    page.go_back()
    page.wait_for_selector("#search-status[data-state=done]", state="attached")
    assert page.locator("#filter-source").input_value() == ""
    assert len(_found(page, site_url)) == 4

    # A shared URL restores query, filters and order.
    event = _events(search_site)[ids["s04"]]
    assert _events(search_site)[ids["s05"]] == event
    page.goto(f"{site_url}search/?q=الكهرباء&event={event}&sort=oldest")
    page.wait_for_selector("#search-status[data-state=done]", state="attached")
    assert page.locator("#search-input").input_value() == "الكهرباء"
    assert page.locator("#search-sort").input_value() == "oldest"
    assert page.locator("#filter-event").input_value() == event
    assert _found(page, site_url) == [ids["s04"], ids["s05"]]
    page.evaluate("() => { document.getElementById('search-status').dataset.state = 'stale'; }")
    page.select_option("#search-sort", "newest")
    page.wait_for_selector("#search-status[data-state=done]", state="attached")
    assert _found(page, site_url) == [ids["s05"], ids["s04"]]
    assert f"event={event}" in page.url and "sort=newest" in page.url


def test_filters_alone_browse_the_archive_and_undated_articles_sort_last(page, site_url):
    ids = _ids()
    page.goto(f"{site_url}search/?year=2019&sort=newest")
    page.wait_for_selector("#search-status[data-state=done]", state="attached")
    assert _found(page, site_url) == [ids["s08"], ids["s03"], ids["s07"], ids["s09"]]
    page.goto(f"{site_url}search/?language=ar&source=arreyadi&sort=newest")
    page.wait_for_selector("#search-status[data-state=done]", state="attached")
    assert _found(page, site_url) == [ids["s13"]]   # undated, still listed when sorting by date
    page.goto(f"{site_url}search/?q=hospital&language=en")
    page.wait_for_selector("#search-status[data-state=done]", state="attached")
    assert _found(page, site_url) == [ids["s15"]]


@pytest.mark.parametrize("interface, expected", [
    ("", {"status": "نتيجتان لـ «الكاظمي»", "source": "المصدر", "all": "كل المصادر", "language": "الإنجليزية",
          "sort": "الأحدث أولاً", "dir": "rtl"}),
    ("en/", {"status": "2 results for “الكاظمي”", "source": "Source", "all": "All sources", "language": "English",
             "sort": "Newest first", "dir": "ltr"}),
])
def test_both_interfaces_translate_every_string(page, site_url, interface, expected):
    ids = _ids()
    page.goto(f"{site_url}{interface}search/?q=الكاظمي")
    page.wait_for_selector("#search-status[data-state=done]", state="attached")
    assert page.locator("#search-status").inner_text() == expected["status"]
    assert set(_found(page, site_url, interface)) == {ids["s10"], ids["s11"]}  # links in the reader's interface
    assert page.locator("label[for=filter-source]").inner_text() == expected["source"]
    assert page.locator("#filter-source option").first.inner_text() == expected["all"]
    languages = page.locator("#filter-language option").all_inner_texts()
    assert any(text.startswith(expected["language"]) for text in languages)
    assert expected["sort"] in page.locator("#search-sort option").all_inner_texts()
    assert page.evaluate("getComputedStyle(document.querySelector('.search-filters')).direction") == expected["dir"]
    title = page.locator("#search-results a.result-title").first
    assert title.get_attribute("lang") == "ar" and title.get_attribute("dir") == "rtl"


def test_counts_use_plural_forms_and_no_results_is_said(page, site_url):
    page.goto(f"{site_url}search/?q=بغداد")
    page.wait_for_selector("#search-status[data-state=done]", state="attached")
    assert page.locator("#search-status").inner_text().startswith("4 نتائج")   # Arabic "few"
    page.goto(f"{site_url}search/?q=جنة")
    page.wait_for_selector("#search-status[data-state=done]", state="attached")
    assert page.locator("#search-status").inner_text().startswith("نتيجة واحدة")
    page.goto(f"{site_url}en/search/?q=zzzqqq")
    page.wait_for_selector("#search-status[data-state=done]", state="attached")
    assert page.locator("#search-status").inner_text() == "No results for “zzzqqq”."
    assert page.locator("#search-status").get_attribute("role") == "status"


def test_keyboard_slash_focuses_the_search_box_and_escape_clears_it(page, site_url):
    page.goto(f"{site_url}en/search/")
    page.locator("h1").click()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search-input"
    page.keyboard.type("Baghdad")
    page.keyboard.press("Escape")
    assert page.locator("#search-input").input_value() == ""


def test_an_event_without_a_label_on_the_search_page_is_named_from_its_own_page(page, site_url, search_site):
    ids = _ids()
    event = _events(search_site)[ids["s03"]]            # a one-article event: not offered in the filter
    page.goto(f"{site_url}search/?event={event}")
    page.wait_for_selector("#search-status[data-state=done]", state="attached")
    assert _found(page, site_url) == [ids["s03"]]
    option = page.locator("#filter-event option:checked", has_text="افتتاح مستشفي الملك في جدة")
    option.wait_for(state="attached")
    assert page.locator("#search-status").inner_text() == "مقال واحد"   # browsing: a count of articles
