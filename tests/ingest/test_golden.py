"""Golden ingestion fixtures: raw seeds in, expected metadata and cleaned body out.

Each folder under ``golden/`` is one case (test id = folder name)::

    golden/<NN-short-name>/
        seeds/...        the raw input exactly as a crawler left it (sub-folders allowed)
        expected.yaml    what ingest must extract

``expected.yaml`` holds ``articles`` (in the order of their seed path, then record order) and
``problems``. Every article lists all of the fields in ``FIELDS`` plus ``paragraphs``: the body
split on blank lines, with Markdown backslash escapes undone, subheadings written ``## text``.

``problems`` is a list of substrings. Each must occur in exactly one reported problem line
(``str(Problem)``, e.g. ``warning: seeds/x.txt: no date found ...``), and every reported line
must be matched by at least one of them: the list is the complete set of problems the archivist
should see for that input, so ``[]`` means "no problems at all".

Binary inputs (BOMs, UTF-16, Windows-1256, CRLF/CR, PNG bytes, invisible marks) are written by
``golden/make_binary_fixtures.py``; ``test_binary_fixtures_are_reproducible`` checks that the
files on disk are exactly what that script writes.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest
import yaml

from generator.ingest import ingest_seeds
from generator.sources import load_sources

REPO_ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "golden"
FIELDS = ("title", "kicker", "date", "date_precision", "source", "section", "author", "place",
          "language", "source_url")
MIN_FIXTURES = 34

# A backslash before an ASCII punctuation character (CommonMark's escapable set).
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _fixture_dirs() -> list[Path]:
    return sorted(p for p in GOLDEN.iterdir() if p.is_dir() and (p / "expected.yaml").is_file())


def _paragraphs(body: str) -> list[str]:
    blocks = (block.strip() for block in _BLANK_LINE.split(body.strip()))
    return [_MARKDOWN_ESCAPE.sub(r"\1", block) for block in blocks if block]


def _short(value: object, limit: int = 90) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _compare_paragraphs(label: str, expected: list[str], actual: list[str]) -> list[str]:
    if expected == actual:
        return []
    diffs = []
    if len(expected) != len(actual):
        diffs.append(f"{label} paragraphs: expected {len(expected)} blocks, got {len(actual)}")
    for index, (want, got) in enumerate(zip(expected, actual), start=1):
        if want != got:
            prefix = 0
            while prefix < min(len(want), len(got)) and want[prefix] == got[prefix]:
                prefix += 1
            diffs.append(f"{label} paragraph {index} differs from character {prefix}: "
                         f"expected {_short(want[prefix:prefix + 60])}, got {_short(got[prefix:prefix + 60])}")
            break
    if len(expected) != len(actual):
        extra = actual[len(expected):] if len(actual) > len(expected) else expected[len(actual):]
        which = "unexpected" if len(actual) > len(expected) else "missing"
        diffs.append(f"{label} {which} blocks: " + "; ".join(_short(block, 60) for block in extra[:3]))
    return diffs


def _compare_problems(expected: list[str], lines: list[str]) -> list[str]:
    diffs = []
    for substring in expected:
        hits = [line for line in lines if substring in line]
        if len(hits) != 1:
            diffs.append(f"problem {substring!r}: expected in exactly one line, found in {len(hits)}")
    for line in lines:
        if not any(substring in line for substring in expected):
            diffs.append(f"unexpected problem: {line}")
    return diffs


@pytest.fixture(scope="module")
def registry():
    return load_sources(REPO_ROOT / "content")


def test_there_are_enough_golden_fixtures() -> None:
    assert len(_fixture_dirs()) >= MIN_FIXTURES


@pytest.mark.parametrize("fixture", _fixture_dirs(), ids=lambda p: p.name)
def test_golden(fixture: Path, tmp_path: Path, registry) -> None:
    expected = yaml.safe_load((fixture / "expected.yaml").read_text(encoding="utf-8"))
    assert isinstance(expected, dict) and set(expected) == {"articles", "problems"}, \
        f"{fixture.name}/expected.yaml must have exactly 'articles' and 'problems'"
    expected_articles = expected["articles"] or []
    for number, article in enumerate(expected_articles, start=1):
        missing = [key for key in (*FIELDS, "paragraphs") if key not in article]
        assert not missing, f"{fixture.name}/expected.yaml article {number} lacks {missing}"

    shutil.copytree(fixture / "seeds", tmp_path / "seeds")
    result = ingest_seeds(tmp_path / "seeds", tmp_path, registry)
    # Stable sort: articles of one dump file keep their record order.
    articles = sorted(result.articles, key=lambda a: a.seed or "")

    diffs = []
    if len(articles) != len(expected_articles):
        diffs.append(f"articles: expected {len(expected_articles)}, got {len(articles)} "
                     f"({', '.join(f'{a.seed}: {a.title[:40]!r}' for a in articles)})")
    for number, (want, got) in enumerate(zip(expected_articles, articles), start=1):
        label = f"article {number} ({got.seed})"
        for key in FIELDS:
            if want[key] != getattr(got, key):
                diffs.append(f"{label} {key}: expected {_short(want[key])}, got {_short(getattr(got, key))}")
        diffs += _compare_paragraphs(label, want["paragraphs"] or [], _paragraphs(got.body))
    diffs += _compare_problems(expected["problems"] or [], [str(p) for p in result.problems.items])
    assert not diffs, f"{fixture.name}:\n  " + "\n  ".join(diffs)


def test_binary_fixtures_are_reproducible() -> None:
    spec = importlib.util.spec_from_file_location("make_binary_fixtures", GOLDEN / "make_binary_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    stale = [relative for relative, data in module.FILES.items()
             if not (GOLDEN / relative).is_file() or (GOLDEN / relative).read_bytes() != data]
    assert not stale, f"run tests/ingest/golden/make_binary_fixtures.py; out of date: {stale}"
