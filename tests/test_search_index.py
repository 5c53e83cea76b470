"""The search index stage (generator/search.py) on real files with the real Pagefind binary: pages
split into parts by date, parts reused from the previous site only when their input pages are
unchanged, and a reused index byte-identical to a clean one."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from generator import search
from generator.search import INDEXED_PAGES, IndexedPage, build_index, indexed_pages, plan_parts

PAGE = """<!doctype html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav><a href="../{neighbour}/">{neighbour}</a></nav>
<main><article lang="ar" data-pagefind-body><h1 data-pagefind-meta="title">{title}</h1>
<div class="article-body"><p>{text}</p><article><p>quoted</p></article></div>
<div hidden data-pagefind-ignore><span data-pagefind-filter="year:{year}"></span>
<span data-pagefind-sort="date:{day}"></span></div></article></main></body></html>
"""


def write_page(site: Path, number: int, day: str, text: str = "", neighbour: str = "a0000", title: str = "") -> None:
    path = site / f"articles/a{number:04d}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PAGE.format(title=title or f"مقال رقم {number}",
                                text=text or f"نص المقال {number} عن الحكومة والوزارة",
                                neighbour=neighbour, year=day[:4], day=day), encoding="utf-8")


def make_site(site: Path, days: int = 12, per_day: int = 3) -> None:
    first = date(2015, 7, 20)
    for number in range(days * per_day):
        write_page(site, number, (first + timedelta(days=number // per_day)).isoformat())
    write_page(site, 999, "0000-00-00")  # an undated article
    (site / "index.html").write_text("<!doctype html><html><body><p>not indexed</p></body></html>", encoding="utf-8")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def _sort_values(site: Path) -> dict[str, dict[str, str]]:
    """The values of the date sort of the site's pages by URL, as the build hands them to a merge."""
    return {"date": {page.url: page.sorted_by for page in indexed_pages(site)}}


def pages(*days: int) -> list[IndexedPage]:
    origin = date(2015, 7, 20).toordinal()
    return [IndexedPage(f"articles/{origin + day}-{i}.html", origin + day, "x") for i, day in enumerate(days)]


def test_parts_are_aligned_day_spans_halved_until_small_enough():
    parts = plan_parts(pages(*[day for day in range(16) for _ in range(3)]), limit=10)
    assert all(len(part.pages) <= 10 for part in parts)
    assert sum(len(part.pages) for part in parts) == 48
    starts = [part.name.split("-")[0] for part in parts]
    assert starts == sorted(starts)  # date order
    for part in parts:
        start, span = date(*map(int, (part.name[:4], part.name[4:6], part.name[6:8]))).toordinal(), int(part.name[9:])
        assert span & (span - 1) == 0 and start % span == 0  # an aligned power-of-two span of days
        assert all(start <= page.day < start + span for page in part.pages)


def test_an_added_page_changes_only_the_part_it_falls_in():
    before = plan_parts(pages(*[day for day in range(16) for _ in range(3)]), limit=10)
    after = plan_parts(pages(*[day for day in range(16) for _ in range(3)], 5), limit=10)
    changed = [part.name for part in after if part not in before]
    assert len(changed) <= 2  # the span of day 5, or its two halves when it grew past the limit
    assert all(part in after for part in before if not any(p.day == pages(5)[0].day for p in part.pages))


def test_undated_pages_are_a_part_of_their_own_and_a_crowded_day_is_split():
    undated = [IndexedPage(f"articles/u{i}.html", None, "x") for i in range(3)]
    parts = plan_parts(pages(*[0] * 25) + undated, limit=10)
    assert parts[-1].name == "undated" and len(parts[-1].pages) == 3
    day_parts = parts[:-1]
    assert len(day_parts) >= 3 and all(len(part.pages) <= 10 for part in day_parts)
    assert all(part.name.startswith("20150720-1-h") for part in day_parts)


def test_only_pages_with_a_pagefind_body_are_read(tmp_path):
    make_site(tmp_path)
    (tmp_path / "articles/redirect.html").write_text("<html><body>moved</body></html>", encoding="utf-8")
    found = indexed_pages(tmp_path)
    assert len(found) == 37 and "articles/redirect.html" not in {page.path for page in found}
    assert [page for page in found if page.day is None][0].path == "articles/a0999.html"


def test_many_pages_are_read_by_other_processes_as_this_one_reads_them(tmp_path, monkeypatch):
    make_site(tmp_path)
    read_here = indexed_pages(tmp_path)
    missing = {"articles/gone.html": "d"}  # listed by the caller, not on disk
    with pytest.raises(FileNotFoundError):
        indexed_pages(tmp_path, None, missing)
    monkeypatch.setattr(search, "PAGES_READ_IN_PROCESSES", 10)
    monkeypatch.setattr(search, "PAGES_PER_READ", 4)  # ten lots, answered in whatever order they come
    monkeypatch.setattr(search, "_cores", lambda: 2)
    monkeypatch.setattr(search, "ThreadPoolExecutor", None)  # (not used: the processes read them)
    assert indexed_pages(tmp_path) == read_here and len(read_here) == 37
    listed = {page.path: "d" for page in read_here}
    with pytest.raises(FileNotFoundError):  # raised here as the threads raise it
        indexed_pages(tmp_path, None, {**listed, **missing})


def test_the_digest_ignores_what_pagefind_does_not_read(tmp_path):
    write_page(tmp_path, 1, "2015-07-20", neighbour="a0002")
    before = indexed_pages(tmp_path)[0].digest
    write_page(tmp_path, 1, "2015-07-20", neighbour="a0003")  # another link outside the article
    assert indexed_pages(tmp_path)[0].digest == before
    write_page(tmp_path, 1, "2015-07-20", text="نص آخر")
    assert indexed_pages(tmp_path)[0].digest != before


def test_a_page_known_from_an_earlier_run_is_read_again_only_when_its_file_changed(tmp_path):
    write_page(tmp_path, 1, "2015-07-20")
    path = "articles/a0001.html"
    first = indexed_pages(tmp_path)[0]
    stale = IndexedPage(path, first.day, "what the earlier run read")
    assert indexed_pages(tmp_path, {path: ("d1", stale)}, {path: "d1"}) == [stale]  # not read again
    assert indexed_pages(tmp_path, {path: ("d1", stale)}, {path: "d2"}) == [first]  # the file changed
    assert indexed_pages(tmp_path, {path: ("d1", stale)}) == [first]                # nothing to tell by
    # The files the caller lists are the site's: only its article pages are read, and the folder is not searched.
    write_page(tmp_path, 2, "2015-07-21")
    listing = {path: "d2", "index.html": "d3", "articles/a0001.txt": "d4", "articles/feed.xml": "d5"}
    assert indexed_pages(tmp_path, {}, listing) == [first]


@pytest.fixture(scope="module")
def clean_index(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("clean") / "site"
    make_site(site)
    summary = build_index(site, part_max_pages=10)
    assert summary.reused == [] and summary.pages == 37 and len(summary.indexed) == summary.parts >= 4
    return site


def test_an_unchanged_site_reuses_every_part_byte_for_byte(clean_index, tmp_path):
    site = tmp_path / "site"
    make_site(site)
    summary = build_index(site, previous_site=clean_index, part_max_pages=10)
    assert summary.indexed == [] and len(summary.reused) == summary.parts
    assert snapshot(site / "pagefind") == snapshot(clean_index / "pagefind")


def test_another_compressor_writes_every_part_again(clean_index, tmp_path, monkeypatch):
    # Its files' bytes could differ: an index kept from the previous site would not be a clean build's.
    from generator import pagefind_bundle

    monkeypatch.setattr(pagefind_bundle, "COMPRESSOR", pagefind_bundle.COMPRESSOR + " (another)")
    site = tmp_path / "site"
    make_site(site)
    summary = build_index(site, previous_site=clean_index, part_max_pages=10)
    assert summary.reused == [] and len(summary.indexed) == summary.parts


def test_a_changed_page_reindexes_its_part_only_and_matches_a_clean_build(clean_index, tmp_path):
    previous = tmp_path / "previous"
    shutil.copytree(clean_index, previous)
    edited, clean = tmp_path / "edited", tmp_path / "clean"
    for site in (edited, clean):
        make_site(site)
        write_page(site, 40, "2015-07-31")  # a new article on the last day
    summary = build_index(edited, previous_site=previous, part_max_pages=10)
    assert len(summary.indexed) == 1 and len(summary.reused) == summary.parts - 1
    build_index(clean, part_max_pages=10)
    assert snapshot(edited / "pagefind") == snapshot(clean / "pagefind")


def test_a_new_page_runs_pagefind_over_itself_only_and_matches_a_clean_build(tmp_path):
    store = tmp_path / "pieces"
    site = tmp_path / "site"
    make_site(site)
    first = build_index(site, part_max_pages=10, pieces_dir=store, piece_max_pages=4, stamp="v1")
    assert len(first.pieces) > first.parts  # parts of several pieces
    kept = sorted(path.name for path in store.iterdir())
    assert len(kept) == len(first.pieces)
    previous = tmp_path / "previous"
    shutil.copytree(site, previous)
    write_page(site, 40, "2015-07-31")  # a new article on the last day, among the pages of a piece
    summary = build_index(site, previous_site=previous, part_max_pages=10, pieces_dir=store, piece_max_pages=4,
                          stamp="v1", trusted=first.kept)
    assert len(summary.indexed) == 1 and len(summary.pieces) == 1
    assert [pages for key, (_, pages) in summary.kept.items() if key not in first.kept] == \
        [(("articles/a0040.html", _digest(site, 40)),)]
    clean = tmp_path / "clean"
    make_site(clean)
    write_page(clean, 40, "2015-07-31")
    build_index(clean, part_max_pages=10, piece_max_pages=4)
    assert snapshot(site / "pagefind") == snapshot(clean / "pagefind")
    assert sorted(path.name for path in store.iterdir()) == sorted(summary.kept)  # the new piece beside the others
    assert set(kept) < set(summary.kept)


def _digest(site: Path, number: int) -> str:
    return next(page.digest for page in indexed_pages(site) if page.path == f"articles/a{number:04d}.html")


def _write_versioned(folder: Path, number: int, version: int) -> None:
    day = f"2015-07-{20 + number % 4:02d}" if number != 7 else "2014-12-31"  # another year: its own filter value
    image = f'</p><p><img src="/assets/x.png" alt="صورة {version}">' if number == 5 else ""
    write_page(folder, number, day, text=f"نص المقال {number} في نسخته {version} عن الحكومة {image}")


def test_pieces_kept_across_additions_edits_and_removals_give_a_clean_build_s_index(tmp_path):
    """Each change runs Pagefind over the changed page only; the kept pieces are cut around it (a
    page edited or removed is left out of its old piece, a new one falls between its pages), and
    the index is byte for byte a clean build's, also when a page left out held the only image (a
    meta field), the only value of a filter or the earliest date of its part."""
    store, site = tmp_path / "pieces", tmp_path / "site"
    versions = {number: 0 for number in range(30)}
    for number in versions:
        _write_versioned(site, number, 0)
    made = iter(range(1, 100))  # a removed page added again is another version
    summary = build_index(site, part_max_pages=200, pieces_dir=store, piece_max_pages=8, stamp="v1")
    assert len(summary.pieces) == 4
    steps = [("edit", 3), ("add", 30), ("remove", 5), ("remove", 7), ("add", 31), ("edit", 12), ("edit", 30),
             ("remove", 0), ("add", 5)]
    for step, number in steps:
        if step == "remove":
            (site / f"articles/a{number:04d}.html").unlink()
            del versions[number]
        else:
            versions[number] = next(made)
            _write_versioned(site, number, versions[number])
        before = set(summary.kept)
        summary = build_index(site, previous_site=site, part_max_pages=200, pieces_dir=store, piece_max_pages=8,
                              stamp="v1", trusted=summary.kept)
        new = [pages for key, (_, pages) in summary.kept.items() if key not in before]
        assert [page for pages in new for page in pages] == \
            ([] if step == "remove" else [(f"articles/a{number:04d}.html", _digest(site, number))]), step
        clean = tmp_path / f"clean-{step}-{number}"
        for kept_number, version in versions.items():
            _write_versioned(clean, kept_number, version)
        build_index(clean, part_max_pages=200, piece_max_pages=8)
        assert snapshot(site / "pagefind") == snapshot(clean / "pagefind"), (step, number)
        shutil.rmtree(clean)
    assert sorted(path.name for path in store.iterdir()) == sorted(summary.kept)  # pieces no longer used are gone


def test_pages_sharing_pagefind_s_short_hash_get_a_clean_build_s_ids_however_they_were_run(tmp_path):
    """Pagefind names a page by 7 hex digits of its fragment's hash and lengthens the later one's
    when two pages of one run share them (here found by a search over the texts: two ids that
    start e882c58). Run apart, the two got the short id and a suffix in the merge: the ids depended on
    which pages were run together."""
    def colliding(site: Path, number: int) -> None:
        write_page(site, number, "2015-07-20", text=f"نص {202525 if number == 1 else 100694} عن الحكومة")

    store, site, clean = tmp_path / "pieces", tmp_path / "site", tmp_path / "clean"
    for folder in (site, clean):
        make_site(folder, days=2, per_day=3)
        colliding(folder, 1)
    (site / "articles/a0002.html").unlink()
    first = build_index(site, part_max_pages=200, pieces_dir=store, piece_max_pages=8, stamp="v1")
    colliding(site, 2)  # a new page, run alone beside the kept piece holding a0001
    build_index(site, previous_site=site, part_max_pages=200, pieces_dir=store, piece_max_pages=8, stamp="v1",
                trusted=first.kept)
    colliding(clean, 2)
    build_index(clean, part_max_pages=200, piece_max_pages=8)  # one run over both
    incremental, fresh = snapshot(site / "pagefind"), snapshot(clean / "pagefind")
    assert len([name for name in fresh if "_e882c58" in name]) == 2
    assert incremental == fresh


def test_pieces_written_by_other_code_are_not_kept_for_parts_taken_whole_from_the_previous_site(tmp_path):
    store, site = tmp_path / "pieces", tmp_path / "site"
    make_site(site)
    build_index(site, part_max_pages=10, pieces_dir=store, piece_max_pages=4, stamp="v1")
    assert any(store.iterdir())
    summary = build_index(site, previous_site=site, part_max_pages=10, pieces_dir=store, piece_max_pages=4,
                          stamp="v2", trusted={})
    assert summary.indexed == [] and summary.kept == {} and not any(store.iterdir())


def test_a_part_s_small_pieces_are_run_again_together_once_there_are_too_many(tmp_path):
    from generator.search import SMALL_PIECES_MAX

    store, site = tmp_path / "pieces", tmp_path / "site"
    make_site(site, days=4, per_day=8)
    summary = build_index(site, part_max_pages=200, pieces_dir=store, piece_max_pages=16, stamp="v1")
    for number in range(100, 100 + SMALL_PIECES_MAX + 1):  # a piece of one page each (small: under 16 / 8)
        write_page(site, number, "2015-07-21")
        before = set(summary.kept)
        summary = build_index(site, previous_site=site, part_max_pages=200, pieces_dir=store, piece_max_pages=16,
                              stamp="v1", trusted=summary.kept)
        new = [pages for key, (_, pages) in summary.kept.items() if key not in before]
        assert len(new) == 1 and len(new[0]) == (1 if number < 100 + SMALL_PIECES_MAX else SMALL_PIECES_MAX + 1)
    clean = tmp_path / "clean"
    make_site(clean, days=4, per_day=8)
    for number in range(100, 100 + SMALL_PIECES_MAX + 1):
        write_page(clean, number, "2015-07-21")
    build_index(clean, part_max_pages=200, piece_max_pages=16)
    assert snapshot(site / "pagefind") == snapshot(clean / "pagefind")


def test_a_damaged_or_stale_piece_is_made_again(tmp_path):
    store = tmp_path / "pieces"
    site = tmp_path / "site"
    make_site(site)
    build_index(site, part_max_pages=10, pieces_dir=store, piece_max_pages=4, stamp="v1")
    clean = snapshot(site / "pagefind")
    pieces = sorted(store.iterdir())
    (pieces[0] / "contents.pickle").write_bytes(b"damaged")
    (pieces[4] / "contents.pickle").write_bytes(bytes((pieces[4] / "contents.pickle").stat().st_size))  # same size
    next((pieces[1] / "bundle/fragment").iterdir()).unlink()
    (pieces[2] / "bundle/pagefind.js").write_text("truncated")
    (pieces[3] / "bundle/wasm.ar.pagefind").unlink()
    shutil.rmtree(site / "pagefind")
    summary = build_index(site, part_max_pages=10, pieces_dir=store, piece_max_pages=4, stamp="v1")
    assert len(summary.pieces) == 5 and snapshot(site / "pagefind") == clean
    shutil.rmtree(site / "pagefind")
    trusted = summary.kept
    summary = build_index(site, part_max_pages=10, pieces_dir=store, piece_max_pages=4, stamp="v1",
                          trusted={key: token for key, token in trusted.items() if key != min(trusted)})
    assert len(summary.pieces) == 1 and snapshot(site / "pagefind") == clean  # not from a build that succeeded
    # That run's build failed after it had written the piece again: its `kept` is not trusted,
    # and the piece it left (which may be truncated) is not taken either.
    shutil.rmtree(site / "pagefind")
    summary = build_index(site, part_max_pages=10, pieces_dir=store, piece_max_pages=4, stamp="v1",
                          trusted=trusted)
    assert len(summary.pieces) == 1 and snapshot(site / "pagefind") == clean
    shutil.rmtree(site / "pagefind")
    summary = build_index(site, part_max_pages=10, pieces_dir=store, piece_max_pages=4, stamp="v2")
    assert len(summary.pieces) == len(pieces) and snapshot(site / "pagefind") == clean  # other code: all again


def test_an_index_built_in_place_drops_parts_that_are_gone(clean_index, tmp_path):
    site = tmp_path / "site"
    shutil.copytree(clean_index, site)
    for path in sorted(site.glob("articles/a00[0-2]*")):
        path.unlink()  # the first days' articles are removed
    summary = build_index(site, previous_site=site, part_max_pages=10)
    fresh = tmp_path / "fresh"
    shutil.copytree(site, fresh, ignore=shutil.ignore_patterns("pagefind"))
    build_index(fresh, part_max_pages=10)
    assert summary.reused and snapshot(site / "pagefind") == snapshot(fresh / "pagefind")


def test_part_bundles_name_their_pages_after_the_part(clean_index):
    import json
    listing = json.loads((clean_index / "pagefind/parts.json").read_text(encoding="utf-8"))
    for part in listing["parts"]:
        fragments = list((clean_index / "pagefind" / part["name"] / "fragment").iterdir())
        assert len(fragments) == part["pages"]
        assert all(path.name.startswith(part["name"] + "_") for path in fragments)
        assert not (clean_index / "pagefind" / part["name"] / "pagefind-ui.js").exists()
    assert listing["parts"][-1]["dated"] is False


def test_the_demo_site_indexes_exactly_the_pages_that_ask_for_it(demo_project):
    site = demo_project / "site"
    marked = {path.relative_to(site).as_posix() for path in site.rglob("*.html")
              if "data-pagefind-body" in path.read_text(encoding="utf-8")}
    assert marked and marked == {path.relative_to(site).as_posix() for path in site.glob(INDEXED_PAGES)}


def test_pages_cut_to_what_pagefind_reads_give_the_index_the_whole_pages_give(demo_project, tmp_path, monkeypatch):
    # A build cuts the pages it reads; pages known from an earlier build, not read, go whole.
    import hashlib

    # (As for a full build's thousands: read by other processes, the cut folder handed to `discard`.)
    monkeypatch.setattr(search, "PAGES_READ_IN_PROCESSES", 1)

    cut, whole = tmp_path / "cut", tmp_path / "whole"
    for site in (cut, whole):
        shutil.copytree(demo_project / "site", site)
        shutil.rmtree(site / "pagefind")
    digests = {path.relative_to(cut).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
               for path in cut.rglob("*") if path.is_file()}
    handed = []

    def discard(folder: Path) -> None:  # (what build_index is done with: here its cut pages)
        handed.append(sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*.html")))
        shutil.rmtree(folder)
    first = build_index(cut, file_digests=digests, discard=discard)
    indexed = sorted(page.path for page in indexed_pages(cut))
    assert len(indexed) >= 3 and handed == [indexed]  # every page read was cut
    build_index(whole, file_digests=digests, known=first.read, discard=discard)
    assert handed[1:] == []  # none read (the whole pages were given to Pagefind): removed at once
    assert snapshot(cut / "pagefind") == snapshot(whole / "pagefind")
    assert not list(cut.glob(".index-*")) and not list(whole.glob(".index-*"))  # the cut pages are gone


def _meta(bundle: Path) -> list:
    from generator.pagefind_bundle import read_file

    return read_file(next(bundle.glob("pagefind.*.pf_meta")))


def _word_chunks(bundle: Path) -> tuple[list, dict[str, list]]:
    """The metadata index's chunk list and each chunk's word entries, decoded."""
    from generator.pagefind_bundle import read_file

    meta = _meta(bundle)
    return meta[2], {name: read_file(bundle / "index" / f"{name}.pf_index")[0] for _, _, name in meta[2]}


def _pagefind(site: Path, output: Path) -> None:
    from generator.search import _pagefind_options, _run, pagefind_executable

    assert _run([str(pagefind_executable()), "--site", str(site), "--output-path", str(output),
                 *_pagefind_options()]).returncode == 0


def _absolute(postings: list) -> list:
    """[[page, locations, meta locations], ...] with page numbers instead of differences."""
    page, pages = 0, []
    for posting in postings:
        page += posting[0]
        pages.append([page, *posting[1:]])
    return pages


def test_the_word_index_is_cut_by_prefix_without_losing_an_entry(tmp_path):
    from generator.pagefind_bundle import read_bundle, write_merged

    site = tmp_path / "site"
    for number in range(60):
        words = " ".join(f"كلمة{number * 7 % (i + 3)}{'ب' * (i % 5)}" for i in range(200))
        write_page(site, number, "2015-07-20", text=f"عام عامل عاملين {words}")
    raw, regrouped = tmp_path / "raw", tmp_path / "regrouped"
    _pagefind(site, raw)
    write_merged(regrouped, "p", [(raw, read_bundle(raw))], sort_values=_sort_values(site))
    before_list, before = _word_chunks(raw)
    after_list, after = _word_chunks(regrouped)
    entries = lambda chunks: sorted(entry[0] for words in chunks.values() for entry in words)  # noqa: E731
    assert entries(after) == entries(before) and len(after) > len(before)
    for first, last, name in after_list:
        words = [entry[0] for entry in after[name]]
        assert [first, last] == [words[0], words[-1]] and words == sorted(words, key=str.encode)
    home = {entry[0]: name for name, words in after.items() for entry in words}
    family = {word for word in home if word.startswith("عام")}
    assert len(family) > 1 and {home[word] for word in family} == {home["عام"]}  # with the words it begins
    (raw_urls, raw_holds), (urls, holds) = _by_url(raw), _by_url(regrouped)
    assert urls == sorted(raw_urls) and holds["sorts"]["date"] == urls  # in URL order, one day: ties in page order
    del raw_holds["sorts"], holds["sorts"]
    assert holds == raw_holds  # every posting on its page


def _by_url(bundle: Path) -> tuple[list[str], dict]:
    """The bundle's pages (their URLs, in page number order) and everything it holds about them,
    with page numbers replaced by URLs: words -> url -> (locations, meta locations), variants
    likewise, filter -> value -> urls, sort -> urls in order, url -> word count."""
    from generator.pagefind_bundle import read_file
    from generator.pagefind_search import read_fragment

    meta = _meta(bundle)
    urls = [read_fragment(bundle, page_id)["url"] for page_id, _ in meta[1]]
    words: dict = {}
    for _, _, name in meta[2]:
        for word, postings, variants in read_file(bundle / "index" / f"{name}.pf_index")[0]:
            words[word] = ({urls[page]: rest for page, *rest in _absolute(postings)},
                           {variant: {urls[page]: rest for page, *rest in _absolute(found)}
                            for variant, found in variants})
    filters = {}
    for _, file in meta[3]:
        name, values = read_file(bundle / "filter" / f"{file}.pf_filter")
        filters[name] = {value: sorted(urls[page] for page in pages) for value, pages in values}
    sorts = {name: [urls[page] for page in order] for name, order in meta[4]}
    counts = {urls[number]: count for number, (_, count) in enumerate(meta[1])}
    return urls, {"words": words, "filters": filters, "sorts": sorts, "counts": counts, "fields": meta[5]}


def test_a_bundle_merged_from_pieces_holds_what_one_run_over_all_their_pages_holds(tmp_path):
    """The merge against Pagefind itself: three runs over a third of the pages each, merged, hold
    every word of every page at the same locations, the same filters, sorts and word counts as one
    run over all of them (a page number moved wrongly would put a word on another page)."""
    from generator.pagefind_bundle import read_bundle, write_merged

    site = tmp_path / "site"
    vocabulary = ["الحكومة", "الوزارة", "مؤتمر", "انفجار", "بغداد", "الرياض", "اقتصاد", "نفط", "مباراة", "Kadhimi"]
    days = ["2015-07-20", "2015-07-21", "2015-07-22"]
    for number in range(90):
        text = " ".join(vocabulary[(number * k + k * k) % len(vocabulary)] + ("ة" if (number + k) % 7 == 0 else "")
                        for k in range(1, 40 + number % 13))
        if number < 30 and number % 4 == 0:  # Pagefind gives these an image field: the first piece has more fields
            text += '</p><p><img src="/assets/x.png" alt="صورة الوزارة">'
        write_page(site, number, days[number // 30], text=text)
    whole = tmp_path / "whole"
    _pagefind(site, whole)
    bundles = []
    for number, day in enumerate(days):
        piece_site, piece = tmp_path / f"site{number}", tmp_path / f"piece{number}"
        for path in site.glob("articles/*.html"):
            if f'date:{day}"' in path.read_text(encoding="utf-8"):
                (piece_site / path.relative_to(site)).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, piece_site / path.relative_to(site))
        _pagefind(piece_site, piece)
        bundles.append((piece, read_bundle(piece)))
    merged = tmp_path / "merged"
    write_merged(merged, "p", bundles, sort_values=_sort_values(site))
    whole_urls, whole_holds = _by_url(whole)
    merged_urls, merged_holds = _by_url(merged)
    assert sorted(whole_urls) == sorted(merged_urls) and len(merged_urls) == 90
    assert merged_holds["words"] == whole_holds["words"] and len(merged_holds["words"]) >= len(vocabulary)
    assert merged_holds["filters"] == whole_holds["filters"] and merged_holds["counts"] == whole_holds["counts"]
    assert merged_holds["fields"] == whole_holds["fields"] and "image" in merged_holds["fields"]
    assert [contents.fields for _, contents in bundles][1:] == [["title"]] * 2  # numbered otherwise than the merge
    by_day = {url: day for url, day in zip(merged_urls, [d for d in days for _ in range(30)])}  # pieces in order
    assert [by_day[url] for url in merged_holds["sorts"]["date"]] == sorted(by_day[url] for url in merged_urls)
    fragments = sorted(path.name for path in (merged / "fragment").iterdir())
    assert len(fragments) == 90 and all(name.startswith("p_") for name in fragments)


def test_the_compiled_readers_read_what_pagefind_wrote_as_the_python_ones_do(tmp_path):
    """generator/_postings.c against the Python reference on the real binary's bundle (pages in
    Pagefind's order, weighted title and hidden words, meta fields, images): every chunk's words,
    every list's summary, its walk stopped anywhere, its pages renumbered (alone and word by word),
    its words cut around pages left out and joined again as a merge does; and every prefix of a
    chunk, as a damaged file would be, is refused with ValueError rather than read wrong."""
    import random

    from generator import pagefind_bundle as bundle

    assert bundle.COMPILED_READERS is not None, "generator/_postings.c was not built (pip install -e .)"
    python, compiled = bundle.PYTHON_READERS, bundle.COMPILED_READERS
    site, output = tmp_path / "site", tmp_path / "bundle"
    vocabulary = ["الحكومة", "الوزارة", "مؤتمر", "انفجار", "بغداد", "10.7", "نفط", "مباراة", "Kadhimi", "الحكومه"]
    for number in range(120):
        text = " ".join(vocabulary[(number * k + k * k) % len(vocabulary)] for k in range(1, 30 + number % 50))
        if number % 5 == 0:
            text += '</p><p><img src="/assets/x.png" alt="صورة الوزارة"><span data-pagefind-weight="3">نفط بغداد</span>'
        write_page(site, number, f"2015-07-{20 + number % 3}", text=text)
    _pagefind(site, output)
    contents = bundle.read_bundle(output)
    order = sorted(range(len(contents.pages)), key=contents.urls.__getitem__)
    assert order != list(range(len(order)))  # Pagefind's order, not the URLs': renumbering has work to do
    numbers = [0] * len(order)
    for new_number, old in enumerate(order):
        numbers[old] = new_number
    # A merge's placing of the bundle: a page in seven left out, another piece's pages now and then
    # between its own, and the last pages one run (the tail, not walked).
    rng, lists, number, kept_numbers = random.Random(4), 0, 0, []
    for page in range(len(order)):
        number += 1 if rng.random() < 0.9 else 3
        kept_numbers.append(-1 if page % 7 == 3 and page < len(order) - 10 else number)
    place = bundle._placed(kept_numbers)
    assert not place.whole and place.tail < len(order)
    kept = [(place.numbers, place.runs, place.whole, place.tail)]
    # and the bundle twice, its pages taking turns (each a run of one page), a page in five left out
    interleaved = [(placed.numbers, placed.runs, placed.whole, placed.tail) for placed in
                   (bundle._placed([2 * page + side if page % 5 else -1 for page in range(len(order))])
                    for side in (0, 1))]
    for chunk in sorted((output / "index").glob("*.pf_index")):
        data = bundle.read_bytes(chunk)
        words = python["chunk_words"](data)
        assert compiled["chunk_words"](data) == words
        for cut in sorted(rng.sample(range(len(data)), min(len(data), 40))):
            with pytest.raises(ValueError):
                compiled["chunk_words"](data[:cut])
        at = 1 + len(bundle.head(4, len(words)))  # the chunk's 1-array, then its words' array
        for _ in words:
            entry, after = python["word_at"](data, at)
            assert compiled["word_at"](data, at) == (entry, after)
            at = after
        assert compiled["_renumbered_words"](words, numbers) == python["_renumbered_words"](words, numbers)
        for merged, places in (([words], kept), ([words, words], interleaved)):
            assert compiled["_merged_entries"](merged, places) == python["_merged_entries"](merged, places)
        for word, postings, variants in words:
            for listed in [postings, *(found for _, found in variants)]:
                lists += 1
                assert compiled["postings_summary"](listed) == python["postings_summary"](listed)
                assert compiled["_renumbered_pages"](listed, numbers) == python["_renumbered_pages"](listed, numbers)
                for stop in {0, listed[1], listed[3], listed[3] + 1, rng.randint(0, listed[3] + 1)}:
                    assert compiled["_walk"](listed, stop) == python["_walk"](listed, stop)
    assert lists > 100


def test_pagefind_searches_a_merged_bundle_as_it_searches_one_run(tmp_path):
    """Pagefind's own search module (the one the page runs) finds the same pages with the same
    scores in the merged bundle as in one run over the same pages."""
    from generator.pagefind_bundle import read_bundle, write_merged
    from generator.pagefind_search import BundleSearch, read_fragment

    site = tmp_path / "site"
    for number in range(30):
        topic, other = "الحكومة" if number % 3 else "الوزارة", "النفط" if number % 2 else "المياه"
        write_page(site, number, f"2015-07-2{number // 10}", text=f"نص المقال {number} عن {topic} {other} {number}")
    whole, merged = tmp_path / "whole", tmp_path / "merged"
    _pagefind(site, whole)
    bundles = []
    for number in range(3):
        piece_site, piece = tmp_path / f"site{number}", tmp_path / f"piece{number}"
        for path in sorted(site.glob("articles/*.html")):
            if f'date:2015-07-2{number}"' in path.read_text(encoding="utf-8"):
                (piece_site / path.relative_to(site)).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, piece_site / path.relative_to(site))
        _pagefind(piece_site, piece)
        bundles.append((piece, read_bundle(piece)))
    write_merged(merged, "p", bundles, sort_values=_sort_values(site))
    one, many = BundleSearch(whole), BundleSearch(merged)
    for term in ["الحكومة", "حكوم", "الوزارة", "النفط", "نص", "المقال", "1", "2"]:
        found = [sorted((read_fragment(folder, result["p"])["url"], round(result["s"], 5))
                        for result in engine.search(term)["results"])
                 for folder, engine in ((whole, one), (merged, many))]
        assert found[0] == found[1] and found[0], term


def test_the_search_module_answers_the_same_through_wasmtime_s_unchecked_call(tmp_path, monkeypatch):
    """The module's functions are called through wasmtime's unchecked call where the installed
    wasmtime has it (this one does), with the answers and first results of its checked call."""
    import generator.pagefind_search as pagefind_search
    from generator.search_head import _search_part

    site, bundle = tmp_path / "site", tmp_path / "bundle"
    for number in range(30):
        topic, other = "الحكومة" if number % 3 else "الوزارة", "النفط" if number % 2 else "المياه"
        write_page(site, number, f"2015-07-2{number // 10}", text=f"نص المقال {number} عن {topic} {other} {number}")
    _pagefind(site, bundle)
    terms = ["الحكومة", "حكوم", "الوزارة", "النفط", "نص", "المقال", "1", "2", "غائبة"]
    called: list[str] = []
    unchecked = pagefind_search._unchecked_caller
    monkeypatch.setattr(pagefind_search, "_unchecked_caller",
                        lambda store, function: called.append("unchecked") or unchecked(store, function))
    fast = pagefind_search.BundleSearch(bundle)
    answers = {term: fast.search(term) for term in terms}
    first = _search_part((str(bundle), terms))
    assert called and all(caller.__qualname__ == "_unchecked_caller.<locals>.caller"
                          for caller in fast._exports._callers.values())
    monkeypatch.setattr(pagefind_search, "UNCHECKED_CALLS", False)
    checked = pagefind_search.BundleSearch(bundle)
    assert {term: checked.search(term) for term in terms} == answers
    assert all(caller.__qualname__ != "_unchecked_caller.<locals>.caller" for caller in checked._exports._callers.values())
    assert _search_part((str(bundle), terms)) == first
    assert answers["الحكومة"]["results"] and not answers["غائبة"]["results"]


def test_the_compiled_search_module_is_kept_for_other_processes_and_compiled_again_when_damaged(tmp_path,
                                                                                                 monkeypatch):
    import wasmtime

    import generator.pagefind_search as pagefind_search

    site, bundle, kept = tmp_path / "site", tmp_path / "bundle", tmp_path / "kept"
    for number in range(12):
        write_page(site, number, "2015-07-20", text=f"نص المقال {number} عن الحكومة {number}")
    _pagefind(site, bundle)
    monkeypatch.setattr(pagefind_search, "_COMPILED", {})
    answer = pagefind_search.BundleSearch(bundle, kept).search("الحكومة")
    assert answer["results"]
    [compiled] = kept.glob(f"*{pagefind_search.COMPILED_SUFFIX}")
    compiling = wasmtime.Module

    def refuse(*arguments):
        raise AssertionError("compiled again")

    # Another process (a fresh cache of compiled modules) reads it back instead of compiling it.
    monkeypatch.setattr(pagefind_search, "_COMPILED", {})
    monkeypatch.setattr(wasmtime, "Module", refuse)
    monkeypatch.setattr(refuse, "deserialize", compiling.deserialize, raising=False)
    assert pagefind_search.BundleSearch(bundle, kept).search("الحكومة") == answer
    # A damaged file is compiled again, and replaced.
    compiled.write_bytes(compiled.read_bytes()[:1000])
    monkeypatch.setattr(pagefind_search, "_COMPILED", {})
    monkeypatch.setattr(wasmtime, "Module", compiling)
    assert pagefind_search.BundleSearch(bundle, kept).search("الحكومة") == answer
    assert compiled.stat().st_size > 1000 and list(kept.iterdir()) == [compiled]


def test_a_second_build_reuses_the_index_and_changes_no_byte(tmp_path):
    from conftest import copy_project, run_archive

    project = copy_project(tmp_path / "p")
    assert run_archive(project, "build")[0] == 0
    before = snapshot(project / "site")
    fragment = next((project / "site/pagefind").glob("*/fragment/*.pf_fragment"))
    inode = fragment.stat().st_ino
    assert run_archive(project, "build")[0] == 0
    assert snapshot(project / "site") == before
    assert fragment.stat().st_ino == inode  # taken over from the previous site, not written again


def test_the_build_writes_its_other_files_while_pagefind_runs_and_a_failure_there_stops_the_runs(tmp_path):
    store = tmp_path / "pieces"
    site = tmp_path / "site"
    make_site(site)
    seen, running = [], []
    # Called once the runs are going, not after them: the pieces finished by then are fewer than all.
    summary = build_index(site, part_max_pages=10, pieces_dir=store, piece_max_pages=4, stamp="v1",
                          meanwhile=lambda going: running.append(going) or seen.append(
                              len([p for p in store.iterdir() if not p.name.startswith(".new-")])))
    assert len(seen) == 1 and seen[0] < len(summary.pieces) and len(summary.pieces) > 1
    again = build_index(site, previous_site=site, part_max_pages=10, pieces_dir=store, piece_max_pages=4, stamp="v1",
                        meanwhile=lambda going: running.append(going) or seen.append("nothing to run"))
    assert again.pieces == [] and seen[1:] == ["nothing to run"]
    assert running == [True, False]  # the caller may fork only when nothing runs

    def fail(running: bool) -> None:
        raise OSError("the disk is full")

    fresh = tmp_path / "fresh"
    make_site(fresh)
    with pytest.raises(OSError, match="the disk is full"):
        build_index(fresh, part_max_pages=10, pieces_dir=tmp_path / "other", piece_max_pages=4, stamp="v1",
                    meanwhile=fail)
    # The runs under way were waited for and nothing half-made is left (the rest never started).
    assert not list((tmp_path / "other").glob(".new-*"))


def test_a_part_is_merged_and_handed_on_while_the_site_s_other_files_are_still_written(tmp_path):
    import json
    import threading

    site = tmp_path / "site"
    make_site(site)
    handed, first = [], threading.Event()

    def on_part(name: str, key: str) -> None:
        handed.append((name, key, (site / "pagefind" / name / "pagefind-entry.json").exists()))
        first.set()

    def meanwhile(running: bool) -> None:
        # Parts whose pieces are done are merged (and handed on) before this returns.
        assert first.wait(120), "no part was merged while the other files were written"

    build_index(site, part_max_pages=10, piece_max_pages=4, meanwhile=meanwhile, on_part=on_part)
    listing = json.loads((site / "pagefind/parts.json").read_text(encoding="utf-8"))["parts"]
    assert len(listing) > 1
    # Each part once, under its key, once its bundle is whole.
    assert sorted(handed) == sorted((part["name"], part["key"], True) for part in listing)
    again: list[tuple[str, str]] = []
    build_index(site, previous_site=site, part_max_pages=10, piece_max_pages=4,
                on_part=lambda name, key: again.append((name, key)))
    assert sorted(again) == sorted((part["name"], part["key"]) for part in listing)  # kept parts too


def test_a_part_is_the_same_whatever_its_pieces(tmp_path):
    site, clean = tmp_path / "site", tmp_path / "clean"
    make_site(site)
    make_site(clean)
    build_index(site, part_max_pages=10, piece_max_pages=4)
    # The merge puts the pages in URL order: cut otherwise, the same pages are the same part.
    again = build_index(site, previous_site=site, part_max_pages=10, piece_max_pages=3)
    assert again.indexed == [] and again.reused
    build_index(clean, part_max_pages=10, piece_max_pages=3)
    assert snapshot(site / "pagefind") == snapshot(clean / "pagefind")
    assert not list(clean.glob(".index-input-*"))  # Pagefind's input folders, given piece after piece, are gone


def test_index_workers_started_ahead_are_the_ones_build_index_uses_and_it_ends_them(tmp_path, monkeypatch):
    from generator import parallel
    from generator.search import IndexWorkers

    site, clean = tmp_path / "site", tmp_path / "clean"
    make_site(site)
    make_site(clean)
    build_index(clean, part_max_pages=10, piece_max_pages=4)
    monkeypatch.setattr(search, "_cores", lambda: 2)
    with IndexWorkers() as workers:
        workers.start()
        started = [worker for worker, _ in workers.pieces._started + workers.merges._started]
        assert len(started) == 3 and all(worker.poll() is None for worker in started)  # running, idle
        more: list[object] = []
        real_start = parallel._start_worker
        # (the real start, counted: none is started once build_index runs)
        monkeypatch.setattr(parallel, "_start_worker", lambda function: more.append(function) or real_start(function))
        build_index(site, part_max_pages=10, piece_max_pages=4, workers=workers)
        assert more == []
        assert workers.pieces.closed and workers.merges.closed
        assert all(worker.returncode == 0 for worker in started)  # ended (and reaped) by build_index
    assert snapshot(site / "pagefind") == snapshot(clean / "pagefind")


def test_a_failed_run_stops_the_merges_of_the_parts_still_to_come(tmp_path):
    import time

    from generator.search import SearchIndexError, pagefind_executable

    site = tmp_path / "site"
    make_site(site)
    # The real binary, except for the piece holding a0000 (run first): that run fails at once.
    wrapper = tmp_path / "pagefind"
    wrapper.write_text(f"""#!/bin/sh
site="$2"
if [ -e "$site/articles/a0000.html" ]; then echo "cannot index" >&2; exit 3; fi
sleep 0.2
exec "{pagefind_executable()}" "$@"
""", encoding="utf-8")
    wrapper.chmod(0o755)
    handed: list[str] = []
    with pytest.raises(SearchIndexError, match="cannot index"):
        build_index(site, part_max_pages=10, piece_max_pages=4, executable=wrapper,
                    meanwhile=lambda running: time.sleep(4),  # the other runs end meanwhile
                    on_part=lambda name, key: handed.append(name))
    assert handed == []  # no part merged once a run had failed
    assert not list(site.glob(".index-input-*"))


def test_first_pages_searched_as_each_part_is_written_are_the_ones_searched_after_the_index(tmp_path):
    import json

    from generator.search_head import PartSearches, write_head_results

    site = tmp_path / "site"
    make_site(site)
    forms = ["الحكومة", "مقال"]
    early: dict[str, str] = {}
    with PartSearches(site, forms, None, 2) as searches:
        build_index(site, part_max_pages=10, on_part=searches.part_written)
        listing = json.loads((site / "pagefind/parts.json").read_text(encoding="utf-8"))["parts"]
        # Every part was searched as it was written, each for every form.
        for part in listing:
            found = searches.answers((part["name"], part["key"]))
            assert found is not None and sorted(form for form, _ in found) == sorted(forms)
        state = write_head_results(site, forms, None, early.__setitem__, 2, searches)
    after: dict[str, str] = {}
    assert state == write_head_results(site, forms, None, after.__setitem__)
    assert early == after and len(early) == len(forms)
    # Parts not handed on before (here all but the first) are searched by write_head_results.
    some: dict[str, str] = {}
    with PartSearches(site, forms, None, 2) as partly:
        partly.part_written(listing[0]["name"], listing[0]["key"])
        assert write_head_results(site, forms, None, some.__setitem__, 2, partly) == state
    assert some == after
    # Processes started and warmed up on a published index before any part is written search as others do.
    warmed: dict[str, str] = {}
    with PartSearches(site, forms, None, 2) as prestarted:
        prestarted.warm_up(site)
        assert [given for _, given in prestarted._workers._started] == [True, True]
        assert write_head_results(site, forms, None, warmed.__setitem__, 2, prestarted) == state
        assert prestarted._workers._started == []  # both taken up
    assert warmed == after
    with PartSearches(site, forms, None, 2) as unpublished:
        unpublished.warm_up(tmp_path / "no-site")  # nothing to warm up on: the processes start all the same
        assert [given for _, given in unpublished._workers._started] == [False, False]


def test_a_part_renamed_with_the_same_pages_has_its_first_pages_of_results_worked_out_again(tmp_path):
    from generator.search_head import write_head_results

    site = tmp_path / "site"
    make_site(site)
    forms = ["الحكومة", "مقال"]
    before = build_index(site, part_max_pages=10)
    state = write_head_results(site, forms, None, lambda path, text: None)
    # Two articles two days later: the span of the last days is halved, and its part keeps its
    # pages (and their key) under another name, which its page ids carry.
    write_page(site, 100, "2015-08-02")
    write_page(site, 101, "2015-08-02")
    after = build_index(site, previous_site=site, part_max_pages=10)
    assert "20150729-64" in before.indexed and "20150729-4" in after.reused + after.indexed
    kept: dict[str, str] = {}
    again = write_head_results(site, forms, state, lambda path, text: kept.__setitem__(path, text))
    fresh: dict[str, str] = {}
    assert again == write_head_results(site, forms, None, lambda path, text: fresh.__setitem__(path, text))
    assert kept == fresh


def test_a_piece_damaged_after_it_was_checked_fails_its_merge_with_its_name_and_is_made_again(tmp_path):
    from generator.search import SearchIndexError, _merge_part

    store = tmp_path / "pieces"
    site = tmp_path / "site"
    make_site(site)
    build_index(site, part_max_pages=10, pieces_dir=store, piece_max_pages=4, stamp="v1")
    piece = sorted(store.iterdir())[0]
    (piece / "contents.pickle").write_bytes(b"\x80\x05damaged")
    with pytest.raises(SearchIndexError, match=f"damaged.*{piece.name}"):
        _merge_part(str(tmp_path / "merged"), "part", [(str(piece), None)], {})
    assert not piece.exists()  # the next build runs it again


def test_a_piece_is_the_same_whatever_order_its_pages_folders_were_made_in(tmp_path):
    # Pagefind numbers pages in the order it finds them, which on tmpfs (and btrfs, XFS) is the
    # order their folders were made: an article added later must not give its piece other bytes.
    shm = Path("/dev/shm")
    base = Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() and os.access(shm, os.W_OK) else tmp_path
    try:
        indexes = []
        for order in (range(12), reversed(range(12))):
            site = base / f"site-{len(indexes)}"
            for number in order:
                write_page(site, number, f"2015-07-{20 + number % 3:02d}")
            build_index(site, part_max_pages=10, piece_max_pages=4)
            indexes.append(snapshot(site / "pagefind"))
        assert indexes[0] == indexes[1]
    finally:
        if base != tmp_path:
            shutil.rmtree(base)


def test_each_first_page_answer_is_a_fresh_search_pages_whatever_was_searched_before(tmp_path):
    """Pagefind matches a query as a prefix of the words in every chunk of its word index loaded so
    far, so a short form (ال, or here ka) finds more after other searches have loaded other chunks.
    The build's answers (search_head) are those of a search page just opened: the same in any order."""
    import random

    from generator.pagefind_bundle import read_bundle, write_merged
    from generator.pagefind_search import BundleSearch
    from generator.search_head import _search_part

    chance = random.Random(5)
    # (Latin words: the Arabic stemmer would take ال off Arabic ones)
    vocabulary = sorted({"ka" + "".join(chance.choice("bdfgklmnprstvz") for _ in range(6)) for _ in range(6000)})
    site, run, bundle = tmp_path / "site", tmp_path / "run", tmp_path / "bundle"
    for number in range(120):  # each page its own words, so that each chunk has words of a few pages
        write_page(site, number, "2015-07-20", text=" ".join(vocabulary[number * 50:(number + 1) * 50]))
    _pagefind(site, run)
    # a part's word index, cut as the build cuts it
    write_merged(bundle, "p", [(run, read_bundle(run))], sort_values=_sort_values(site))
    forms = ["ka", *sorted(set(chance.sample(vocabulary, 40)))]
    engine = BundleSearch(bundle)
    fresh = engine.first_results("ka", 20)
    for form in forms[1:]:
        engine.search(form)
    # The bundle is one where it matters: ka finds more once other chunks are loaded.
    assert engine.first_results("ka", 20)[0] > fresh[0] > 0

    answers = dict(_search_part((str(bundle), forms)))
    assert answers == dict(_search_part((str(bundle), forms[::-1])))
    assert answers["ka"].count == fresh[0]
    assert all(answers[form] == _search_part((str(bundle), [form]))[0][1] for form in forms)


def _held(scratch: Path) -> tuple[dict[str, int], list[str]]:
    """The files under `scratch` with their inodes, and its folders that hold nothing."""
    files = {path.relative_to(scratch).as_posix(): path.stat().st_ino for path in scratch.rglob("*") if path.is_file()}
    empty = [path.relative_to(scratch).as_posix() for path in scratch.rglob("*")
             if path.is_dir() and not any(path.iterdir())]
    return files, empty


def test_pagefind_s_input_folder_holds_links_to_each_piece_s_pages_and_nothing_else(tmp_path):
    site, scratch = tmp_path / "site", tmp_path / "site" / ".index-input-test"
    make_site(site, days=3, per_day=3)
    scratch.mkdir()
    paths = sorted(path.relative_to(site).as_posix() for path in (site / "articles").glob("*.html"))[:9]
    assert len(paths) == 9

    def linked(wanted: list[str]) -> None:
        search._link_pages(str(site), str(scratch), wanted)
        files, _ = _held(scratch)
        assert files == {path: (site / path).stat().st_ino for path in wanted}  # hard links to the pages, nothing else

    linked(paths[:4])
    linked(paths[4:7])  # the last piece's links are gone
    # A page cut this build is linked from where it was cut, the others from the site.
    cut = tmp_path / "cut"
    (cut / "articles").mkdir(parents=True)
    (cut / paths[5]).write_bytes(b"cut")
    search._link_pages(str(site), str(scratch), paths[4:7], str(cut))
    files, _ = _held(scratch)
    assert files == {paths[4]: (site / paths[4]).stat().st_ino, paths[5]: (cut / paths[5]).stat().st_ino,
                     paths[6]: (site / paths[6]).stat().st_ino}
    # A page still held keeps its place; a wrong link left at a page's path (a run that failed
    # midway) is replaced by the page's own.
    (scratch / paths[6]).unlink()
    os.link(site / paths[0], scratch / paths[6])
    linked([paths[6], paths[7], paths[8], paths[0], paths[1]])
    # Pages at another depth, and none at all.
    (site / "more/deep").mkdir(parents=True)
    (site / "more/deep/index.html").write_text("x", encoding="utf-8")
    linked(["more/deep/index.html", paths[2]])
    linked([])
