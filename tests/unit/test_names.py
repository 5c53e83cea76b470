"""generator.names: names of people and places learned from the archive's own text."""

from __future__ import annotations

from collections import Counter

import pytest

from generator.arabic import tokens
from generator.names import count_capitalised, count_cued, is_cue, names


@pytest.mark.parametrize(("token", "expected"), [
    ("منطقه", True),      # folded منطقة
    ("بمحافظه", True),    # with the preposition
    ("والامير", True),    # with و and the article
    ("الشهيد", True),
    ("ال", True),         # آل (family), folded
    ("الجفاف", False),
    ("يضبط", False),
])
def test_cues_are_titles_and_kinds_of_place_with_or_without_clitics(token, expected):
    assert is_cue(token) is expected


def _learn(texts: list[str]) -> tuple[Counter, frozenset[str]]:
    """Evidence and names from Arabic texts, each folded token standing for its own term."""
    as_name: Counter = Counter()
    occurrences: Counter = Counter()
    cues: set[str] = set()
    for text in texts:
        words = tokens(text)
        occurrences.update(words)
        cues |= {w for w in words if is_cue(w)}
        count_cued(words, list(words), cues, as_name)
    return as_name, names(as_name, occurrences, cue_terms=cues)


def test_a_word_that_often_follows_a_cue_is_a_name_and_a_common_word_is_not():
    as_name, learned = _learn([
        "ضبط مكتب العمل في منطقة الجوف مخالفات العمل تحت الشمس",
        "أمطار على منطقة الجوف والعمل جار على تصريف المياه",
        "زار أمير منطقة الجوف مكتب العمل",
        "العمل في مركز العمل مستمر والعمل كثير والعمل يسير",  # 'العمل' once after a cue, often elsewhere
    ])
    assert as_name["العمل"] == 1
    assert "الجوف" in learned
    assert "العمل" not in learned


def test_a_name_needs_more_than_one_chance_neighbour():
    as_name, learned = _learn(["وصل إلى منطقة الجفاف"])
    assert as_name == Counter({"الجفاف": 1}) and learned == frozenset()


def test_a_cue_is_never_a_name_itself():
    # الملك follows جامعة and مستشفى, but a title names nobody in particular.
    as_name, learned = _learn(["جامعة الملك عبدالعزيز", "مستشفى الملك فهد", "مدينة الملك عبدالله",
                               "مستشفى الملك خالد"])
    assert "الملك" in as_name and "الملك" not in learned


def test_english_names_are_capitalised_inside_a_sentence():
    as_name: Counter = Counter()
    count_capitalised("Officials in Khaybar fined 42 firms. Labour inspectors said Khaybar and Medina "
                      "were checked. Inspectors return on Monday.", lambda word: word, as_name)
    assert as_name == Counter({"khaybar": 2, "medina": 1, "monday": 1})  # "Labour"/"Inspectors" start sentences
