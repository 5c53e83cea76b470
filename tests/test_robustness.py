"""Nothing lost, nothing injected: hostile text, awkward file names, faults and interrupted builds."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import FIXTURES, copy_project, run_archive


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _records(project: Path) -> dict[str, dict]:
    return {r["seed"]: r for r in json.loads((project / "site/data/articles.json").read_text(encoding="utf-8"))}


class _Elements(HTMLParser):
    """Every element the browser would build: (tag, attributes)."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


def test_hostile_markup_in_an_article_is_shown_as_text_and_never_runs(tmp_path):
    project = copy_project(tmp_path / "p")
    shutil.copy(FIXTURES / "bad_input/hostile-markup.txt", project / "seeds/hostile-markup.txt")
    assert run_archive(project, "build")[0] == 0
    record = _records(project)["seeds/hostile-markup.txt"]
    for prefix in ("", "en/"):
        page = (project / f"site/{prefix}articles/{record['id']}/index.html").read_text(encoding="utf-8")
        parsed = _Elements()
        parsed.feed(page)
        tags = [tag for tag, _ in parsed.elements]
        assert "img" not in tags and "<!--" not in page.split("<body", 1)[1]
        assert [attrs for tag, attrs in parsed.elements if tag == "script" and attrs.get("type") != "application/ld+json"
                and not attrs.get("src")] == []  # no inline script runs
        assert not any(name.startswith("on") for _, attrs in parsed.elements for name in attrs)
        assert not any(str(value).strip().lower().startswith("javascript:")
                       for _, attrs in parsed.elements for value in attrs.values())
        text = parsed.text  # what the reader sees: the markup, as text
        for shown in ('<script>alert("x")</script>', "<img src=x onerror=alert(1)>", "[رابط](javascript:alert(1))",
                      "{{ config }}", "{% if x %}", "<!-- تعليق -->", "# ليس عنواناً", "> ليس اقتباساً و*ليس مائلاً*"):
            assert shown in text, shown


@pytest.mark.parametrize("name", [
    "file with spaces.txt",
    "مقال عربي.txt",
    "-leading-dash.txt",
    "..dots..txt",
    "x" * 246 + ".txt",  # 250 characters
    "nested/../../escape.txt",
])
def test_awkward_file_names_are_built_and_stay_inside_the_site(tmp_path, name):
    project = copy_project(tmp_path / "p")
    target = project / "seeds" / "sub" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target = target.resolve() if ".." in name else target
    if not target.is_relative_to(project / "seeds"):
        target = project / "seeds" / "escape.txt"
    target.write_text("عنوان المقال الغريب\n\nنص المقال الذي يختبر الأسماء الغريبة للملفات.\n", encoding="utf-8")
    code, out, err = run_archive(project, "build")
    assert code == 0 and "4 articles" in out, err
    site = (project / "site").resolve()
    for path in site.rglob("*"):
        assert path.resolve().is_relative_to(site)
    assert not list(project.glob("*.html")) and not (project.parent / "escape.txt").exists()


def test_two_articles_with_the_same_title_get_two_pages(tmp_path):
    project = copy_project(tmp_path / "p")
    (project / "seeds/a.txt").write_text("عنوان واحد\n\nالنص الأول للمقال.\n", encoding="utf-8")
    (project / "seeds/b.txt").write_text("عنوان واحد\n\nالنص الثاني المختلف.\n", encoding="utf-8")
    assert run_archive(project, "build")[0] == 0
    records = _records(project)
    assert records["seeds/a.txt"]["id"] != records["seeds/b.txt"]["id"]
    for seed in ("seeds/a.txt", "seeds/b.txt"):
        assert (project / f"site/articles/{records[seed]['id']}/index.html").exists()


def test_the_same_article_twice_is_one_article_with_a_warning(tmp_path):
    project = copy_project(tmp_path / "p")
    shutil.copy(project / "seeds/002_c645db0d12d9f96d.txt", project / "seeds/copy of 002.txt")
    code, out, err = run_archive(project, "build")
    assert code == 0 and "3 articles" in out
    assert "seeds/copy of 002.txt: same article as seeds/002_c645db0d12d9f96d.txt" in err


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
    code, _, err = run_archive(project, "build")
    assert code == 1 and "Pagefind failed with exit code 2" in err and "disk quota exceeded" in err
    assert _snapshot(project / "site") == before


def test_unwritable_output_is_a_clear_error_and_the_previous_site_stays(tmp_path):
    project = copy_project(tmp_path / "p")
    assert run_archive(project, "build")[0] == 0
    before = _snapshot(project / "site")
    # The staging folder cannot be made: its name is taken by a link into a read-only system folder.
    (project / "site.building").symlink_to("/proc/self")
    code, _, err = run_archive(project, "build")
    assert code == 1 and "site.building" in err
    assert _snapshot(project / "site") == before
    (project / "site.building").unlink()
    assert run_archive(project, "build")[0] == 0


def test_a_build_killed_half_way_leaves_the_previous_site_and_the_next_build_succeeds(tmp_path):
    project = copy_project(tmp_path / "p")
    assert run_archive(project, "build")[0] == 0
    before = _snapshot(project / "site")
    content_before = _snapshot(project / "content/articles")
    for number in range(400):  # enough pages that rendering takes a moment
        (project / f"seeds/extra-{number:03d}.txt").write_text(
            f"خبر رقم {number} عن موضوع مختلف\n\nنص الخبر رقم {number} مع بعض الكلمات الإضافية.\n", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "generator", "--project", str(project), "--quiet", "build"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not (project / "site.building/articles").exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert _snapshot(project / "site") == before
    after = _snapshot(project / "content/articles")
    assert all(after.get(name) == data for name, data in content_before.items())  # nothing lost
    for name in after:
        if name not in content_before:  # anything the killed build wrote is whole
            assert (project / "content/articles" / name).read_text(encoding="utf-8").startswith("---\n")
    assert run_archive(project, "build")[0] == 0
    assert not (project / "site.building").exists()


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


def test_an_event_id_that_would_leave_the_site_is_refused_and_the_rest_builds(tmp_path):
    project = copy_project(tmp_path / "p")
    (project / "seeds/escape.md").write_text(
        '---\nid: "escape-attempt"\ntitle: "Escape"\nlanguage: "en"\nevent: "../../../tmp/x"\n---\n\nText.\n',
        encoding="utf-8")
    code, out, err = run_archive(project, "build")
    assert code == 0 and "3 articles" in out
    assert "seeds/escape.md: event '../../../tmp/x' must be lowercase letters" in err
    site = (project / "site").resolve()
    assert all(path.resolve().is_relative_to(site) for path in site.rglob("*"))
