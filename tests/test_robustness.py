"""Faults and interrupted builds lose nothing; builds are deterministic. (Bad input: test_bad_input.py.)"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import FIXTURES, copy_project, run_archive

from generator.build_state import BuildState


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_missing_pagefind_binary_leaves_the_previous_site(tmp_path, monkeypatch):
    project = copy_project(tmp_path / "p")
    assert run_archive(project, "build")[0] == 0
    before = _snapshot(project / "site")
    content_before = _snapshot(project / "content")
    monkeypatch.setenv("ARCHIVE_PAGEFIND", str(tmp_path / "no-such-pagefind"))
    code, _, err = run_archive(project, "build")
    assert code == 1 and "Pagefind binary" in err and "no-such-pagefind" in err
    assert _snapshot(project / "site") == before and _snapshot(project / "content") == content_before
    monkeypatch.delenv("ARCHIVE_PAGEFIND")
    assert run_archive(project, "build")[0] == 0


def test_failing_pagefind_is_reported_with_its_message(tmp_path, monkeypatch):
    project = copy_project(tmp_path / "p")
    assert run_archive(project, "build")[0] == 0
    before = _snapshot(project / "site")
    fake = tmp_path / "pagefind"
    fake.write_text("#!/bin/sh\necho 'Error: disk quota exceeded' >&2\nexit 2\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setenv("ARCHIVE_PAGEFIND", str(fake))
    content_before = _snapshot(project / "content")
    code, _, err = run_archive(project, "build")
    assert code == 1 and "Pagefind failed with exit code 2" in err and "disk quota exceeded" in err
    assert _snapshot(project / "site") == before and _snapshot(project / "content") == content_before
    monkeypatch.delenv("ARCHIVE_PAGEFIND")
    assert run_archive(project, "build")[0] == 0


def test_unwritable_output_is_a_clear_error_and_the_previous_site_stays(tmp_path):
    project = copy_project(tmp_path / "p")
    assert run_archive(project, "build")[0] == 0
    before = _snapshot(project / "site")
    # The staging folder cannot be made: the versions' folder is a read-only system folder.
    live = (project / "site").resolve()
    shutil.move(project / "site.versions", tmp_path / "versions")
    (project / "site").unlink()
    (project / "site").symlink_to(tmp_path / "versions" / live.name)
    (project / "site.versions").symlink_to("/proc/self")
    code, _, err = run_archive(project, "build")
    assert code == 1 and "site.versions" in err
    assert _snapshot(project / "site") == before
    (project / "site.versions").unlink()
    assert run_archive(project, "build")[0] == 0


@contextmanager
def _small_file_system(folder: Path, size: str = "16m"):
    """A real tmpfs of `size` mounted at `folder`, for as long as the block runs."""
    folder.mkdir(parents=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root (CI runs the tests as root)")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)


def _fill(folder: Path, leave: int) -> Path:
    """Take all the free space of `folder`'s file system but `leave` bytes."""
    stats = os.statvfs(folder)
    filler = folder / "filler"
    with filler.open("wb") as out:
        out.write(b"\0" * max(0, stats.f_bavail * stats.f_frsize - leave))
    return filler


def _space_used(folder: Path, exclude: tuple[str, ...] = ()) -> int:
    """What `folder`'s files take on a tmpfs (whole pages of 4 KiB), outside the `exclude` sub-folders."""
    return sum(-(-p.stat().st_size // 4096) * 4096 for p in folder.rglob("*")
               if p.is_file() and not p.relative_to(folder).as_posix().startswith(exclude))


def _output_on(project: Path, folder: str) -> None:
    config = project / "archive.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('output = "site"', f'output = "{folder}/site"'),
                      encoding="utf-8")


@pytest.mark.parametrize("runs_out", ["writing the pages", "indexing for search"])
def test_a_full_output_folder_is_a_clear_error_and_the_next_build_succeeds(tmp_path, runs_out):
    project = copy_project(tmp_path / "p")
    _output_on(project, "out")
    with _small_file_system(project / "out") as disk:
        assert run_archive(project, "--quiet", "build")[0] == 0
        site = disk / "site"
        site_before, content_before = _snapshot(site), _snapshot(project / "content")
        leave = {"writing the pages": 64 * 1024,
                 "indexing for search": _space_used(site, exclude=("pagefind/",)) + 16 * 1024}[runs_out]
        filler = _fill(disk, leave)
        # Another address changes every page, so the build cannot keep the previous files.
        code, out, err = run_archive(project, "--quiet", "build", "--base-url", "http://127.0.0.1/moved/")
        assert (code, out) == (1, "")
        assert re.fullmatch(rf"archive: error: cannot write the (site|search index) \({re.escape(str(disk))}"
                            r"/(site\.versions/[ab]|site\.state/search-pieces)[^()]*\): No space left on device; the previous site is unchanged\n", err), err
        assert _snapshot(site) == site_before and _snapshot(project / "content") == content_before
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "site", "site.state", "site.versions"]
        assert [p.name for p in (disk / "site.versions").iterdir()] == [site.resolve().name]  # no staging folder left
        filler.unlink()
        assert run_archive(project, "--quiet", "build", "--base-url", "http://127.0.0.1/moved/")[0] == 0
        assert "http://127.0.0.1/moved/" in (site / "index.html").read_text(encoding="utf-8")


def test_a_read_only_output_folder_is_a_clear_error_and_the_next_build_succeeds(tmp_path):
    project = copy_project(tmp_path / "p")
    _output_on(project, "out")
    with _small_file_system(project / "out") as disk:
        assert run_archive(project, "--quiet", "build")[0] == 0
        site_before = _snapshot(disk / "site")
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        code, out, err = run_archive(project, "--quiet", "build")
        assert (code, out) == (1, "")
        assert re.match(rf"archive: error: cannot create the staging folder {re.escape(str(disk))}/site\.versions/[ab]: "
                        "Read-only file system", err), err
        assert _snapshot(disk / "site") == site_before
        subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)
        assert run_archive(project, "--quiet", "build")[0] == 0


def test_a_full_content_folder_is_a_clear_error_and_the_next_build_succeeds(tmp_path):
    project = copy_project(tmp_path / "p")
    shutil.move(project / "content", tmp_path / "content")
    with _small_file_system(project / "content", size="4m") as disk:
        shutil.copytree(tmp_path / "content", disk, dirs_exist_ok=True)
        assert run_archive(project, "--quiet", "build")[0] == 0
        shutil.copy(FIXTURES / "seeds/unrelated-cairo-football.txt", project / "seeds")
        site_before, content_before = _snapshot(project / "site"), _snapshot(disk)
        filler = _fill(disk, 0)
        code, out, err = run_archive(project, "--quiet", "build")
        assert (code, out) == (1, "")
        assert re.fullmatch(rf"archive: error: cannot write {re.escape(str(disk))}/articles/[0-9a-f]{{12}}\.md: "
                            r"No space left on device\n", err), err
        assert _snapshot(disk) == {**content_before, "filler": filler.read_bytes()}  # no half-written file
        assert _snapshot(project / "site") == site_before
        filler.unlink()
        assert run_archive(project, "--quiet", "build")[0] == 0
        assert len(_snapshot(disk)) == len(content_before) + 1


def test_a_build_killed_half_way_leaves_the_previous_site_and_the_next_build_succeeds(tmp_path):
    project = copy_project(tmp_path / "p")
    assert run_archive(project, "build")[0] == 0
    assert run_archive(project, "build")[0] == 0  # both versions made: the spare is known to hold the first
    before = _snapshot(project / "site")
    content_before = _snapshot(project / "content/articles")
    spare = project / "site.versions" / next(name for name in "ab" if name != (project / "site").resolve().name)
    assert BuildState(project / "site").site_record("spare", spare).outputs
    pages_before = len(list((spare / "articles").iterdir()))
    for number in range(400):  # enough pages that rendering takes a moment
        (project / f"seeds/extra-{number:03d}.txt").write_text(
            f"خبر رقم {number} عن موضوع مختلف\n\nنص الخبر رقم {number} مع بعض الكلمات الإضافية.\n", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "generator", "--project", str(project), "--quiet", "build"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(list((spare / "articles").iterdir())) <= pages_before and process.poll() is None \
            and time.monotonic() < deadline:  # until new pages are being written into the spare
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert _snapshot(project / "site") == before
    assert BuildState(project / "site").load("spare") is None  # no record of the half-written spare: not trusted
    after = _snapshot(project / "content/articles")
    assert all(after.get(name) == data for name, data in content_before.items())  # nothing lost
    for name in after:
        if name not in content_before:  # anything the killed build wrote is whole
            assert (project / "content/articles" / name).read_text(encoding="utf-8").startswith("---\n")
    assert run_archive(project, "build")[0] == 0
    assert (project / "site").resolve() == spare
    assert sorted(p.name for p in (project / "site.versions").iterdir() if not p.name.startswith(".")) == ["a", "b"]


@pytest.mark.parametrize("environment", [
    {"TZ": "Pacific/Kiritimati", "PYTHONHASHSEED": "1", "LC_ALL": "C"},
    {"TZ": "America/Los_Angeles", "PYTHONHASHSEED": "4242", "LC_ALL": "C.UTF-8"},
])
def test_builds_are_byte_identical_whatever_the_time_zone_hash_seed_locale_or_file_order(tmp_path, environment):
    sites = []
    for name, env in (("reference", {"TZ": "UTC", "PYTHONHASHSEED": "0", "LC_ALL": "C.UTF-8"}), ("varied", environment)):
        project = copy_project(tmp_path / name, extra_seeds=("unrelated-cairo-football.txt",))
        if name == "varied":  # the same seeds, created in another order (another directory order)
            files = sorted((project / "seeds").iterdir(), reverse=True)
            data = {f.name: f.read_bytes() for f in files}
            for f in files:
                f.unlink()
            for file_name in sorted(data, key=lambda n: hash(n) % 97):
                (project / "seeds" / file_name).write_bytes(data[file_name])
        result = subprocess.run([sys.executable, "-m", "generator", "--project", str(project), "--quiet", "build"],
                                env={**os.environ, **env}, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        sites.append(_snapshot(project / "site"))
    assert sites[0].keys() == sites[1].keys()
    assert [path for path in sites[0] if sites[0][path] != sites[1][path]] == []
