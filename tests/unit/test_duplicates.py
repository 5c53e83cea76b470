"""Near-duplicate reports inside an event."""

from __future__ import annotations

from generator.article import Article
from generator.duplicates import near_duplicate_groups, near_duplicate_ids

BODY = ("أكد رئيس الوزراء العراقي مصطفى الكاظمي أن الأمن ليس مجرد كلمة نتحدث بها في الإعلام بل مسؤولية "
        "وأن حياة الناس ليست مجاملة وأن من لا يرتقي إلى مستوى المسؤولية عليه أن يتنحى من موقعه")


def _article(article_id: str, body: str) -> Article:
    return Article(id=article_id, title=article_id, language="ar", body=body)


def test_lightly_edited_wire_copy_is_a_near_duplicate_of_the_original():
    original = _article("a", BODY)
    copy = _article("b", BODY.replace("في الإعلام", "في وسائل الإعلام") + " وفق ما نقلت الوكالة")
    other = _article("c", "شهدت العاصمة بغداد أمس تفجيرا انتحاريا مزدوجا في ساحة الطيران أوقع عشرات القتلى والجرحى")
    assert near_duplicate_groups([original, copy, other]) == [[original, copy]]


def test_reports_in_their_own_words_are_not_duplicates():
    original = _article("a", BODY)
    rewritten = _article("b", "قال الكاظمي إن حماية المواطنين مسؤولية وإن على المقصرين أن يتركوا مناصبهم بعد التفجير")
    assert near_duplicate_groups([original, rewritten]) == []


def test_copies_of_copies_join_the_original_without_chaining():
    a = _article("a", BODY)
    b = _article("b", BODY + " نص إضافي قصير")
    c = _article("c", BODY + " نص إضافي آخر")
    assert near_duplicate_groups([a, b, c]) == [[a, b, c]]


def test_groups_are_kept_by_timeline_and_worked_out_again_when_a_body_changes():
    original = _article("a", BODY)
    copy = _article("b", BODY + " وفق ما نقلت الوكالة")
    found: dict = {}
    assert near_duplicate_ids([original, copy], {}, found) == (("a", "b"),)
    remembered = {key: (("a", "x"),) for key in found}  # what a previous build would have kept
    assert near_duplicate_ids([original, copy], remembered, {}) == (("a", "x"),)  # taken, not worked out
    rewritten = _article("b", "قال الكاظمي إن حماية المواطنين مسؤولية وإن على المقصرين أن يتركوا مناصبهم")
    assert near_duplicate_ids([original, rewritten], remembered, {}) == ()


def test_an_article_shows_its_reports_copies_and_the_other_reports_as_other_coverage():
    from generator.model import build_archive
    from generator.sources import SourceRegistry

    day = "2021-01-22"
    original, first, second = (Article(id=i, title=i, language="ar", body=body, date=day, event="ev")
                               for i, body in (("a", BODY), ("b", BODY + " وفق ما نقلت الوكالة"),
                                               ("c", BODY + " نقلا عن الوكالة")))
    other = Article(id="d", title="d", language="ar", date=day, event="ev",
                    body="شهدت العاصمة بغداد أمس تفجيرا انتحاريا مزدوجا في ساحة الطيران أوقع عشرات القتلى والجرحى")
    alone = Article(id="e", title="e", language="ar", body="نص", date=day)
    archive = build_archive([original, first, second, other, alone], SourceRegistry({}))
    by_id = archive.by_id
    assert [a.id for a in archive.same_report(by_id["a"])] == ["b", "c"]
    assert [a.id for a in archive.same_report(by_id["c"])] == ["a", "b"]
    assert archive.same_report(by_id["d"]) == [] and archive.same_report(by_id["e"]) == []
    assert [a.id for a in archive.other_coverage(by_id["b"])] == ["d"]
    assert [a.id for a in archive.other_coverage(by_id["d"])] == ["a"]  # the report once, as its original
    assert archive.same_report(by_id["a"]) is not archive.same_report(by_id["a"])  # each caller's own list
