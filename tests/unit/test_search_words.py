"""generator/search_words.py: search decisions made once per word and kept in content/, and the
archive's search forms worked out again only for articles whose words changed."""

from __future__ import annotations

import pickle

from generator.article import Article, Problems
from generator.search_text import SearchForms, text_words
from generator.search_text import article_text
from generator.search_words import (SEARCH_WORDS_FILENAME, _held_before, archive_search_forms, index_forms,
                                    load_search_words, record_search_words)

# لجنة is far more common here than جنة: its ل belongs to the word.
TEXTS = ["لجنة فنية", "لجنة المهندسين", "لجنة الاسعار", "جنة خضراء", "وصل لبغداد", "بغداد عاصمة", "زيارة بغداد"]


def _article(article_id: str, body: str) -> Article:
    return Article(id=article_id, title="عنوان", language="ar", body=body)


def test_new_words_are_decided_from_the_archive_and_recorded_words_are_not_decided_again():
    fresh = SearchForms(TEXTS)
    assert fresh.form("لجنه") == "لجنه" and fresh.form("لبغداد") == "بغداد"
    assert fresh.decided["لجنه"] == 0 and fresh.decided["لبغداد"] == 1
    # Recorded otherwise (an archivist's correction, or counts of an earlier day): the record holds.
    kept = SearchForms(TEXTS, recorded={"لجنه": 1})
    assert kept.form("لجنه") == "جنه"
    assert "لجنه" not in kept.decided and kept.decided["لبغداد"] == 1


def test_a_decision_once_recorded_survives_counts_that_would_now_decide_otherwise():
    early = SearchForms(["وصل لمحات", "لمحات من التاريخ"])  # no محات yet: لمحات keeps its ل
    assert early.form("لمحات") == "لمحات"
    crowded = ["وصل لمحات", "لمحات من التاريخ", "محات", "محات", "محات"]
    assert SearchForms(crowded).form("لمحات") == "محات"  # decided afresh, it would flip
    assert SearchForms(crowded, recorded=early.decided).form("لمحات") == "لمحات"


def test_decisions_are_appended_and_read_back(tmp_path):
    problems = Problems()
    record_search_words(tmp_path, tmp_path, {"لبغداد": 1, "وزير": 0}, problems)
    first = (tmp_path / SEARCH_WORDS_FILENAME).read_bytes()
    assert first.decode("utf-8").splitlines()[-2:] == ["لبغداد\t1", "وزير\t0"]
    record_search_words(tmp_path, tmp_path, {"وبغداد": 1}, problems)
    after = (tmp_path / SEARCH_WORDS_FILENAME).read_bytes()
    assert after.startswith(first) and after.decode("utf-8").endswith("وبغداد\t1\n")
    assert load_search_words(tmp_path, tmp_path, problems) == {"لبغداد": 1, "وزير": 0, "وبغداد": 1}
    assert len(problems) == 0


def test_a_corrected_line_is_kept_and_a_broken_one_is_reported_with_its_line(tmp_path):
    (tmp_path / SEARCH_WORDS_FILENAME).write_text("# corrected by hand\nلجنه\t1\nبغداد two\nوزير\t7\n", encoding="utf-8")
    problems = Problems()
    assert load_search_words(tmp_path, tmp_path, problems) == {"لجنه": 1}
    assert [(p.path, p.severity) for p in problems.sorted()] == [
        (f"{SEARCH_WORDS_FILENAME}:3", "warning"), (f"{SEARCH_WORDS_FILENAME}:4", "warning")]
    record_search_words(tmp_path, tmp_path, {"وبغداد": 1}, problems)
    text = (tmp_path / SEARCH_WORDS_FILENAME).read_text(encoding="utf-8")
    assert text == "# corrected by hand\nلجنه\t1\nبغداد two\nوزير\t7\nوبغداد\t1\n"


def test_forms_are_reused_while_an_article_and_the_decisions_of_its_words_are_unchanged(tmp_path):
    articles = [_article(f"a{i}", text) for i, text in enumerate(TEXTS)]
    forms, state = archive_search_forms(articles, tmp_path, tmp_path, Problems(), None)
    assert state.forms == {}  # nothing known before the first build
    state.forms = {a.id: (state.words[a.id][0], forms.forms_for_index(a.body)) for a in articles}

    # A new article, and an archivist's correction of لجنة: only the articles holding it change.
    (tmp_path / SEARCH_WORDS_FILENAME).write_text(
        (tmp_path / SEARCH_WORDS_FILENAME).read_text(encoding="utf-8").replace("لجنه\t0", "لجنه\t1"), encoding="utf-8")
    grown = articles + [_article("new", "جنة الخلد")]
    again, next_state = archive_search_forms(grown, tmp_path, tmp_path, Problems(), state)
    assert sorted(next_state.forms) == ["a3", "a4", "a5", "a6"]
    assert all(next_state.words[key] == state.words[key] for key in state.words)
    assert again.form("لجنه") == "جنه"


def test_the_words_are_counted_again_only_for_texts_added_changed_or_removed(tmp_path):
    articles = [_article(f"a{n}", text) for n, text in enumerate(TEXTS)] + [_article("h", "قال المسؤول")]
    _, state = archive_search_forms(articles, tmp_path, tmp_path, Problems(), None)
    later = [a for a in articles if a.id not in ("a4", "h")]  # وصل لبغداد and the seated word removed
    later[0] = later[0].with_changes(body="لجنة المسؤول عن بغداد")  # changed
    later.append(_article("new", "جنة الخلد لجنة"))  # added
    again, next_state = archive_search_forms(later, tmp_path, tmp_path, Problems(), state)
    _, fresh_state = archive_search_forms(later, tmp_path, tmp_path, Problems(), None)
    assert next_state.counts == fresh_state.counts
    assert +next_state.counts.words == next_state.counts.words and "لبغداد" not in next_state.counts.words
    assert again.document_frequency["لجنه"] == 4 and again.document_frequency["بغداد"] == 3
    assert set(next_state.counts.seated) == set(fresh_state.counts.seated) != set()


def test_text_words_hold_each_word_after_the_article_and_the_seated_spellings():
    words = text_words("قال المسؤول في الحكومة")
    assert {"مسوول", "حكومه", "قال"} <= words.word_set()
    assert ("المسوول", "المسيول") in words.seated


def test_text_words_read_back_from_the_build_state_are_the_same_and_decoded_only_when_read():
    words = text_words("قال المسؤول والرئيس في الحكومة، وأكد المسؤول")
    without_seats = text_words("قال الوزير في الحكومة")
    for original in (words, without_seats):
        again = pickle.loads(pickle.dumps(original, pickle.HIGHEST_PROTOCOL))
        assert again._words is None and again._seated is None  # kept packed until read
        assert (again.words, again.seated) == (original.words, original.seated)
        assert again._packed is None  # once decoded, the strings only are kept
        assert again == original and hash(again) == hash(original)
        # Pickled again (as an unchanged entry is, when the state's base is written whole): the same bytes.
        assert pickle.dumps(again) == pickle.dumps(original)
    assert words.seated != () and without_seats.seated == ()
    assert words != without_seats


def test_a_hamza_written_in_a_presentation_form_is_on_a_seat_too():
    # ﺆ (U+FE86) is ؤ once normalised (NFKC): indexed with the other seat like any ؤ.
    text = "قال المس\ufe86ول"
    assert ("المسوول", "المسيول") in text_words(text).seated
    assert "مسيول" in SearchForms([text]).forms_for_index(text).split()


def test_a_file_left_without_a_final_newline_gets_its_new_words_on_a_line_of_their_own(tmp_path):
    (tmp_path / SEARCH_WORDS_FILENAME).write_text("لجنه\t1", encoding="utf-8")
    record_search_words(tmp_path, tmp_path, {"وبغداد": 1}, Problems())
    assert (tmp_path / SEARCH_WORDS_FILENAME).read_text(encoding="utf-8") == "لجنه\t1\nوبغداد\t1\n"


def test_only_changed_words_that_some_text_held_before_are_looked_for_in_unchanged_articles(tmp_path):
    articles = [_article(f"a{n}", text) for n, text in enumerate(TEXTS)] + [_article("h", "قال المسؤول")]
    _, state = archive_search_forms(articles, tmp_path, tmp_path, Problems(), None)
    # لجنه is a word of the archive, مسيول the other seat of a word it writes, خلد a new word.
    assert _held_before({"لجنه", "مسيول", "خلد"}, state.counts) == {"لجنه", "مسيول"}
    assert _held_before({"خلد"}, None) == {"خلد"}  # nothing counted before: any text may hold it


def test_index_forms_are_the_kept_ones_and_the_others_worked_out(tmp_path):
    articles = [_article(f"a{i}", text) for i, text in enumerate(TEXTS)]
    forms, state = archive_search_forms(articles, tmp_path, tmp_path, Problems(), None)
    assert index_forms(articles, forms, state) == {a.id: forms.forms_for_index(article_text(a)) for a in articles}
    state.forms = {"a4": (state.words["a4"][0], "kept as they were")}
    found = index_forms(articles, forms, state)
    assert found["a4"] == "kept as they were"  # not worked out again
    assert found["a5"] == forms.forms_for_index(article_text(articles[5])) and set(found) == {a.id for a in articles}
