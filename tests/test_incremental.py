"""Incremental builds: after each addition, edit and removal, a rebuild that reuses the previous
build's state gives exactly the site a clean build of the same project gives, and renders only
what changed."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, PROJECT_INPUTS, copy_project

from generator import build as build_module
from generator.build import build
from generator import build_state, file_cache
from generator.build_state import BuildState, state_dir
from generator.config import load_config
from generator.progress import Progress

SEARCH_SEEDS = FIXTURES / "search_archive" / "seeds"


def _build(project: Path, jobs: int = 1):
    return build(load_config(project), Progress(quiet=True), jobs=jobs)


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _clean_build_of(project: Path, target: Path) -> dict[str, bytes]:
    """The site a clean build of the project's current inputs gives (no site/, no state)."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in PROJECT_INPUTS:
        source = project / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        elif source.exists():
            shutil.copy2(source, target / name)
    _build(target)
    return _tree(target / "site")


def _assert_same_site(project: Path, clean_root: Path) -> None:
    incremental, clean = _tree(project / "site"), _clean_build_of(project, clean_root)
    assert sorted(incremental) == sorted(clean), (
        f"only in the incremental build: {sorted(set(incremental) - set(clean))[:5]}; "
        f"only in the clean build: {sorted(set(clean) - set(incremental))[:5]}")
    differing = [name for name in clean if incremental[name] != clean[name]]
    assert not differing, f"files that differ from a clean build: {differing[:10]}"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("incremental") / "project")
    for seed in sorted(SEARCH_SEEDS.iterdir())[:12]:
        shutil.copy2(seed, project / "seeds" / seed.name)
    with open(project / "archive.toml", "a", encoding="utf-8") as config:  # first pages of search results too
        config.write("\n[search]\nfirst_page_min_articles = 3\n")
    first = _build(project, jobs=2)
    assert first.rendered == first.pages  # nothing to reuse yet
    assert list((project / "site" / "search" / "head").glob("*.json"))
    return project


def test_a_rebuild_with_nothing_changed_renders_nothing_and_changes_nothing(project, tmp_path):
    before = _tree(project / "site")
    summary = _build(project)
    assert summary.rendered == 0
    assert _tree(project / "site") == before


def test_an_unchanged_articles_digest_is_kept_with_it_from_one_build_to_the_next(project, monkeypatch):
    # The content writer and the pages' fingerprints digest every article; an unchanged one brings
    # its digest from the content cache (the build before this one stored it there).
    import generator.article as article_module
    digested = []
    real = article_module._digest_of
    monkeypatch.setattr(article_module, "_digest_of", lambda article: digested.append(article.id) or real(article))
    assert _build(project).rendered == 0
    assert digested == []


def test_a_rebuild_with_nothing_changed_writes_no_file_but_the_index_list_of_parts(project):
    # Every other file of the new version is a link to the same file of the one it replaces
    # (the first pages of search results too: they used to be removed and written again).
    def inodes() -> dict[str, int]:
        site = project / "site"
        return {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*") if p.is_file()}

    before = inodes()
    _build(project)
    after = inodes()
    assert sorted(after) == sorted(before)
    assert [name for name in sorted(after) if after[name] != before[name]] == ["pagefind/parts.json"]


def test_a_rebuild_with_nothing_changed_searches_no_part_of_the_index_for_first_pages(project, monkeypatch):
    # The parts' answers are kept in the build state from one build to the next (entry by entry).
    import generator.search_head as search_head

    asked: list[list[str]] = []
    real = search_head._in_tasks
    monkeypatch.setattr(search_head, "_in_tasks", lambda todo, jobs: asked.append(list(todo)) or real(todo, jobs))
    _build(project)
    assert asked and not any(asked)
    # The searching processes read the search module back as the first build compiled it.
    assert list((state_dir(project / "site") / "search-module").glob("*.cwasm"))


def test_added_articles(project, tmp_path):
    for seed in sorted(SEARCH_SEEDS.iterdir())[12:]:
        shutil.copy2(seed, project / "seeds" / seed.name)
    summary = _build(project)
    assert summary.articles == 20
    assert 0 < summary.rendered < summary.pages
    _assert_same_site(project, tmp_path / "clean")


def test_a_hand_edited_article(project, tmp_path):
    article = sorted((project / "content" / "articles").glob("*.md"))[3]
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("\ntitle: ", "\ntitle: تعديل ", 1), encoding="utf-8")
    summary = _build(project)
    assert 0 < summary.rendered < summary.pages
    assert "تعديل" in (project / "site" / "articles" / f"{article.stem}.html").read_text(encoding="utf-8")
    _assert_same_site(project, tmp_path / "clean")


def test_rebuilds_that_keep_their_state_as_deltas_give_the_clean_site(project, tmp_path, monkeypatch):
    # Deltas are written while they hold a small share of the entries (the 31k archive's ten new
    # articles); in this small project one edit passes that share, so every save is a delta here.
    monkeypatch.setattr(build_state, "DELTA_SHARE", float("inf"))
    # Builds a moment apart would find every file they wrote "racily clean" (file_cache.py) and
    # record its entry again, so that the seed and content caches would never have a small delta.
    monkeypatch.setattr(file_cache, "_RACY_SECONDS", 0.0)
    # Recorded in a file: the link state is read by the process that links (parallel.ForkedCall).
    record = tmp_path / "loads.jsonl"
    load_parts, load_entries = BuildState.load_parts, BuildState.load_entries

    def recording_parts(self, name, fields):
        value = load_parts(self, name, fields)
        with open(record, "a", encoding="utf-8") as stream:
            stream.write(json.dumps(["parts", name, value is not None]) + "\n")
        return value

    def recording_entries(self, name):
        value = load_entries(self, name)
        with open(record, "a", encoding="utf-8") as stream:
            stream.write(json.dumps(["entries", name, self.stamps[name]]) + "\n")
        return value

    monkeypatch.setattr(BuildState, "load_parts", recording_parts)
    monkeypatch.setattr(BuildState, "load_entries", recording_entries)
    for n, article in enumerate(sorted((project / "content" / "articles").glob("*.md"))[5:7]):
        text = article.read_text(encoding="utf-8")
        article.write_text(f"{text.rstrip()}\n\nفقرة أضافها المحرر رقم {n}.\n", encoding="utf-8")
        summary = _build(project)
        assert 0 < summary.rendered < summary.pages
    deltas = {p.name for p in state_dir(project / "site").glob("*.delta.pickle")}
    assert {"file_caches.delta.pickle", "link.analyses.delta.pickle", "search_words.words.delta.pickle",
            "search_head.answers.delta.pickle"} <= deltas
    records = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines()]
    loaded = [(name, found) for kind, name, found in records if kind == "parts"]
    stamps = {name: stamp for kind, name, stamp in records if kind == "entries"}
    assert sorted(loaded[-3:]) == [("link", True), ("search_head", True), ("search_words", True)]
    # The last build read every collection back as a base with a delta over it.
    assert all(stamp and not stamp.endswith(":") for stamp in stamps.values()), stamps
    _assert_same_site(project, tmp_path / "clean")


@pytest.mark.parametrize("records", [("file_caches.*",), ("file_caches.*", "serialised")])
def test_an_articles_body_is_kept_once_for_its_seed_and_its_file(project, monkeypatch, records):
    # The seed and content caches are one record, so the body a machine-written article's file
    # holds, the one its seed gave, is kept once and read back as one for both: the article made
    # again from its seed and the one stored are then told equal without reading it, and reading
    # the articles reads no body.
    # So too after a build that read every file again (a state of an earlier version without these
    # records; without the content writer's table too, as after the generator changed).
    monkeypatch.setattr(build_state, "DELTA_SHARE", 0.0)  # the record saved whole
    folder = state_dir(project / "site")
    for pattern in records:
        for record in folder.glob(f"{pattern}.pickle"):
            record.unlink()
    for former in ("seeds.base", "content.delta"):  # as that version kept the caches
        (folder / f"{former}.pickle").write_bytes(b"kept apart before")
    _build(project)
    config = load_config(project)
    read = build_module._read(config, Progress(quiet=True), frozenset(), 1, BuildState(config.paths.output))
    machine_written = sorted(key for key, (_, written) in read.stored.items() if written)
    assert len(machine_written) >= 12
    assert [key for key in machine_written if not read.stored[key][0].shares_body(read.chosen[key])] == []
    assert [key for key in machine_written if "body" in read.chosen[key].__dict__] == []
    compared = [read.stored[key][0] == read.chosen[key] for key in machine_written]
    assert any(compared) and all("body" not in read.chosen[key].__dict__ for key in machine_written)  # (unread)
    assert read.chosen[machine_written[0]].body.strip()
    assert not {"seeds.base.pickle", "content.delta.pickle"} & {p.name for p in folder.iterdir()}


def test_a_removed_article(project, tmp_path):
    seed = project / "seeds" / "s09-garden.md"
    removed = next(p for p in (project / "content" / "articles").glob("*.md")
                   if "s09-garden.md" in p.read_text(encoding="utf-8"))
    seed.unlink()
    removed.unlink()
    summary = _build(project)
    assert summary.rendered < summary.pages
    assert not (project / "site" / "articles" / removed.stem).exists()
    assert removed.stem not in (project / "site" / "data" / "articles.json").read_text(encoding="utf-8")
    _assert_same_site(project, tmp_path / "clean")


def test_a_curated_event_title(project, tmp_path):
    event = sorted(page.stem for page in (project / "site" / "events").glob("*.html") if page.name != "index.html")[0]
    (project / "content" / "events").mkdir(exist_ok=True)
    (project / "content" / "events" / f"{event}.toml").write_text(
        'title_ar = "عنوان من المحررين"\ntitle_en = "A title from the editors"\n', encoding="utf-8")
    _build(project)
    assert "عنوان من المحررين" in (project / "site" / "events" / f"{event}.html").read_text(encoding="utf-8")
    _assert_same_site(project, tmp_path / "clean")


def test_an_interface_string_changes_every_page_that_shows_it(project, tmp_path):
    strings = project / "templates" / "i18n" / "en.toml"
    text = strings.read_text(encoding="utf-8")
    strings.write_text(text + "\n# edited\n", encoding="utf-8")
    summary = _build(project)
    assert summary.rendered == summary.pages  # the template set changed: everything is rendered again
    _assert_same_site(project, tmp_path / "clean")


def test_a_state_that_does_not_describe_the_site_is_not_trusted(project, tmp_path):
    """A site changed behind the build's back (or a state left by a killed build) is rebuilt whole."""
    shutil.rmtree(project / "site" / "articles")
    (project / "site" / "index.html").write_text("replaced by hand", encoding="utf-8")
    summary = _build(project)
    assert summary.rendered == summary.pages
    _assert_same_site(project, tmp_path / "clean")


def test_a_damaged_state_is_ignored(project, tmp_path):
    for path in state_dir(project / "site").glob("*.pickle"):
        path.write_bytes(b"not a pickle")
    summary = _build(project)
    assert summary.rendered == summary.pages
    _assert_same_site(project, tmp_path / "clean")


def test_building_in_several_processes_gives_the_same_site(tmp_path, monkeypatch):
    """Seeds read, search forms worked out, pages and feeds rendered in 3 processes: the same
    site, and the same record for the next build, as one process makes."""
    import generator.parallel

    monkeypatch.setattr(generator.parallel, "MINIMUM", 1)  # fork even for a small archive
    project = copy_project(tmp_path / "project")
    for seed in sorted(SEARCH_SEEDS.iterdir()):
        shutil.copy2(seed, project / "seeds" / seed.name)
    sites, fingerprints = {}, {}
    for jobs in (1, 3):
        for name in ("site", "site.versions", "site.state"):
            (project / name).unlink() if (project / name).is_symlink() else shutil.rmtree(project / name, True)
        _build(project, jobs=jobs)
        sites[jobs] = _tree(project / "site")
        # What the workers wrote is recorded, so that the next build can reuse or remove it.
        record = BuildState(project / "site").site_record()
        assert set(record.outputs) == {name for name in sites[jobs] if not name.startswith("pagefind/")}
        fingerprints[jobs] = record.pages
    assert sites[1] == sites[3]
    assert fingerprints[1] == fingerprints[3]  # what the next build compares, worked out in processes too


def test_a_rebuild_whose_workers_were_forked_ahead_gives_the_clean_site(tmp_path, monkeypatch):
    """A rebuild of a site large enough (here: any) forks its index and searching processes as it
    starts (parallel.prefork): they are the ones the index and the first pages' searches use, and
    the site is the one a clean build gives."""
    import generator.parallel as parallel

    project = copy_project(tmp_path / "project")
    for seed in sorted(SEARCH_SEEDS.iterdir())[:12]:
        shutil.copy2(seed, project / "seeds" / seed.name)
    with open(project / "archive.toml", "a", encoding="utf-8") as config:
        config.write("\n[search]\nfirst_page_min_articles = 3\n")
    _build(project, jobs=2)
    for seed in sorted(SEARCH_SEEDS.iterdir())[12:]:
        shutil.copy2(seed, project / "seeds" / seed.name)
    monkeypatch.setattr(build_module, "PREFORKED_FROM_FILES", 0)
    forked, used = [], []
    real_prefork, real_start = parallel.prefork, parallel._start_worker

    def prefork(function, count, preload=()):
        real_prefork(function, count, preload)
        forked.extend((function.__name__, worker.pid) for worker in parallel._PREFORKED[
            (function.__module__, function.__qualname__)])

    def start_worker(function):
        worker = real_start(function)
        used.append((function.__name__, worker))
        return worker

    monkeypatch.setattr(parallel, "prefork", prefork)
    monkeypatch.setattr(parallel, "_start_worker", start_worker)
    summary = _build(project, jobs=2)
    assert 0 < summary.rendered < summary.pages
    assert {name for name, _ in forked} == {"_index_task", "_search_part"}
    assert {name for name, _ in used} == {"_index_task", "_search_part"}  # both kinds of work were done
    assert all(isinstance(worker, parallel._ForkedWorker) for _, worker in used)  # by the processes forked ahead
    for _, pid in forked:  # each ended and reaped by the build, used or not
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
    _assert_same_site(project, tmp_path / "clean")


def test_while_the_linking_process_works_the_build_renders_the_bodies_ahead(tmp_path, monkeypatch):
    """The build process renders ahead for as long as the linking takes (here held back a second),
    and the site is the one a single process builds."""
    import time

    import generator.build

    def linked_later(*arguments):
        time.sleep(1)
        return real_linked(*arguments)

    def counted(articles, until):
        taken.append(real_ahead(articles, until))
        return taken[-1]

    real_linked, real_ahead, taken = generator.build._linked, generator.build.render_articles_ahead, []
    project = copy_project(tmp_path / "project")
    _build(project, jobs=1)
    single = _tree(project / "site")
    for name in ("site", "site.versions", "site.state"):
        (project / name).unlink() if (project / name).is_symlink() else shutil.rmtree(project / name)
    monkeypatch.setattr(generator.build, "_linked", linked_later)
    monkeypatch.setattr(generator.build, "render_articles_ahead", counted)
    _build(project, jobs=2)
    articles = len(list((project / "content/articles").glob("*.md")))
    assert taken == [3 * articles] and articles > 2  # page body, feed body and lead of every article
    assert _tree(project / "site") == single


def test_the_link_memo_saved_after_the_linking_answered_is_there_for_the_next_build(tmp_path, monkeypatch):
    """The linking process answers with the events, then saves its memo while the build renders;
    the build waits for that save before it ends (held back here for a second: a build that did not
    wait would end the process first, and the next build would analyse every article again)."""
    from generator.link import LinkMemo

    real_save_parts = BuildState.save_parts

    def saved_later(self, name, value, fields):
        if name == "link":
            time.sleep(1)
        return real_save_parts(self, name, value, fields)

    monkeypatch.setattr(BuildState, "save_parts", saved_later)
    project = copy_project(tmp_path / "project")
    _build(project, jobs=2)
    memo = BuildState(project / "site").load_parts("link", LinkMemo.ENTRIES)
    articles = {path.stem for path in (project / "content/articles").glob("*.md")}
    assert memo is not None and set(memo.analyses) == articles and len(articles) > 2


def test_a_project_moved_and_built_from_a_relative_path_renders_nothing(tmp_path, monkeypatch):
    """Where the project lies is not an input: a checkout moved with its site and build state, or
    built as `--project moved` from its parent rather than from inside, reuses every page."""
    project = copy_project(tmp_path / "project")
    _build(project)
    (tmp_path / "project").rename(tmp_path / "moved")
    monkeypatch.chdir(tmp_path)
    before = _tree(Path("moved") / "site")
    summary = build(load_config(Path("moved")), Progress(quiet=True))
    assert summary.rendered == 0
    assert _tree(Path("moved") / "site") == before


def _spare(project: Path) -> Path:
    live = (project / "site").resolve()
    return live.parent / ("b" if live.name == "a" else "a")


def test_the_spare_version_is_brought_up_to_date_rather_than_made_again(tmp_path):
    """site/ points at one of two versions; a rebuild writes the other, replacing only what changed
    since it was published, so its folders are not made again and its unchanged pages stay the same files."""
    project = copy_project(tmp_path / "project")
    seeds = sorted(SEARCH_SEEDS.iterdir())
    for seed in seeds[:4]:
        shutil.copy2(seed, project / "seeds" / seed.name)
    _build(project)
    first = (project / "site").resolve()
    # (the search index's parts are replaced whole when their pages change)
    folders = {p: p.stat().st_ino for p in first.rglob("*")
               if p.is_dir() and p.relative_to(first).parts[0] != "pagefind"}
    article_pages = {p.name: p.stat().st_ino for p in (first / "articles").iterdir()}
    shutil.copy2(seeds[4], project / "seeds" / seeds[4].name)
    _build(project)
    assert (project / "site").resolve() != first and _spare(project) == first
    shutil.copy2(seeds[5], project / "seeds" / seeds[5].name)
    _build(project)
    assert (project / "site").resolve() == first
    kept = {p.name: p.stat().st_ino for p in (first / "articles").iterdir()}
    assert len(kept) == len(article_pages) + 2
    assert all(folder.stat().st_ino == inode for folder, inode in folders.items() if folder.exists())
    unchanged = [name for name, inode in article_pages.items() if kept[name] == inode]
    assert len(unchanged) >= len(article_pages) // 2
    _assert_same_site(project, tmp_path / "clean")


def test_a_site_s_first_build_makes_its_spare_which_the_next_build_brings_up_to_date(tmp_path):
    """The next build finds a spare to bring up to date (its folders kept), not one to make beside its work."""
    from generator.build_state import BuildState

    project = copy_project(tmp_path / "project")
    seeds = sorted(SEARCH_SEEDS.iterdir())
    for seed in seeds[:4]:
        shutil.copy2(seed, project / "seeds" / seed.name)
    _build(project)
    live, spare = (project / "site").resolve(), _spare(project)
    pages = sorted(p.relative_to(live) for p in live.rglob("*") if p.is_file())
    assert sorted(p.relative_to(spare) for p in spare.rglob("*") if p.is_file()) == pages
    assert all((spare / page).stat().st_ino == (live / page).stat().st_ino for page in pages)  # links
    record = BuildState(project / "site").site_record("spare", spare)
    assert record.identity is not None and set(record.outputs) == {
        page.as_posix() for page in pages if page.parts[0] != "pagefind"}
    folders = {p: p.stat().st_ino for p in spare.rglob("*") if p.is_dir() and p.relative_to(spare).parts[0] != "pagefind"}
    shutil.copy2(seeds[4], project / "seeds" / seeds[4].name)
    _build(project)
    assert (project / "site").resolve() == spare
    assert all(folder.stat().st_ino == inode for folder, inode in folders.items() if folder.exists())
    _assert_same_site(project, tmp_path / "clean")


def test_a_spare_version_without_its_record_is_made_again(tmp_path):
    """A build killed while it changed the spare leaves no record of it: the next one empties it."""
    project = copy_project(tmp_path / "project")
    _build(project)
    _build(project)
    (_spare(project) / "left-by-a-killed-build.html").write_text("<p>", encoding="utf-8")
    (state_dir(project / "site") / "spare.pickle").unlink()
    _build(project)
    assert not (project / "site" / "left-by-a-killed-build.html").exists()
    _assert_same_site(project, tmp_path / "clean")


def test_files_put_into_the_published_site_by_hand_are_not_carried_into_later_builds(tmp_path):
    """A clean build would not have them: the spare is swept of anything its record does not list."""
    project = copy_project(tmp_path / "project")
    _build(project)
    _build(project)
    (project / "site" / ".DS_Store").write_bytes(b"\0")
    (project / "site" / "articles" / "added-by-hand").mkdir()
    (project / "site" / "articles" / "added-by-hand" / "index.html").write_text("<p>", encoding="utf-8")
    _build(project)
    _build(project)  # back in the version the files were put into
    assert not (project / "site" / ".DS_Store").exists()
    assert not (project / "site" / "articles" / "added-by-hand").exists()
    _assert_same_site(project, tmp_path / "clean")


def test_hand_changes_to_the_published_site_are_found_in_folders_otherwise_unchanged(tmp_path, monkeypatch):
    """The spare's sweep lists only the folders whose change time is later than its record: a page
    deleted by hand comes back, and a file added by hand to a folder no build changes (assets/) goes,
    two builds later."""
    from generator import output

    monkeypatch.setattr(output, "_CHANGE_TIME_MARGIN_NS", 50_000_000)  # folders changed since are told apart
    project = copy_project(tmp_path / "project")
    seeds = sorted(SEARCH_SEEDS.iterdir())
    for seed in seeds[:4]:
        shutil.copy2(seed, project / "seeds" / seed.name)
    _build(project)
    time.sleep(0.2)
    _build(project)
    time.sleep(0.2)
    live = project / "site"
    pages = sorted((live / "articles").glob("*.html"))
    pages[0].unlink()
    (live / "assets" / "notes.txt").write_text("put there by hand", encoding="utf-8")
    (live / "articles" / "added-by-hand").mkdir()
    (live / "articles" / "added-by-hand" / "index.html").write_text("<p>", encoding="utf-8")
    shutil.copy2(seeds[4], project / "seeds" / seeds[4].name)
    _build(project)
    time.sleep(0.2)
    _build(project)  # back in the version changed by hand, swept by its record
    assert pages[0].exists() and not (live / "assets" / "notes.txt").exists()
    assert not (live / "articles" / "added-by-hand").exists()
    _assert_same_site(project, tmp_path / "clean")


def test_a_plain_site_folder_of_the_older_layout_becomes_the_spare(tmp_path):
    project = copy_project(tmp_path / "project")
    _build(project)
    plain = tmp_path / "plain"
    shutil.copytree(project / "site", plain)
    (project / "site").unlink()
    shutil.rmtree(project / "site.versions")
    plain.rename(project / "site")
    _build(project)
    assert (project / "site").is_symlink()
    # (the plain folder, of no known record, is put aside for the spare made afresh: removed in the background)
    assert sorted(p.name for p in (project / "site.versions").iterdir() if not p.name.startswith(".discarded-")) \
        == ["a", "b"]
    _build(project)
    _assert_same_site(project, tmp_path / "clean")


def test_linking_counts_are_kept_in_content_until_the_archive_grows_by_a_quarter(tmp_path):
    project = copy_project(tmp_path / "project")
    seeds = sorted(SEARCH_SEEDS.iterdir())
    for seed in seeds[:8]:
        shutil.copy2(seed, project / "seeds" / seed.name)
    counts = project / "content" / "link-statistics.tsv"
    first = _build(project)
    written = counts.read_text(encoding="utf-8")
    assert f"\narticles\t{first.articles}\n" in written

    shutil.copy2(seeds[8], project / "seeds" / seeds[8].name)  # one more: the counts stand
    assert _build(project).articles == first.articles + 1
    assert counts.read_text(encoding="utf-8") == written
    _assert_same_site(project, tmp_path / "clean")

    for seed in seeds[9:]:
        shutil.copy2(seed, project / "seeds" / seed.name)
    grown = _build(project)
    assert f"\narticles\t{grown.articles}\n" in counts.read_text(encoding="utf-8")  # counted again

    counts.write_text("articles\tmany\n", encoding="utf-8")
    damaged = _build(project)
    assert [p.message for p in damaged.problems.items if p.path == "content/link-statistics.tsv:1"]
    assert f"\narticles\t{grown.articles}\n" in counts.read_text(encoding="utf-8")


def test_file_caches_of_another_shape_are_read_as_far_as_they_go(tmp_path):
    # A state is only a cache: entries under keys this version does not write are ignored.
    BuildState(tmp_path / "site").save_entries("file_caches", {"seeds/a.json": 1, ("content", "content/x.md"): 2,
                                                               ("other", "y"): 3, ("seeds", "s", "t"): 4})
    seeds, content = build_module._load_file_caches(BuildState(tmp_path / "site"))
    assert seeds._previous == {} and content._previous == {"content/x.md": 2}
