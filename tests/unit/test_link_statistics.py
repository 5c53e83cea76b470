"""generator/link_statistics.py: linking's counts are taken once, kept in content/ and used until the
archive has grown or shrunk by a quarter, so a batch of new articles moves no old article's weights."""

from __future__ import annotations

import math
import pickle

import pytest

from generator import link
from generator.article import Article, Problems
from generator.link import link_articles
from generator.link_statistics import (LINK_STATISTICS_FILENAME, LinkStatistics, counted, load_link_statistics,
                                       save_link_statistics)

STORIES = [
    ("افتتاح معرض الكتاب في الرياض", "افتتح أمير منطقة الرياض معرض الكتاب الدولي بمشاركة دور نشر عربية."),
    ("معرض الكتاب يستقبل الزوار", "استقبل معرض الكتاب الدولي في الرياض آلاف الزوار في يومه الأول."),
    ("أمطار غزيرة على جدة", "هطلت أمطار غزيرة على محافظة جدة وأغلقت بعض الطرق."),
    ("الدفاع المدني يحذر من السيول في جدة", "حذر الدفاع المدني سكان محافظة جدة من السيول بعد الأمطار."),
    ("الهلال يفوز على النصر", "فاز فريق الهلال على النصر بهدفين في الدوري السعودي."),
    ("النصر يخسر أمام الهلال", "خسر فريق النصر أمام الهلال بهدفين في مباراة الدوري."),
    ("ارتفاع أسعار النفط", "ارتفعت أسعار النفط في الأسواق العالمية مع تراجع المخزونات."),
    ("النفط يواصل الارتفاع", "واصلت أسعار النفط الارتفاع لليوم الثاني في الأسواق."),
]


def _articles(stories, first_day: int = 1, prefix: str = "a") -> list[Article]:
    return [Article(id=f"{prefix}{n}", title=title, language="ar", date=f"2021-03-{first_day + n // 2:02d}",
                    date_precision="day", body=body) for n, (title, body) in enumerate(stories)]


def _vectors(memo, statistics) -> dict[str, dict[str, float]]:
    names, _ = link._names(memo, statistics)
    return {article_id: view.vector for article_id, view in link._views(memo.analyses, memo, statistics, names).items()}


def test_an_archive_without_counts_is_counted_and_a_small_batch_keeps_them():
    first = link_articles(_articles(STORIES))
    counts = first.statistics
    assert counts.articles == 8
    assert counts.document_frequency["نفط"] == 2 and "افتتاح" not in counts.document_frequency  # one article
    later = _articles(STORIES) + _articles([("الكتاب في الرياض", "زوار معرض الكتاب في الرياض.")], 5, "b")
    again = link_articles(later, statistics=counts)
    assert again.statistics is counts  # 9 articles: within a quarter of 8
    grown = later + _articles(STORIES[:2], 6, "c")
    assert link_articles(grown, statistics=counts).statistics.articles == 11  # more than a quarter: counted again
    assert link_articles(_articles(STORIES[:6]), statistics=counts).statistics.articles == 6  # shrunk by a quarter


def test_kept_counts_weigh_the_terms_they_list_and_present_counts_the_others():
    memo = link_articles(_articles(STORIES)).memo
    kept = LinkStatistics(100, {"نفط": 50}, frozenset())
    oil = _vectors(memo, kept)["a6"]
    # نفط is listed (50 of 100 articles); تراجع is not, so its present count (1 article) holds.
    counts = memo.analyses["a6"].counts
    expected_ratio = (1 + math.log(counts["نفط"])) * math.log(1 + 100 / 50) / (
        (1 + math.log(counts["تراجع"])) * math.log(1 + 100 / 1))
    assert oil["نفط"] / oil["تراجع"] == pytest.approx(expected_ratio)


def test_a_new_article_leaves_the_weights_of_old_ones_as_they_were():
    old = _articles(STORIES)
    first = link_articles(old)
    # Another oil report: with counts taken afresh, نفط would be in 3 articles of 9 and weigh less everywhere.
    later = [a.with_changes(event=first.events[a.id]) for a in old] + _articles(
        [("النفط عند أعلى مستوى", "سجلت أسعار النفط أعلى مستوى في الأسواق.")], 5, "b")
    again = link_articles(later, memo=pickle.loads(pickle.dumps(first.memo)), statistics=first.statistics)
    weights, weights_now = _vectors(first.memo, first.statistics), _vectors(again.memo, again.statistics)
    assert all(weights_now[a.id] == weights[a.id] for a in old)
    assert _vectors(again.memo, counted(9, again.memo.document_frequency, set()))["a6"] != weights["a6"]
    # A rebuild with the kept counts links as a clean build of the same articles and counts does.
    clean = link_articles(later, statistics=first.statistics)
    assert (again.events, again.related) == (clean.events, clean.related)


def test_counts_as_the_file_keeps_them_link_as_the_counts_taken_afresh():
    articles = _articles(STORIES)
    fresh = link_articles(articles)
    kept = pickle.loads(pickle.dumps(fresh.statistics))
    assert link_articles(articles, statistics=kept).events == fresh.events


def test_the_file_is_written_whole_and_read_back(tmp_path):
    problems = Problems()
    counts = counted(30, {"نفط": 4, "رياض": 7, "افتتاح": 1, "خيبر": 1}, {"رياض", "خيبر"})
    assert "افتتاح" not in counts.document_frequency and counts.document_frequency["خيبر"] == 1  # names stay
    save_link_statistics(tmp_path, tmp_path, counts, problems)
    text = (tmp_path / LINK_STATISTICS_FILENAME).read_text(encoding="utf-8")
    assert "articles\t30\n" in text and "رياض\t7\tname\n" in text and "نفط\t4\n" in text
    assert load_link_statistics(tmp_path, tmp_path, problems) == counts
    assert not problems.items
    assert not [p for p in tmp_path.iterdir() if p.name != LINK_STATISTICS_FILENAME]  # no temporary file left


@pytest.mark.parametrize("text, where", [
    ("articles\tmany\nنفط\t4\n", ":1"),
    ("نفط\t4\n", ":1"),
    ("articles\t30\nنفط\tfour\n", ":2"),
    ("articles\t30\nنفط\t4\tperson\n", ":2"),
    ("# only a comment\n", ""),
])
def test_a_damaged_file_is_reported_and_the_archive_counted_again(tmp_path, text, where):
    (tmp_path / LINK_STATISTICS_FILENAME).write_text(text, encoding="utf-8")
    problems = Problems()
    assert load_link_statistics(tmp_path, tmp_path, problems) is None
    [problem] = problems.items
    assert problem.path == LINK_STATISTICS_FILENAME + where and "counted again" in problem.message


def test_a_file_that_cannot_be_written_is_reported(tmp_path):
    blocked = tmp_path / "content"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    problems = Problems()
    save_link_statistics(blocked, tmp_path, counted(3, {"نفط": 2}, set()), problems)
    [problem] = problems.items
    assert problem.path == f"content/{LINK_STATISTICS_FILENAME}" and "cannot be written" in problem.message


def test_a_rebuild_keeps_the_events_no_new_report_touches_and_links_as_a_clean_build():
    first = link_articles(_articles(STORIES))
    old = [a.with_changes(event=first.events[a.id]) for a in _articles(STORIES)]
    # The fair closes four days later: another event, related to the opening's; its words raise
    # the present counts of terms the kept counts do not list (the fair's own), so the opening's
    # event is gathered again; the others are the memo's own.
    closing = _articles([("معرض الكتاب في الرياض يختتم أيامه",
                          "اختتم معرض الكتاب الدولي في الرياض أيامه بعد استقبال آلاف الزوار ودور النشر.")], 8, "b")
    again = link_articles(old + closing, memo=first.memo, statistics=first.statistics)
    clean = link_articles(old + closing, statistics=first.statistics)
    assert (again.events, again.related) == (clean.events, clean.related)
    assert again.events["b0"] == "ev-b0" and again.related["ev-b0"] == ("ev-a0",)
    assert [e for e in again.memo.events if again.memo.events[e] is not first.memo.events.get(e)] == ["ev-a0", "ev-b0"]


def test_a_report_joining_a_kept_event_leaves_the_previous_memo_as_it_was():
    first = link_articles(_articles(STORIES))
    old = [a.with_changes(event=first.events[a.id]) for a in _articles(STORIES)]
    oil = _articles([("أسعار النفط", "أسعار النفط في الأسواق.")], 4, "b")  # terms the kept counts list only
    again = link_articles(old + oil, memo=first.memo, statistics=first.statistics)
    assert again.events["b0"] == "ev-a6"
    assert again.memo.events["ev-a6"].members == ["a6", "a7", "b0"]
    assert first.memo.events["ev-a6"].members == ["a6", "a7"]  # copied before it changed
    assert [e for e in again.memo.events if again.memo.events[e] is not first.memo.events[e]] == ["ev-a6"]
    assert (again.events, again.related) == (lambda c: (c.events, c.related))(
        link_articles(old + oil, statistics=first.statistics))


def test_an_outlet_corrected_on_a_kept_report_is_seen_by_the_next_report():
    """The event of a report whose outlet changed is gathered again: a second report from the
    same outlet is judged by the outlets the event has now (found by a randomised comparison)."""
    old = _articles(STORIES)
    old[4] = old[4].with_changes(source="s2")
    first = link_articles(old)
    kept = [a.with_changes(event=first.events[a.id]) for a in old]
    kept[4] = kept[4].with_changes(source="s1")
    later = kept + [_articles([("ارتفاع الهلال", "الطرق. في الأسواق")], 2, "b")[0].with_changes(source="s2")]
    again = link_articles(later, memo=pickle.loads(pickle.dumps(first.memo)), statistics=first.statistics)
    clean = link_articles(later, statistics=first.statistics)
    assert again.memo.events["ev-a4"].sources == {"s1", "s2"}
    assert (again.events, again.related) == (clean.events, clean.related)


def test_a_report_founding_the_event_its_id_names_joins_the_reports_that_hold_it():
    """a0 founded ev-a0, was pinned elsewhere (a1 kept ev-a0), then lost its pin: it joins ev-a0
    again rather than replacing it, and the event's relations are worked out again."""
    stories = STORIES + [("معرض الكتاب في الرياض يختتم أيامه",
                          "اختتم معرض الكتاب الدولي في الرياض أيامه بعد استقبال آلاف الزوار ودور النشر.")]
    first = link_articles(_articles(stories))
    kept = [a.with_changes(event=first.events[a.id]) for a in _articles(stories)]
    kept[0] = kept[0].with_changes(event="ev-opening")
    second = link_articles(kept, memo=pickle.loads(pickle.dumps(first.memo)), statistics=first.statistics)
    assert second.events["a1"] == "ev-a0"
    later = [a.with_changes(event=second.events[a.id]) for a in kept]
    later[0] = later[0].with_changes(event=None, date="2021-03-30")
    again = link_articles(later, memo=pickle.loads(pickle.dumps(second.memo)), statistics=second.statistics)
    clean = link_articles(later, statistics=second.statistics)
    assert again.events["a1"] == clean.events["a1"] == "ev-a0" and again.events["a0"] == "ev-a0"
    assert (again.events, again.related) == (clean.events, clean.related)
