"""generator/search_text.py: search forms indexed with articles, and the query forms they must meet."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.output import SiteWriter
from generator.search_text import FORMS_MARKER, SearchForms, shard_key, strip_article, tokens

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def normalisation_rows() -> list[tuple[str, str, dict[str, int]]]:
    rows = []
    for line in (FIXTURES / "search_normalisation.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, expected, *rest = line.split("\t")
        decisions = {}
        for item in (rest[0].split(",") if rest and rest[0] else []):
            word, removed = item.split("=")
            decisions[word] = int(removed)
        rows.append((text, expected, decisions))
    return rows


@pytest.mark.parametrize("text, expected, decisions", normalisation_rows())
def test_query_forms_match_the_shared_fixture(text, expected, decisions):
    forms = SearchForms.from_decisions(decisions)
    assert " ".join(forms.form(t) for t in tokens(text)) == expected


def test_the_fixture_covers_every_variant_class():
    inputs = "".join(text for text, _, _ in normalisation_rows())
    for sample in ("أ", "إ", "آ", "ؤ", "ة", "ى", "\u064E", "\u0640", "ک", "ی", "٢", "۲", "وال", "بال", "لل"):
        assert sample in inputs


def test_article_is_stripped_only_when_three_letters_remain():
    assert strip_article("العراق") == "عراق"
    assert strip_article("والد") == "والد"
    assert strip_article("الله") == "الله"


def test_lone_proclitic_is_stripped_only_before_a_word_at_least_as_common():
    forms = SearchForms([
        "بغداد عاصمة", "زيارة إلى بغداد", "وصل لبغداد", "بين الرياض وبغداد",
        "وزير الطاقة", "وزير المالية", "لجنة فنية", "لجنة المهندسين", "جنة خضراء",
    ])
    assert forms.form("لبغداد") == "بغداد"
    assert forms.form("وبغداد") == "بغداد"
    assert forms.form("بغداد") == "بغداد"
    assert forms.form("وزير") == "وزير"      # زير is not a word of this archive
    assert forms.form("لجنه") == "لجنه"      # لجنة is more common than جنة: not ل+جنة
    shards = forms.clitic_shards()  # before the tables are made, and after
    assert forms.clitic_tables() == {shard_key("لبغداد"): {"لبغداد": 1}, shard_key("وبغداد"): {"وبغداد": 1}}
    assert shards == forms.clitic_shards() == sorted(forms.clitic_tables()) == sorted([shard_key("لبغداد"),
                                                                                       shard_key("وبغداد")])


def test_form_frequency_adds_up_the_articles_of_the_words_that_share_a_form():
    # Words that are their own form, words with a lone proclitic decided (all their articles go to
    # the form), words still written with an article after the text's stripping (الالتزام is
    # counted as التزام's word... and its form strips again), a decision recorded by an earlier
    # build (فقالت; and والدين, counted for الوالدين, whose form strips its article first) and words
    # decided but never written (the other seat's spelling of مسؤول).
    import random
    vocabulary = ["بغداد", "وبغداد", "لبغداد", "وزير", "زير", "لجنة", "جنة", "الالتزام", "التزام",
                  "قالت", "فقالت", "مسؤول", "مسئول", "وللمدينة", "مدينة", "الله", "والد", "الوالدين"]
    rng = random.Random(7)
    texts = [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 6))) for _ in range(300)]
    forms = SearchForms(texts, recorded={"فقالت": 1, "والدين": 2})
    expected: dict[str, int] = {}
    for word, articles in forms.document_frequency.items():
        expected[forms.form(word)] = expected.get(forms.form(word), 0) + articles
    assert forms.form_frequency() == expected
    # (the cases above are there: a decided word, a word still with an article, a recorded one)
    moved = {word for word in forms.document_frequency if forms.form(word) != word}
    assert forms.form("والدين") == "دين" and {"فقالت", "والدين"} < moved
    assert any(word.startswith("ال") for word in moved) and len(moved) > 3


def test_index_forms_skip_words_already_spelled_that_way_and_repeat_nothing():
    forms = SearchForms(["الحكومة والحكومة بغداد مستشفى Baghdad"])
    indexed = forms.forms_for_index("الحكومة والحكومة بغداد مستشفى Baghdad")
    assert indexed.split() == ["حكومه", "مستشفي"]
    assert FORMS_MARKER not in indexed


def test_clitic_tables_are_written_per_prefix(tmp_path):
    forms = SearchForms(["بغداد", "بغداد", "لبغداد"])
    assert forms.write_clitic_tables(SiteWriter(tmp_path)) == 1
    written = (tmp_path / "search/clitics" / f"{shard_key('لبغداد')}.json").read_text(encoding="utf-8")
    assert written == '{"لبغداد":1}'
    assert shard_key("لبغداد") == "0644-0628"


def test_a_hamza_seat_is_indexed_both_ways():
    forms = SearchForms(["مسؤول مسئول"])
    assert forms.forms_for_index("قال مسؤول").split() == ["مسوول", "مسيول"]
    assert forms.forms_for_index("قال مسئول").split() == ["مسيول", "مسوول"]
    assert forms.forms_for_index("قال رئيس الشؤون").split() == ["رييس", "رويس", "شوون", "شيون"]


def test_a_word_written_without_a_hamza_is_indexed_under_the_other_seat_when_the_archive_writes_it_with_one():
    texts = ["قال مسؤول في الوزارة", "اكد مسوول في الشركة ان العمل مستمر", "وصل المسوول الى المدينة"]
    forms = SearchForms(texts)
    assert "مسيول" in forms.forms_for_index(texts[1]).split()        # found by مسئول
    assert "مسيول" in forms.forms_for_index(texts[2]).split()        # with the article too
    assert "مسيول" not in SearchForms(texts[1:]).forms_for_index(texts[1]).split()  # no hamza anywhere: as written
    assert not {"مويس", "ميسور"} & set(forms.forms_for_index("اكد ميسور").split())  # other words untouched
