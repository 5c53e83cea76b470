"""generator.feeds: Atom feeds for the site, each interface, each source and each event.

Real files in tmp_path, parsed back with ElementTree; articles carry hostile text because article
text is untrusted.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path

import pytest

from generator import feeds
from generator.output import SiteWriter
from generator.article import Article
from generator.feeds import EMPTY_FEED_UPDATED, feed_url, write_feeds
from generator.ingest.body import blocks_to_markdown
from generator.model import Archive, build_archive
from generator.render.urls import UrlScheme
from generator.sources import Source, SourceRegistry

A = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
BASE = "https://user.github.io/archive/"
URLS = UrlScheme(BASE, "ar")
TITLES = {"ar": "أرشيف الأخبار", "en": "News Archive"}
LANGUAGES = ("ar", "en")

HOSTILE_TITLE = 'Breaking <script>alert("x")</script> & ]]> \x01bell\x0b \ufffe\ud800 end'
HOSTILE_TITLE_CLEAN = 'Breaking <script>alert("x")</script> & ]]> bell  end'
HOSTILE_LEAD = "1. <b>Bold</b> & *stars* [link](javascript:alert(1)) \\ back ]]> \x00zero"
HOSTILE_LEAD_CLEAN = "1. <b>Bold</b> & *stars* [link](javascript:alert(1)) \\ back ]]> zero"

REGISTRY = SourceRegistry({
    "aljazeera": Source("aljazeera", "الجزيرة نت", "Al Jazeera"),
    "bbc-arabic": Source("bbc-arabic", "بي بي سي عربي", "BBC Arabic"),
    "quiet": Source("quiet", "صامت", "Quiet Outlet"),  # registered, no articles: an empty feed
})


def _article(article_id: str, language: str, date: str | None, **fields) -> Article:
    fields.setdefault("title", f"title {article_id}")
    fields.setdefault("body", blocks_to_markdown([("p", f"lead of {article_id}"), ("p", "second")]))
    precision = None if date is None else ("day" if len(date) == 10 else "minute")
    return Article(id=article_id, language=language, date=date, date_precision=precision, **fields)


ARTICLES = [
    # 2021-01-22T07:42Z once converted to UTC: older than the naive 09:00 below.
    _article("ar-minute", "ar", "2021-01-22T10:42:00+03:00", title="عنوان عربي", source="aljazeera",
             event="ev-ar-minute"),
    _article("en-hostile", "en", "2021-01-22", title=HOSTILE_TITLE, source="bbc-arabic", event="ev-ar-minute",
             body=blocks_to_markdown([("h", "A heading first"), ("p", HOSTILE_LEAD), ("p", "more")])),
    _article("en-naive", "en", "2021-01-22T09:00:00", source="aljazeera", author="Jane Reporter"),
    _article("tie-a", "ar", "2021-01-20", source="bbc-arabic"),
    _article("tie-b", "ar", "2021-01-20", source="bbc-arabic"),
    _article("ar-undated", "ar", None, source="aljazeera", event="ev-ar-minute"),
    _article("by-author", "en", "2020-12-31", author="Sam Writer"),
    _article("unlisted", "en", "2020-12-30", source="other-outlet"),
]
NEWEST_FIRST = ["en-naive", "ar-minute", "en-hostile", "tie-b", "tie-a", "by-author", "unlisted"]


@pytest.fixture(scope="module")
def archive() -> Archive:
    return build_archive(ARTICLES, REGISTRY)


@pytest.fixture()
def site(tmp_path: Path, archive: Archive) -> tuple[Path, list[str]]:
    written = write_feeds(SiteWriter(tmp_path), archive, URLS, TITLES, LANGUAGES, "ar")
    return tmp_path, written


def _parse(path: Path) -> ET.Element:
    root = ET.fromstring(path.read_bytes())
    assert root.tag == f"{A}feed"
    return root


def _entries(root: ET.Element) -> list[ET.Element]:
    return root.findall(f"{A}entry")


def _entry_ids(root: ET.Element) -> list[str]:
    return [e.findtext(f"{A}id").rsplit("/", 1)[1].removesuffix(".html") for e in _entries(root)]


def _link(element: ET.Element, rel: str) -> str:
    [link] = [l for l in element.findall(f"{A}link") if l.get("rel") == rel]
    return link.get("href")


# -- layout -----------------------------------------------------------------------------------------


def test_feeds_are_written_where_promised(site):
    out, written = site
    assert list(written) == [
        "feed.xml",
        "en/feed.xml",
        "sources/aljazeera/feed.xml",
        "sources/bbc-arabic/feed.xml",
        "sources/other-outlet/feed.xml",
        "sources/quiet/feed.xml",
        "events/ev-ar-minute.xml",
    ]
    for relative in written:
        assert (out / relative).is_file()
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == sorted(written)


def test_feed_url_matches_the_files_and_keeps_the_base_path():
    assert feed_url(URLS, "site") == "/archive/feed.xml"
    assert feed_url(URLS, "language", "ar") == "/archive/feed.xml"
    assert feed_url(URLS, "language", "en") == "/archive/en/feed.xml"
    assert feed_url(URLS, "source", "aljazeera") == "/archive/sources/aljazeera/feed.xml"
    assert feed_url(URLS, "event", "ev-1") == "/archive/events/ev-1.xml"
    assert URLS.output_file(feed_url(URLS, "event", "ev-1")) == "events/ev-1.xml"
    assert feed_url(UrlScheme("https://news.example.org/", "en"), "language", "ar") == "/ar/feed.xml"
    with pytest.raises(ValueError):
        feed_url(URLS, "tag", "x")
    with pytest.raises(ValueError):
        feed_url(URLS, "event")


def test_every_feed_is_well_formed_atom(site):
    out, written = site
    for relative in written:
        data = (out / relative).read_bytes()
        assert data.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n')
        root = _parse(out / relative)
        for required in ("id", "title", "updated"):
            assert root.find(f"{A}{required}") is not None, (relative, required)
        assert root.find(f"{A}author/{A}name").text
        assert _link(root, "self") == BASE + relative
        for entry in _entries(root):
            for required in ("id", "title", "updated", "published"):
                assert entry.find(f"{A}{required}") is not None, (relative, required)


# -- entries ----------------------------------------------------------------------------------------


def test_site_feed_is_newest_first_with_ties_by_id_and_no_undated(site):
    out, _ = site
    root = _parse(out / "feed.xml")
    assert _entry_ids(root) == NEWEST_FIRST


def test_feed_updated_is_the_newest_entry_and_dates_are_utc(site):
    out, _ = site
    root = _parse(out / "feed.xml")
    assert root.findtext(f"{A}updated") == "2021-01-22T09:00:00Z"   # the naive time, taken as UTC
    by_id = dict(zip(_entry_ids(root), _entries(root)))
    assert by_id["ar-minute"].findtext(f"{A}published") == "2021-01-22T07:42:00Z"  # +03:00 converted
    assert by_id["ar-minute"].findtext(f"{A}updated") == "2021-01-22T07:42:00Z"
    assert by_id["en-hostile"].findtext(f"{A}published") == "2021-01-22T00:00:00Z"  # day precision
    assert by_id["en-naive"].findtext(f"{A}published") == "2021-01-22T09:00:00Z"


def test_empty_feed_has_a_fixed_updated(site):
    out, _ = site
    root = _parse(out / "sources/quiet/feed.xml")
    assert _entries(root) == []
    assert root.findtext(f"{A}updated") == EMPTY_FEED_UPDATED == "1970-01-01T00:00:00Z"


def test_no_clock_time_anywhere(site):
    out, written = site
    allowed = {"2021-01-22T07:42:00Z", "2021-01-22T09:00:00Z", "2021-01-22T00:00:00Z",
               "2021-01-20T00:00:00Z", "2020-12-31T00:00:00Z", "2020-12-30T00:00:00Z", EMPTY_FEED_UPDATED}
    today = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    for relative in written:
        text = (out / relative).read_text(encoding="utf-8")
        assert today not in text
        stamps = set(re.findall(r"<(?:updated|published)>([^<]*)<", text))
        assert stamps <= allowed, (relative, stamps - allowed)


def test_feed_is_capped_at_max_entries(tmp_path, archive, monkeypatch):
    monkeypatch.setattr(feeds, "MAX_ENTRIES", 3)
    write_feeds(SiteWriter(tmp_path), archive, URLS, TITLES, LANGUAGES, "ar")
    assert _entry_ids(_parse(tmp_path / "feed.xml")) == NEWEST_FIRST[:3]
    assert feeds.MAX_ENTRIES == 3 and len(_entries(_parse(tmp_path / "en/feed.xml"))) == 3


def test_source_feed_holds_only_that_source(site):
    out, _ = site
    root = _parse(out / "sources/bbc-arabic/feed.xml")
    assert _entry_ids(root) == ["en-hostile", "tie-b", "tie-a"]
    assert root.findtext(f"{A}title") == "بي بي سي عربي — أرشيف الأخبار"
    assert root.get(XML_LANG) == "ar"
    assert _entry_ids(_parse(out / "sources/aljazeera/feed.xml")) == ["en-naive", "ar-minute"]
    assert _entry_ids(_parse(out / "sources/other-outlet/feed.xml")) == ["unlisted"]


def test_event_feed_holds_the_event_and_links_its_page(site):
    out, _ = site
    root = _parse(out / "events/ev-ar-minute.xml")
    assert _entry_ids(root) == ["ar-minute", "en-hostile"]  # the undated one is left out
    title = root.find(f"{A}title")
    # The event's title is its first (oldest) article's, in that article's language.
    assert (title.text, title.get(XML_LANG)) == (HOSTILE_TITLE_CLEAN, "en")
    assert root.get(XML_LANG) == "ar"
    assert _link(root, "alternate") == BASE + "events/ev-ar-minute.html"
    assert root.findtext(f"{A}id") == BASE + "events/ev-ar-minute.xml"


# -- languages and URLs -------------------------------------------------------------------------------


def test_language_feeds_link_their_interface(site):
    out, _ = site
    ar, en = _parse(out / "feed.xml"), _parse(out / "en/feed.xml")
    assert (ar.get(XML_LANG), ar.findtext(f"{A}title")) == ("ar", TITLES["ar"])
    assert (en.get(XML_LANG), en.findtext(f"{A}title")) == ("en", TITLES["en"])
    assert _link(ar, "alternate") == BASE
    assert _link(en, "alternate") == BASE + "en/"
    assert _link(en, "self") == en.findtext(f"{A}id") == BASE + "en/feed.xml"
    assert _entry_ids(en) == NEWEST_FIRST
    first_ar, first_en = _entries(ar)[0], _entries(en)[0]
    assert _link(first_ar, "alternate") == first_ar.findtext(f"{A}id") == BASE + "articles/en-naive.html"
    assert _link(first_en, "alternate") == first_en.findtext(f"{A}id") == BASE + "en/articles/en-naive.html"


def test_entries_carry_the_article_language(site):
    out, _ = site
    for feed in ("feed.xml", "en/feed.xml"):
        for entry in _entries(_parse(out / feed)):
            article_id = entry.findtext(f"{A}id").rsplit("/", 1)[1].removesuffix(".html")
            expected = next(a.language for a in ARTICLES if a.id == article_id)
            for child in ("title", "summary", "content"):
                assert entry.find(f"{A}{child}").get(XML_LANG) == expected, (feed, article_id, child)


def test_every_url_is_absolute_under_the_sub_path(site):
    out, written = site
    for relative in written:
        root = _parse(out / relative)
        for element in root.iter():
            if element.tag == f"{A}link":
                assert element.get("href").startswith(BASE), relative
            if element.tag == f"{A}id":
                assert element.text.startswith(BASE), relative


def test_author_is_the_source_name_in_the_feed_language(site):
    out, _ = site

    def authors(feed: str) -> dict[str, str]:
        root = _parse(out / feed)
        return dict(zip(_entry_ids(root), (e.findtext(f"{A}author/{A}name") for e in _entries(root))))

    ar, en = authors("feed.xml"), authors("en/feed.xml")
    assert ar["ar-minute"] == "الجزيرة نت" and en["ar-minute"] == "Al Jazeera"
    assert ar["en-naive"] == "الجزيرة نت"          # a registered source wins over the author field
    assert ar["by-author"] == en["by-author"] == "Sam Writer"
    assert ar["unlisted"] == "other-outlet"         # an unregistered id is shown as given


# -- untrusted text -------------------------------------------------------------------------------------


def test_hostile_text_is_escaped_and_survives_as_text(site):
    out, written = site
    for relative in written:
        data = (out / relative).read_bytes()
        assert b"<script" not in data and b"]]>" not in data and b"<b>" not in data
        assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", data)
        ET.fromstring(data)
    root = _parse(out / "feed.xml")
    entry = dict(zip(_entry_ids(root), _entries(root)))["en-hostile"]
    assert entry.findtext(f"{A}title") == HOSTILE_TITLE_CLEAN
    # The summary is the lead as plain text: the heading skipped, Markdown escapes gone.
    assert entry.findtext(f"{A}summary") == HOSTILE_LEAD_CLEAN
    content = entry.find(f"{A}content")
    assert content.get("type") == "html"
    # The body as the page renders it: the article's own tags stay escaped text, no link is made.
    assert content.text.startswith("<h2>A heading first</h2>\n<p>1. &lt;b&gt;Bold&lt;/b&gt; &amp; *stars*")
    assert "<b>" not in content.text and "<a " not in content.text


def test_summary_is_plain_text_of_the_lead(site):
    out, _ = site
    root = _parse(out / "feed.xml")
    summaries = dict(zip(_entry_ids(root), (e.findtext(f"{A}summary") for e in _entries(root))))
    assert summaries["tie-a"] == "lead of tie-a"


# -- determinism ----------------------------------------------------------------------------------------


def test_output_is_byte_identical_across_runs_and_input_order(tmp_path, archive):
    first, second = tmp_path / "one", tmp_path / "two"
    written = write_feeds(SiteWriter(first), archive, URLS, TITLES, LANGUAGES, "ar")
    shuffled = build_archive(list(reversed(ARTICLES)), REGISTRY)
    assert write_feeds(SiteWriter(second), shuffled, URLS, TITLES, LANGUAGES, "ar") == written
    for relative in written:
        assert (first / relative).read_bytes() == (second / relative).read_bytes(), relative


def test_default_language_must_match_the_url_scheme(tmp_path, archive):
    with pytest.raises(ValueError):
        write_feeds(SiteWriter(tmp_path), archive, URLS, TITLES, LANGUAGES, "en")


def test_english_default_interface(tmp_path, archive):
    urls = UrlScheme("https://news.example.org/", "en")
    written = write_feeds(SiteWriter(tmp_path), archive, urls, TITLES, LANGUAGES, "en")
    assert list(written)[:2] == ["feed.xml", "ar/feed.xml"]
    root = _parse(tmp_path / "sources/aljazeera/feed.xml")
    assert root.get(XML_LANG) == "en"
    assert root.findtext(f"{A}title") == "Al Jazeera — News Archive"
    assert _link(_entries(root)[0], "alternate") == "https://news.example.org/articles/en-naive.html"


def test_text_that_needs_no_escaping_is_returned_as_it_is_and_the_rest_escaped_as_before():
    import random

    def escaped(text: str) -> str:  # the whole escaping, as xml_text does it for any text
        return (feeds.xml_safe(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\r", "&#13;"))

    alphabet = [chr(c) for c in [*range(0x80), 0xa0, 0x627, 0x200f, 0xd7ff, 0xd800, 0xdfff, 0xe000, 0xfffd,
                                 0xfffe, 0xffff, 0x10000, 0x1f600, 0x10ffff]]
    rng = random.Random(7)
    for _ in range(50_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
        assert feeds.xml_text(text) == escaped(text), repr(text)
        assert feeds.xml_attr(text) == escaped(text).replace('"', "&quot;").replace("\n", "&#10;").replace(
            "\t", "&#9;"), repr(text)
    url = "https://example.org/أرشيف/articles/ab12.html"
    assert feeds.xml_text(url) is url and feeds.xml_attr(url) is url


def test_an_events_feed_is_known_by_its_events_digest_and_written_again_when_the_event_changes(tmp_path):
    from generator.render.fingerprints import ContextFingerprints

    class Counting(SiteWriter):
        def write(self, relative, data):
            self.rendered.append(relative)
            super().write(relative, data)

    def feeds_of(articles: list[Article], previous: tuple[dict, dict] = ({}, {})):
        walker = ContextFingerprints()
        site = Counting(tmp_path / "one", previous[1])
        site.rendered = []
        made = write_feeds(site, build_archive(articles, REGISTRY), URLS, TITLES, LANGUAGES, "ar", previous[0],
                           article_fingerprint=walker.article, event_fingerprint=walker.event)
        return made, site

    event_feed = "events/ev-ar-minute.xml"
    first, site = feeds_of(ARTICLES)
    assert event_feed in site.rendered
    # The same articles again: every feed kept, none written.
    again, site = feeds_of(ARTICLES, (first, site.written))
    assert again == first and site.rendered == []
    # One of its reports edited (not the first, whose headline is the feed's title): written again.
    event = build_archive(ARTICLES, REGISTRY).events["ev-ar-minute"]
    later = next(a.id for a in event.articles[1:] if a.date)
    lead = blocks_to_markdown([("p", "a corrected lead"), ("p", "second")])
    edited = [a.with_changes(body=lead) if a.id == later else a for a in ARTICLES]
    changed, site = feeds_of(edited, (first, site.written))
    assert changed[event_feed] != first[event_feed] and event_feed in site.rendered
    assert "a corrected lead" in (tmp_path / "one" / event_feed).read_text(encoding="utf-8")
    # A report added to it: written again, with the new entry.
    edited.append(_article("joined", "ar", "2021-01-23", source="aljazeera", event="ev-ar-minute"))
    changed, site = feeds_of(edited, (changed, site.written))
    assert event_feed in site.rendered and "joined" in _entry_ids(_parse(tmp_path / "one" / event_feed))
    # The event's feed written without the digests is the same file.
    write_feeds(SiteWriter(tmp_path / "two"), build_archive(edited, REGISTRY), URLS, TITLES, LANGUAGES, "ar")
    assert (tmp_path / "two" / event_feed).read_bytes() == (tmp_path / "one" / event_feed).read_bytes()
