"""The atomic output folder: publishing a build never leaves the site half-replaced."""

from __future__ import annotations

import os

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
