"""The reader's-archive helpers on their own: Hijri dates, the date archive, pagination,
citations, JSON-LD escaping, content pages and the new URLs."""

from __future__ import annotations

import json
from datetime import date

import pytest

from generator.output import SiteWriter
from generator.article import Article
from generator.content_pages import ContentPageError, load_pages
from generator.date_archive import build_date_archive
from generator.model import build_archive
from generator.render.citation import CitationFacts, apa, bibtex, bibtex_escape
from generator.render.hijri import hijri_date_text, hijri_month_span_text, hijri_year_span_text
from generator.render.i18n import weekday_names
from generator.render.metadata import description, script_json
from generator.render.pagination import PAGE_SIZE, paginate
from generator.render.urls import UrlScheme
from generator.sources import SourceRegistry

URLS = UrlScheme("https://user.github.io/archive/", "ar")


def _article(article_id: str, date_value: str | None, source: str | None = "reuters", **extra) -> Article:
    return Article(id=article_id, title=extra.pop("title", f"Title {article_id}"), language="en",
                   body=extra.pop("body", "Body text."), date=date_value, source=source, **extra)


# -- Hijri ------------------------------------------------------------------------------------------


def test_hijri_date_of_22_january_2021_is_9_jumada_al_akhirah_1442():
    assert hijri_date_text(date(2021, 1, 22), "ar") == "9 جمادى الآخرة 1442 هـ"
    assert hijri_date_text(date(2021, 1, 22), "en") == "9 Jumada al-Akhirah 1442 AH"


def test_hijri_spans_of_a_month_and_a_year():
    assert hijri_month_span_text(2021, 1, "en") == "Jumada al-Ula – Jumada al-Akhirah 1442 AH"
    assert hijri_month_span_text(2021, 8, "en") == "Dhu al-Hijjah 1442 – Muharram 1443 AH"
    assert hijri_year_span_text(2021, "en") == "1442–1443 AH"
    assert hijri_year_span_text(2021, "ar") == "1442–1443 هـ"


def test_dates_outside_the_converters_range_show_no_hijri_date():
    assert hijri_date_text(date(1910, 5, 6), "en") == ""
    assert hijri_year_span_text(1910, "ar") == ""
    assert hijri_month_span_text(2100, 1, "en") == ""
    assert hijri_date_text(None, "en") == ""


# -- date archive ------------------------------------------------------------------------------------


def test_date_archive_groups_by_the_day_as_written_and_skips_undated():
    articles = [_article("a", "2021-01-22T23:30:00-05:00"), _article("b", "2021-01-22"),
                _article("c", "2021-02-01"), _article("d", None)]
    dates = build_date_archive(articles)
    assert list(dates.years) == [2021]
    assert dates.years[2021].count == 3
    assert [a.id for a in dates.day(date(2021, 1, 22)).articles] == ["a", "b"]
    assert dates.adjacent_days(date(2021, 1, 22)) == (None, dates.day(date(2021, 2, 1)))
    assert dates.adjacent_months(2021, 2) == (dates.month(2021, 1), None)


def test_month_grid_starts_on_the_interfaces_first_weekday():
    month = build_date_archive([_article("a", "2021-01-22")]).month(2021, 1)
    saturday_first = month.weeks(5)
    assert saturday_first[0] == [None] * 6 + [date(2021, 1, 1)]     # 1 January 2021 was a Friday
    assert len(saturday_first) == 6 and saturday_first[-1][1] == date(2021, 1, 31)
    monday_first = month.weeks(0)
    assert monday_first[0][4] == date(2021, 1, 1) and len(monday_first) == 5
    assert [short for short, _ in weekday_names("en", 0)][:2] == ["Mon", "Tue"]
    assert weekday_names("ar", 5)[0] == ("السبت", "السبت")


# -- pagination ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "sizes"), [
    (0, [0]), (1, [1]), (PAGE_SIZE, [PAGE_SIZE]), (PAGE_SIZE + 1, [PAGE_SIZE, 1]),
    (2 * PAGE_SIZE, [PAGE_SIZE, PAGE_SIZE]), (2 * PAGE_SIZE + 1, [PAGE_SIZE, PAGE_SIZE, 1]),
])
def test_pagination_boundaries(count, sizes):
    pages = paginate(list(range(count)), URLS.home)
    assert [len(chunk) for _, chunk in pages] == sizes
    assert [pager.number for pager, _ in pages] == list(range(1, len(sizes) + 1))
    first, last = pages[0][0], pages[-1][0]
    assert first.previous is None and last.next is None
    assert (first.next == 2) == (len(sizes) > 1)
    assert last.last_item == count and first.first_item == (1 if count else 0)
    assert sum(chunk for _, c in pages for chunk in c) == sum(range(count))


def test_paged_urls_keep_page_one_at_the_list_url():
    pager = paginate(list(range(3 * PAGE_SIZE)), URLS.home)[0][0]
    assert pager.url("en", 1) == "/archive/en/"
    assert pager.url("en", 2) == "/archive/en/page/2/"
    day = paginate([], lambda lang: URLS.day(lang, 2021, 1, 22))[0][0]
    assert URLS.output_file(day.url("ar", 3)) == "dates/2021/01/22/page/3/index.html"
    assert URLS.month("en", 2021, 1) == "/archive/en/dates/2021/01/"
    assert URLS.source("ar", "reuters") == "/archive/sources/reuters/"
    assert URLS.about("en") == "/archive/en/about/"
    assert URLS.raw("abc") == "/archive/raw/abc.txt"


# -- sources and neighbours --------------------------------------------------------------------------


def test_previous_and_next_come_from_the_same_source_in_date_order():
    articles = [_article("a1", "2021-01-01"), _article("b1", "2021-01-02", source="other"),
                _article("a2", "2021-01-03"), _article("a3", "2021-01-04"), _article("x", None, source=None)]
    archive = build_archive(articles, SourceRegistry({}))
    by_id = archive.by_id
    assert archive.source_neighbours(by_id["a2"]) == (by_id["a1"], by_id["a3"])
    assert archive.source_neighbours(by_id["a1"]) == (None, by_id["a2"])
    assert archive.source_neighbours(by_id["b1"]) == (None, None)
    assert archive.source_neighbours(by_id["x"]) == (None, None)
    assert [a.id for a in archive.source_articles("reuters")] == ["a3", "a2", "a1"]
    assert archive.source_ids() == ["other", "reuters"]


# -- citations and metadata -------------------------------------------------------------------------


def test_apa_uses_the_outlet_when_there_is_no_author_and_n_d_without_a_date():
    facts = CitationFacts(_article("a", "2021-01-22", title="Title"), "Reuters", "News Archive", "https://x/a/")
    assert apa(facts, "en") == "Reuters. (2021, January 22). Title. News Archive. https://x/a/"
    assert apa(facts, "ar") == "Reuters. (2021، 22 يناير). Title. News Archive. https://x/a/"
    undated = CitationFacts(_article("b", None, title="Why?"), None, "News Archive", "https://x/b/")
    assert apa(undated, "en") == "Why? (n.d.). News Archive. https://x/b/"


def test_bibtex_escapes_special_characters_and_keeps_names_whole():
    assert bibtex_escape("50% of {x} & $y_z #1 ~^\\") == (
        r"50\% of \{x\} \& \$y\_z \#1 \textasciitilde{}\textasciicircum{}\textbackslash{}")
    entry = bibtex(CitationFacts(_article("a", "2021-01-22", title="A}B", author="Doe, Jane"),
                                 "Reuters", "News Archive", "https://x/a/"))
    assert entry.startswith("@misc{reuters-a,\n") and entry.endswith("\n}")
    assert "title = {A\\}B}" in entry and "author = {{Doe, Jane}}" in entry
    assert "month = jan" in entry and "url = {https://x/a/}" in entry


def test_script_json_cannot_close_the_script_element():
    text = script_json({"headline": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"headline": "</script><!-- & \u2028"}


def test_description_is_the_plain_lead_cut_at_a_word():
    short = _article("a", None, body="A *short* lead.\n\nSecond paragraph.")
    assert description(short) == "A short lead."
    long = _article("b", None, body=" ".join(["word"] * 100))
    text = description(long)
    assert len(text) <= 160 and text.endswith("word…")


# -- content pages ------------------------------------------------------------------------------------


def test_content_pages_take_their_title_from_the_first_heading(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages/about.en.md").write_text("# About\n\nText.\n", encoding="utf-8")
    (tmp_path / "pages/notes.txt").write_text("ignored", encoding="utf-8")
    pages = load_pages(tmp_path)
    assert list(pages) == ["about"] and pages["about"]["en"].title == "About"
    assert pages["about"]["en"].body == "Text.\n"
    (tmp_path / "pages/about.ar.md").write_text("No heading\n", encoding="utf-8")
    with pytest.raises(ContentPageError, match="first line must be the title"):
        load_pages(tmp_path)


def test_content_pages_cannot_take_a_site_folder_name(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages/articles.en.md").write_text("# Articles\n", encoding="utf-8")
    with pytest.raises(ContentPageError, match="folder of the site"):
        load_pages(tmp_path)


# -- raw texts ------------------------------------------------------------------------------------------


def test_raw_text_only_for_articles_that_are_their_whole_seed(tmp_path):
    from generator.ingest.ids import raw_text_digest
    from generator.raw_text import collect_raw_texts, write_raw_texts

    root = tmp_path / "project"
    (root / "seeds").mkdir(parents=True)
    text = "عنوان\n\nنص الخبر كما وصل.\n"
    (root / "seeds/one.txt").write_bytes(text.encode("cp1256"))          # decoded, then published as UTF-8
    (root / "seeds/dump.json").write_text('[{"title": "a"}, {"title": "b"}]', encoding="utf-8")
    (tmp_path / "outside.txt").write_text(text, encoding="utf-8")                 # beside the project
    digest = raw_text_digest(text)
    articles = [
        _article("whole", None, seed="seeds/one.txt", raw_sha256=digest),
        _article("record", None, seed="seeds/dump.json", raw_sha256=raw_text_digest('{"title": "a"}')),
        _article("curated", None),
        _article("gone", None, seed="seeds/missing.txt", raw_sha256=digest),
        _article("escape", None, seed="seeds/../../outside.txt", raw_sha256=digest),
    ]
    texts = collect_raw_texts(root, articles)
    assert texts == {"whole": text}
    out = tmp_path / "site"
    assert write_raw_texts(SiteWriter(out), texts, URLS) == ["raw/whole.txt"]
    assert (out / "raw/whole.txt").read_bytes() == text.encode("utf-8")
