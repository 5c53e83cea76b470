"""Shared fixtures: a demo project copied into a temporary folder, built for real."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Speed is measured by the benchmark, never asserted: Hypothesis' per-example deadline would fail
# property tests on a busy machine for reasons that have nothing to do with correctness.
settings.register_profile("archive", deadline=None)
settings.load_profile("archive")

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(Path(__file__).resolve().parent))

# What a fresh clone holds that a build reads.
PROJECT_INPUTS = ("archive.toml", "seeds", "content", "templates")


def copy_project(target: Path, extra_seeds: tuple[str, ...] = (), base_url: str | None = None) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_INPUTS:
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    for name in extra_seeds:
        shutil.copy2(FIXTURES / "seeds" / name, target / "seeds" / name)
    if base_url:
        config = target / "archive.toml"
        text = config.read_text(encoding="utf-8")
        text = "\n".join(f'base_url = "{base_url}"' if line.startswith("base_url") else line
                         for line in text.splitlines()) + "\n"
        config.write_text(text, encoding="utf-8")
    return target


def run_archive(project: Path, *args: str) -> tuple[int, str, str]:
    """Run the real CLI in-process against `project`; returns (exit code, stdout, stderr)."""
    import contextlib
    import io

    from generator.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--project", str(project), *args])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="session")
def demo_project(tmp_path_factory) -> Path:
    """The demo archive plus one unrelated article, built once under a GitHub-Pages-like sub-path."""
    project = copy_project(tmp_path_factory.mktemp("demo") / "project",
                           extra_seeds=("unrelated-cairo-football.txt",),
                           base_url="http://127.0.0.1/archive/")
    code, out, err = run_archive(project, "build")
    assert code == 0, f"build failed: {out}\n{err}"
    return project


@pytest.fixture(scope="module")
def browser():
    """A real headless Chromium (Debian's), one per test module."""
    from browser import chromium, chromium_path

    if chromium_path() is None:
        pytest.fail("Debian's chromium is required for the browser tests (apt-get install chromium)")
    with chromium() as connected:
        yield connected


@pytest.fixture
def page(browser):
    """A fresh browser page that fails the test on any request leaving 127.0.0.1, any JavaScript
    error and any failed request."""
    context = browser.new_context()
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(("http://127.0.0.1", "data:"))
            else outside.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    failed: list[str] = []
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400
            and not response.url.endswith("favicon.ico") else None)
    yield page
    context.close()
    assert outside == [], f"requests left the site: {outside}"
    assert errors == [], f"JavaScript errors: {errors}"
    assert failed == [], f"requests that failed: {failed}"
