"""Shared paths and small helpers for the unit tests (no project code is replaced or mocked)."""

from __future__ import annotations

import re
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = PROJECT_ROOT / "seeds"
CONTENT_DIR = PROJECT_ROOT / "content"
TEMPLATES_DIR = PROJECT_ROOT / "templates"
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"

_WORD = re.compile(r"\w+")


def seed_path(prefix: str) -> Path:
    """The one demo seed whose file name starts with `prefix` (e.g. "000_")."""
    matches = sorted(SEEDS_DIR.glob(f"{prefix}*.txt"))
    assert len(matches) == 1, f"expected one seed matching {prefix}*.txt, found {matches}"
    return matches[0]


def words(text: str) -> list[str]:
    """Word tokens (letters/digits of any script), punctuation dropped."""
    return _WORD.findall(text)


def assert_words_in_order(expected_words: list[str], actual_words: list[str]) -> None:
    """Every word of `expected_words` occurs in `actual_words`, in the same order.

    Fails naming the first word that is missing (or out of order) and where the search stood.
    """
    position = 0
    for index, word in enumerate(expected_words):
        try:
            position = actual_words.index(word, position) + 1
        except ValueError:
            context = " ".join(expected_words[max(0, index - 5): index + 5])
            raise AssertionError(
                f"word #{index} {word!r} not found in order after position {position} "
                f"(context: ... {context} ...)"
            ) from None
