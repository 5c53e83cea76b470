"""The atomic output folder: publishing a build never leaves the site half-replaced."""

from __future__ import annotations

import os
import time

import pytest

from generator import output


def test_a_failed_switch_from_a_plain_folder_puts_the_folder_back(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("old", encoding="utf-8")
    staging, _ = output.start(site)
    (staging / "index.html").write_text("new", encoding="utf-8")

    def refuse(source, target):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(output.os, "replace", refuse)
    with pytest.raises(output.OutputError, match="cannot replace"):
        output.publish(site)
    assert site.is_dir() and not site.is_symlink()
    assert (site / "index.html").read_text(encoding="utf-8") == "old"


def test_publishing_points_the_site_at_the_staging_folder_by_a_relative_link(tmp_path):
    site = tmp_path / "out" / "www"
    for text in ("first", "second", "third"):
        staging, _ = output.start(site)
        (staging / "index.html").write_text(text, encoding="utf-8")
        output.publish(site)
        assert (site / "index.html").read_text(encoding="utf-8") == text
        assert not os.path.isabs(os.readlink(site))
    assert sorted(p.name for p in output.versions_dir(site).iterdir() if not p.name.startswith(".")) == ["a", "b"]


def _two_versions(tmp_path):
    """A published version and a spare, each with index.html; the spare also holds extra files."""
    site = tmp_path / "site"
    for text in ("first", "second"):
        staging, _ = output.start(site)
        (staging / "index.html").write_text(text, encoding="utf-8")
        output.publish(site)
    spare = output.staging_dir(site)
    (spare / "stray" / "deep").mkdir(parents=True)
    (spare / "stray" / "deep" / "by-hand.html").write_text("x", encoding="utf-8")
    (spare / "pagefind").mkdir()
    (spare / "pagefind" / "part.pf").write_text("index", encoding="utf-8")
    return site, spare


def test_a_sweep_started_early_empties_the_spare_of_unlisted_files_and_start_uses_it(tmp_path, monkeypatch):
    site, spare = _two_versions(tmp_path)
    files = {"index.html": output.content_digest(b"second")}
    sweep = output.SpareSweep(site, files)
    assert sweep.wait()
    assert not (spare / "stray").exists() and (spare / "pagefind" / "part.pf").exists()  # the index is kept
    walks = []
    monkeypatch.setattr(output, "_remove_unlisted", lambda *args, **kwargs: walks.append(args))
    staging, present = output.start(site, reuse=files, staged={"index.html": output.content_digest(b"first")},
                                    swept=sweep)
    assert staging == spare and walks == [] and present == {"index.html"}  # not walked again
    assert (staging / "index.html").read_text(encoding="utf-8") == "second"


def test_a_sweep_that_failed_is_done_again_by_start(tmp_path, monkeypatch):
    site, spare = _two_versions(tmp_path)
    files = {"index.html": output.content_digest(b"second")}
    real = output._remove_unlisted
    calls = []

    def failing_once(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise PermissionError(13, "Permission denied")
        return real(*args, **kwargs)

    monkeypatch.setattr(output, "_remove_unlisted", failing_once)
    sweep = output.SpareSweep(site, files)  # fails in its own process (which has its own list of calls)
    assert not sweep.wait()
    assert (spare / "stray").exists()
    calls.append("the sweep's")  # the next call, by start, succeeds
    output.start(site, reuse=files, staged={"index.html": output.content_digest(b"first")}, swept=sweep)
    assert not (spare / "stray").exists()


def _recorded_spare(root):
    """A spare as its build left it, with its record and the time it was taken; then changed by hand."""
    staged = {}
    for relative in ("index.html", "a/index.html", "a/b/index.html", "c/index.html", "d/x.html", "pagefind/part.pf"):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(relative, encoding="utf-8")
        staged[relative] = output.content_digest(relative.encode())
    time.sleep(0.05)  # file times come from a coarser clock than time.time_ns()
    written_at = time.time_ns()
    time.sleep(0.05)
    (root / "a" / "stray.html").write_text("added by hand", encoding="utf-8")
    (root / "e" / "deep").mkdir(parents=True)
    (root / "e" / "deep" / "f.html").write_text("added by hand", encoding="utf-8")
    (root / "d" / "x.html").unlink()
    return staged, written_at


def test_a_sweep_by_the_spares_record_lists_only_the_folders_changed_since(tmp_path, monkeypatch):
    root = tmp_path / "spare"
    staged, written_at = _recorded_spare(root)
    # The published version no longer has c/index.html (an article removed since), nor the strays.
    files = {relative: digest for relative, digest in staged.items() if relative != "c/index.html"}
    monkeypatch.setattr(output, "_CHANGE_TIME_MARGIN_NS", 0)
    listed, scandir = [], os.scandir
    monkeypatch.setattr(output.os, "scandir", lambda path: listed.append(os.path.relpath(path, root)) or scandir(path))
    found = output._swept_by_record(root, files, staged, written_at)
    monkeypatch.setattr(output.os, "scandir", scandir)
    assert found == {"index.html", "a/index.html", "a/b/index.html"}  # d/x.html was deleted by hand
    remaining = sorted(str(p.relative_to(root)) for p in root.rglob("*"))
    assert remaining == ["a", "a/b", "a/b/index.html", "a/index.html", "index.html",  # d left empty by hand
                         "pagefind", "pagefind/part.pf"]
    # The strays went with the folders they were added to (listed); c went unlisted, from the record.
    assert sorted(listed) == [".", "a", "d", "e", "e/deep"]


def test_a_sweep_by_the_spares_record_lists_everything_written_just_before_it(tmp_path):
    root = tmp_path / "spare"
    staged, written_at = _recorded_spare(root)
    (root / "a" / "b" / "stray.html").write_text("written as the record was taken", encoding="utf-8")
    files = dict(staged)
    found = output._swept_by_record(root, files, staged, written_at)  # within the margin: a/b is listed too
    assert not (root / "a" / "b" / "stray.html").exists() and not (root / "a" / "stray.html").exists()
    assert found == set(staged) - {"d/x.html", "pagefind/part.pf"}


def test_a_sweep_by_the_spares_record_removes_a_folder_emptied_by_hand(tmp_path, monkeypatch):
    root = tmp_path / "spare"
    staged, written_at = _recorded_spare(root)
    files = dict(staged)
    del files["a/b/index.html"]  # an article removed since; its page was also taken down by hand
    (root / "a" / "b" / "index.html").unlink()
    monkeypatch.setattr(output, "_CHANGE_TIME_MARGIN_NS", 0)
    output._swept_by_record(root, files, staged, written_at)
    assert not (root / "a" / "b").exists()


def _spare_with_an_old_stray(site, spare):
    """The spare's record, and a file it does not list, there since before the record was taken."""
    staged = {"index.html": output.content_digest(b"first"), "stray/deep/by-hand.html": output.content_digest(b"x")}
    (spare / "stray" / "deep" / "unrecorded.html").write_text("y", encoding="utf-8")
    time.sleep(0.2)  # past the margin the tests set, and a tick of the file times' clock
    return staged, time.time_ns()


def test_a_sweep_started_early_uses_the_spares_record_where_change_times_hold(tmp_path, monkeypatch):
    monkeypatch.setattr(output, "_CHANGE_TIME_MARGIN_NS", 50_000_000)  # (the sweep's process inherits it)
    site, spare = _two_versions(tmp_path)
    files = {"index.html": output.content_digest(b"second")}
    staged, written_at = _spare_with_an_old_stray(site, spare)
    sweep = output.SpareSweep(site, files, staged, written_at)
    assert sweep.wait() and sweep.present == {"index.html"}
    assert not (spare / "stray" / "deep" / "by-hand.html").exists()  # recorded, no longer listed: deleted
    # A folder unchanged since the record is taken to hold what it lists (its own change time says so).
    assert (spare / "stray" / "deep" / "unrecorded.html").exists()
    assert (spare / "pagefind" / "part.pf").exists()


def test_a_sweep_walks_every_folder_when_the_clock_is_behind_the_spares_record(tmp_path, monkeypatch):
    monkeypatch.setattr(output, "_CHANGE_TIME_MARGIN_NS", 50_000_000)
    site, spare = _two_versions(tmp_path)
    files = {"index.html": output.content_digest(b"second")}
    staged, written_at = _spare_with_an_old_stray(site, spare)
    sweep = output.SpareSweep(site, files, staged, written_at + 60 * 10**9)  # set back a minute since
    assert sweep.wait() and sweep.present == {"index.html"}
    assert not (spare / "stray").exists()  # walked: nothing unlisted is left
    assert (spare / "pagefind" / "part.pf").exists() and not list(spare.glob(".change-time-probe-*"))


def test_a_spare_made_early_holds_links_to_the_published_files_and_start_uses_it(tmp_path, monkeypatch):
    site, spare = _two_versions(tmp_path)
    live = output.live_dir(site)
    (live / "articles" / "a1").mkdir(parents=True)
    (live / "articles" / "a1" / "index.html").write_text("article", encoding="utf-8")
    files = {"index.html": output.content_digest(b"second"),
             "articles/a1/index.html": output.content_digest(b"article"),
             "gone.html": output.content_digest(b"deleted by hand since")}
    making = output.SpareMaking(site, files)
    assert making.wait()
    assert making.present == {"index.html", "articles/a1/index.html"}
    assert not (spare / "stray").exists() and not (spare / "pagefind").exists()  # made afresh
    assert (spare / "articles/a1/index.html").stat().st_ino == (live / "articles/a1/index.html").stat().st_ino
    made = []
    monkeypatch.setattr(output, "_made_afresh", lambda *args: made.append(args) or set())
    staging, present = output.start(site, reuse=files, staged=None, swept=making)
    assert staging == spare and present == making.present and made == []  # not made again


def test_the_spare_put_aside_by_the_process_making_it_afresh_is_named_as_the_build_s_own(tmp_path, monkeypatch):
    """Publishing removes, in the background, the folders that earlier builds put aside; the one
    this build's own spare-making process put aside is left to the removal that process started."""
    site, spare = _two_versions(tmp_path)
    started = tmp_path / "removals"

    def note_removal(folder):  # (in the spare-making process too: noted in a file)
        with started.open("a", encoding="utf-8") as noted:
            noted.write(folder.name + "\n")
    monkeypatch.setattr(output, "start_removal", note_removal)
    files = {"index.html": output.content_digest(b"second")}
    making = output.SpareMaking(site, files)
    assert making._call.pid not in (None, os.getpid())  # (made by another process)
    assert making.wait()
    put_aside = started.read_text(encoding="utf-8").split()
    assert len(put_aside) == 1 and put_aside[0].startswith(f".discarded-{spare.name}-{os.getpid()}-")
    aside = output.versions_dir(site) / put_aside[0]
    assert (aside / "stray" / "deep" / "by-hand.html").exists()  # (the removal was only noted here)
    started.unlink()
    output.start(site, reuse=files, staged=None, swept=making)
    output.publish(site)
    assert not started.exists(), started.read_text()  # the build's own: not removed again


def test_folders_put_aside_by_earlier_builds_are_removed_in_the_background(tmp_path, monkeypatch):
    site, _ = _two_versions(tmp_path)
    leftover = output.versions_dir(site) / ".discarded-b-1-1"  # (process 1 built nothing)
    (leftover / "articles" / "a1").mkdir(parents=True)
    (leftover / "articles" / "a1" / "index.html").write_text("old", encoding="utf-8")
    removed_here = []
    real_rmtree = output.shutil.rmtree
    monkeypatch.setattr(output.shutil, "rmtree",
                        lambda path, *a, **k: removed_here.append(path) or real_rmtree(path, *a, **k))
    staging, _ = output.start(site)
    (staging / "index.html").write_text("third", encoding="utf-8")
    output.publish(site)
    assert leftover not in removed_here  # the build does not wait for it
    deadline = time.monotonic() + 30
    while leftover.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not leftover.exists()


def test_a_spare_whose_making_failed_is_made_by_start(tmp_path, monkeypatch):
    site, spare = _two_versions(tmp_path)
    files = {"index.html": output.content_digest(b"second")}
    real = output._link_files
    calls = []

    def failing_once(*args):
        calls.append(args)
        if len(calls) == 1:
            raise PermissionError(13, "Permission denied")
        return real(*args)

    monkeypatch.setattr(output, "_link_files", failing_once)
    making = output.SpareMaking(site, files)  # fails in its own process (which has its own list of calls)
    assert not making.wait()
    calls.append("the making's")
    staging, present = output.start(site, reuse=files, staged=None, swept=making)
    assert present == {"index.html"} and (staging / "index.html").read_text(encoding="utf-8") == "second"


def test_linking_the_published_files_by_descriptor_gives_what_linking_by_path_gives(tmp_path):
    live = tmp_path / "live"
    listed = ["index.html", "articles/a1/index.html", "articles/a2/index.html", "en/articles/a1/index.html",
              "assets/fonts/x.woff2"]
    for relative in listed:
        (live / relative).parent.mkdir(parents=True, exist_ok=True)
        (live / relative).write_text(relative, encoding="utf-8")
    files = {relative: output.content_digest(relative.encode()) for relative in [*listed, "gone/deep/page.html"]}
    made = {}
    for name, link_files in (("by descriptor", output._link_files), ("by path", output._link_files_by_path)):
        target = tmp_path / name
        target.mkdir()
        made[name] = (link_files(live, target, files), sorted(str(p.relative_to(target)) for p in target.rglob("*")))
        assert all((target / relative).stat().st_ino == (live / relative).stat().st_ino for relative in listed)
    assert made["by descriptor"] == made["by path"]
    assert made["by descriptor"][0] == set(listed)  # the file deleted from the site since is not there


def test_a_file_written_where_a_shared_link_or_a_symbolic_link_is_replaces_it(tmp_path):
    """The staging folder holds hard links to the published site's files: a page written again
    gets a file of its own and the published one keeps its bytes; so does a symbolic link's target.
    A page whose previous bytes are the same (and present) is left as it is."""
    published, staging = tmp_path / "published", tmp_path / "staging"
    (published / "a").mkdir(parents=True)
    (published / "a" / "index.html").write_bytes(b"old")
    (staging / "a").mkdir(parents=True)
    os.link(published / "a" / "index.html", staging / "a" / "index.html")
    (published / "b.html").write_bytes(b"elsewhere")
    os.symlink(published / "b.html", staging / "b.html")
    same = output.content_digest(b"same")
    (staging / "c.html").write_bytes(b"same")
    kept_inode = (staging / "c.html").stat().st_ino
    site = output.SiteWriter(staging, {"c.html": same}, {"a/index.html", "b.html", "c.html"})
    site.write("a/index.html", "new")
    site.write("b.html", b"new")
    site.write("c.html", b"same")
    site.write("d/e/index.html", "fresh")
    assert (published / "a" / "index.html").read_bytes() == b"old"
    assert (published / "b.html").read_bytes() == b"elsewhere"
    assert (staging / "a" / "index.html").read_bytes() == b"new" == (staging / "b.html").read_bytes()
    assert (staging / "a" / "index.html").stat().st_nlink == 1 and not (staging / "b.html").is_symlink()
    assert (staging / "c.html").stat().st_ino == kept_inode
    assert (staging / "d" / "e" / "index.html").read_text() == "fresh"
    assert set(site.written) == {"a/index.html", "b.html", "c.html", "d/e/index.html"}


def test_a_folder_put_aside_frees_its_name_at_once_and_is_removed_only_when_asked(tmp_path, monkeypatch):
    """The search index's replaced parts: their names are free for the new parts at once, and their
    thousands of files are removed after the new ones are written (not beside the writing)."""
    site, _ = _two_versions(tmp_path)
    staging, _ = output.start(site)
    part = staging / "pagefind" / "20150802-4"
    (part / "index").mkdir(parents=True)
    (part / "index" / "chunk.pf_index").write_bytes(b"old")
    started = []
    monkeypatch.setattr(output, "start_removal", started.append)
    aside = output.put_aside(part, site)
    assert not part.exists() and (aside / "index" / "chunk.pf_index").read_bytes() == b"old" and started == []
    assert aside.parent == output.versions_dir(site) and f"-{os.getpid()}-" in aside.name
    monkeypatch.undo()
    output.start_removal(aside)
    deadline = time.monotonic() + 30
    while aside.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not aside.exists()


def test_a_spare_made_afresh_links_the_folders_it_is_asked_for_whole(tmp_path):
    """The search index is not in the build's record of files; the spare made after a full build
    links it whole, so that the index stage keeps its unchanged parts in place."""
    site, spare = _two_versions(tmp_path)
    live = output.live_dir(site)
    (live / "pagefind" / "20150802-4" / "index").mkdir(parents=True)
    (live / "pagefind" / "20150802-4" / "index" / "chunk.pf_index").write_bytes(b"chunk")
    (live / "pagefind" / "parts.json").write_text("{}", encoding="utf-8")
    making = output.SpareMaking(site, {"index.html": output.content_digest(b"second")}, folders=("pagefind",))
    assert making.wait() and making.present == {"index.html"}
    assert sorted(p.relative_to(spare).as_posix() for p in (spare / "pagefind").rglob("*") if p.is_file()) == \
        ["pagefind/20150802-4/index/chunk.pf_index", "pagefind/parts.json"]  # (the spare's own part.pf is gone)
    for name in ("20150802-4/index/chunk.pf_index", "parts.json"):
        assert (spare / "pagefind" / name).stat().st_ino == (live / "pagefind" / name).stat().st_ino
