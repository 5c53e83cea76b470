"""generator.link.assign_events: coverage of one event is grouped, unrelated stories are not."""

from __future__ import annotations

import random
import shutil

import pytest

from generator.article import Article
from generator.ingest import ingest_seeds
from generator.link import assign_events, event_id_for

from .helpers import FIXTURES_DIR, seed_path

FOOTBALL_FIXTURE = FIXTURES_DIR / "ahly_zamalek_football.txt"

SAUDI_ECONOMY = Article(
    id="saudi-economy-1",
    title="السعودية تسجل عجزا في الميزانية بعد تراجع أسعار النفط",
    language="ar",
    date="2021-01-21",
    date_precision="day",
    body=(
        "أعلنت وزارة المالية السعودية أن ميزانية المملكة سجلت عجزا بلغ 298 مليار ريال في عام 2020، "
        "متأثرة بتراجع أسعار النفط وتداعيات جائحة كورونا على الاقتصاد العالمي.\n\n"
        "وقال وزير المالية محمد الجدعان إن الإيرادات غير النفطية ارتفعت بفضل مضاعفة ضريبة القيمة "
        "المضافة إلى 15 في المئة، بينما تراجعت الإيرادات النفطية بنحو الثلث مقارنة بالعام السابق.\n\n"
        "وتتوقع الحكومة أن ينخفض العجز في 2021 إلى 141 مليار ريال مع خفض الإنفاق العام وتعافي الطلب "
        "على الخام، في حين يراهن صندوق الاستثمارات العامة على مشروعات جديدة في السياحة والترفيه.\n"
    ),
)


@pytest.fixture(scope="module")
def ingested(registry, tmp_path_factory):
    """Both demo seeds plus the unrelated football report, read through the real ingest stage."""
    root = tmp_path_factory.mktemp("project")
    seeds = root / "seeds"
    seeds.mkdir()
    for prefix in ("000_", "002_"):
        shutil.copy(seed_path(prefix), seeds)
    shutil.copy(FOOTBALL_FIXTURE, seeds)
    result = ingest_seeds(seeds, root, registry)
    assert not [p for p in result.problems.items if p.severity == "error"]
    by_seed = {article.seed.split("/")[-1][:4]: article for article in result.articles}
    return by_seed


@pytest.fixture()
def seed_000(ingested) -> Article:
    return ingested["000_"]


@pytest.fixture()
def seed_002(ingested) -> Article:
    return ingested["002_"]


@pytest.fixture()
def football(ingested) -> Article:
    return ingested["ahly"]


def test_football_fixture_is_a_realistic_unrelated_article(football):
    assert football.language == "ar"
    assert football.date == "2021-01-23T21:15:00+00:00"  # within days of the Baghdad coverage
    assert 100 <= len(football.body.split()) <= 200


def test_both_seeds_share_one_event(seed_000, seed_002):
    events = assign_events([seed_000, seed_002])
    assert set(events) == {seed_000.id, seed_002.id}
    assert events[seed_000.id] == events[seed_002.id]


def test_event_is_named_after_its_earliest_dated_article(seed_000, seed_002):
    # seed 002 is dated, seed 000 is not: dated articles are placed first and found the event.
    events = assign_events([seed_000, seed_002])
    assert events[seed_000.id] == event_id_for(seed_002) == f"ev-{seed_002.id}"


def test_unrelated_football_report_gets_its_own_event(seed_000, seed_002, football):
    events = assign_events([seed_000, seed_002, football])
    assert events[seed_000.id] == events[seed_002.id]
    assert events[football.id] != events[seed_002.id]
    assert events[football.id] == event_id_for(football)


def test_unrelated_saudi_economy_story_gets_its_own_event(seed_000, seed_002):
    events = assign_events([seed_000, seed_002, SAUDI_ECONOMY])
    assert events[SAUDI_ECONOMY.id] not in {events[seed_000.id], events[seed_002.id]}
    assert len(set(events.values())) == 2


def test_every_article_gets_exactly_one_event(seed_000, seed_002, football):
    articles = [seed_000, seed_002, football, SAUDI_ECONOMY]
    events = assign_events(articles)
    assert sorted(events) == sorted(a.id for a in articles)
    assert all(event_id.startswith("ev-") for event_id in events.values())


def test_article_with_an_event_keeps_it(seed_000, seed_002, football):
    pinned = football.with_changes(event="ev-pinned-by-hand")
    events = assign_events([seed_000, seed_002, pinned])
    assert events[pinned.id] == "ev-pinned-by-hand"
    assert events[seed_000.id] == events[seed_002.id] != "ev-pinned-by-hand"


def test_existing_event_attracts_new_coverage_of_the_same_story(seed_000, seed_002):
    earlier = seed_002.with_changes(event="ev-baghdad-bombing")
    events = assign_events([seed_000, earlier])
    assert events == {seed_000.id: "ev-baghdad-bombing", seed_002.id: "ev-baghdad-bombing"}


def test_two_articles_pinned_to_different_events_stay_apart(seed_000, seed_002):
    events = assign_events([seed_000.with_changes(event="ev-a"), seed_002.with_changes(event="ev-b")])
    assert events == {seed_000.id: "ev-a", seed_002.id: "ev-b"}


def test_same_story_far_apart_in_time_is_not_linked(seed_000, seed_002):
    a_year_later = seed_000.with_changes(id="later-copy", date="2022-01-22", date_precision="day")
    events = assign_events([seed_002, a_year_later])
    assert events[seed_002.id] != events[a_year_later.id]


@pytest.mark.parametrize("seed", range(8))
def test_result_does_not_depend_on_input_order(seed_000, seed_002, football, seed):
    articles = [seed_000, seed_002, football, SAUDI_ECONOMY]
    expected = assign_events(articles)
    shuffled = articles[:]
    random.Random(seed).shuffle(shuffled)
    assert assign_events(shuffled) == expected


def test_no_articles_no_events():
    assert assign_events([]) == {}


def _bombing_follow_up_and_football() -> list[Article]:
    def article(article_id, title, body, date):
        return Article(id=article_id, title=title, language="ar", body=body, date=date, date_precision="day")

    bombing = ("فجر انتحاريان نفسيهما في سوق شعبية بساحة الطيران وسط بغداد ما أدى إلى مقتل 32 شخصا "
               "وإصابة أكثر من 110 بجروح وأعلن رئيس الوزراء مصطفى الكاظمي الاستنفار الأمني")
    first = article("b1", "تفجير انتحاري مزدوج في ساحة الطيران ببغداد", bombing, "2021-01-21")
    second = article("b2", "مقتل 32 في تفجيري ساحة الطيران ببغداد", bombing + " وملاحقة المتورطين", "2021-01-21")
    follow_up = article("f1", "الكاظمي يقيل قادة أمنيين بعد تفجير ساحة الطيران في بغداد",
                        "أقال رئيس الوزراء مصطفى الكاظمي قائد عمليات بغداد وعددا من القادة الأمنيين بعد تفجير "
                        "ساحة الطيران الانتحاري الذي أوقع 32 قتيلا في سوق شعبية وسط بغداد", "2021-01-27")
    football = article("s1", "الأهلي يفوز على الزمالك في الدوري المصري",
                       "فاز الأهلي على الزمالك بهدفين مقابل هدف في مباراة الدوري المصري على ستاد القاهرة", "2021-01-23")
    return [first, second, follow_up, football]


def test_a_follow_up_days_later_is_related_coverage_not_the_same_event():
    from generator.link import link_articles

    linking = link_articles(_bombing_follow_up_and_football())
    assert linking.events["b1"] == linking.events["b2"] != linking.events["f1"]
    assert linking.related[linking.events["b1"]] == (linking.events["f1"],)
    assert linking.related[linking.events["f1"]] == (linking.events["b1"],)
    assert linking.events["s1"] not in linking.related


def test_events_come_first_and_their_relations_with_the_second_step_as_link_articles_gives_them(monkeypatch):
    import pickle

    from generator import link
    from generator.link import link_articles, link_events

    articles = _bombing_follow_up_and_football()
    whole = link_articles(articles)
    relating = []
    monkeypatch.setattr(link, "_relations", lambda events, relate=link._relations: relating.append(1) or relate(events))
    events, relate = link_events(articles)
    assert events.events == whole.events and not relating  # a full link relates its events in the second step
    assert events.related == {} and events.memo is None  # nothing to save before the relations
    linking = relate()
    assert relating == [1]
    assert (linking.events, linking.related) == (whole.events, whole.related)
    assert linking.memo.relations == whole.memo.relations != {}

    # A rebuild relates again only the events that changed, in the first step: the second has it.
    # (The counts are kept: 5 articles are within RECOUNT_GROWTH of 4.)
    kept = [a.with_changes(event=whole.events[a.id]) for a in articles]
    later = kept + [kept[0].with_changes(id="b3", title=kept[0].title + " اليوم")]
    events, relate = link_events(later, memo=pickle.loads(pickle.dumps(whole.memo)), statistics=whole.statistics)
    clean = link_articles(later, statistics=whole.statistics)
    assert events.events == clean.events and events.related == {}
    assert relate() is relate()  # worked out in the first step
    assert (relate().related, relate().memo.relations) == (clean.related, clean.memo.relations)


def _inspection(article_id: str, source: str, town: str, kind: str, title: str, hour: int) -> Article:
    """A labour-inspection report: the kind of story filed about many towns in the same week."""
    body = (f"ضبط مكتب العمل في {kind} {town} مخالفات لقرار منع العمل تحت أشعة الشمس في المشاريع "
            f"الإنشائية، خلال جولات تفتيشية نفذها المفتشون في {kind} {town} على مواقع البناء.\n\n"
            f"وأوضح مدير مكتب العمل في {kind} {town} أن المخالفين أحيلوا إلى اللجان المختصة لتطبيق "
            "العقوبات، داعيا أصحاب العمل إلى الالتزام بالقرار حفاظا على صحة العمال وسلامتهم.")
    return Article(id=article_id, title=title, language="ar", body=body, source=source,
                   date=f"2021-08-03T{hour:02d}:00:00+00:00", date_precision="minute")


KHAYBAR = _inspection("khaybar-1", "sabq", "خيبر", "محافظة",
                      "عمل خيبر يضبط مخالفات لقرار منع العمل تحت أشعة الشمس", 9)
KHAYBAR_AGAIN = _inspection("khaybar-2", "okaz", "خيبر", "محافظة",
                            "مخالفات للعمل تحت الشمس في خيبر", 11)
JAWF = _inspection("jawf-1", "alriyadh", "الجوف", "منطقة",
                   "عمل الجوف يضبط مخالفات لقرار منع العمل تحت أشعة الشمس", 10)


def test_the_same_kind_of_story_about_another_place_is_another_event():
    # The two towns' reports share every word but the town's name, which each never mentions.
    events = assign_events([KHAYBAR, KHAYBAR_AGAIN, JAWF])
    assert events["khaybar-1"] == events["khaybar-2"]
    assert events["jawf-1"] != events["khaybar-1"]


def test_a_report_naming_both_places_may_join_either():
    both = _inspection("both-1", "alyaum", "خيبر والجوف", "محافظتي",
                       "مخالفات العمل تحت الشمس في خيبر والجوف", 12)
    events = assign_events([KHAYBAR, KHAYBAR_AGAIN, JAWF, both])
    assert events["both-1"] in {events["khaybar-1"], events["jawf-1"]}


def _english_inspection(article_id: str, source: str, town: str, hour: int) -> Article:
    body = (f"Labour inspectors in {town} recorded violations of the ban on outdoor work in the midday sun "
            f"at building sites across {town}. The director of the labour office in {town} said the "
            "employers were referred to the committees for penalties, and urged firms to protect workers.")
    return Article(id=article_id, title=f"Labour office in {town} records violations of the midday work ban",
                   language="en", body=body, source=source,
                   date=f"2021-08-03T{hour:02d}:00:00+00:00", date_precision="minute")


def test_english_reports_of_the_same_kind_of_story_in_two_towns_stay_apart():
    first, second = _english_inspection("en-khaybar", "sabq", "Khaybar", 9), _english_inspection("en-jawf", "okaz", "Jawf", 10)
    again = _english_inspection("en-khaybar-2", "alyaum", "Khaybar", 11)
    events = assign_events([first, second, again])
    assert events["en-khaybar"] == events["en-khaybar-2"] != events["en-jawf"]


def _event_on(event_id: str, day: int):
    from datetime import datetime

    from generator.link import _Event
    event = _Event(event_id)
    event.add({"x": 1.0}, (datetime(2021, 1, day), datetime(2021, 1, day + 1)))
    return event


def test_dated_articles_look_only_at_events_that_can_still_take_them():
    """Blocking grows with the last few days, not with the archive: an event that ended more
    than the date window before the article at hand is retired from dated lookups."""
    from datetime import datetime

    from generator.link import DATE_WINDOW, _BlockingIndex
    events = {"old": _event_on("old", 1), "recent": _event_on("recent", 9), "pinned-later": _event_on("pinned-later", 20)}
    index = _BlockingIndex(events)
    for event in events.values():
        index.add(event, ["قصف", "بغداد"])
    now = datetime(2021, 1, 10)
    index.advance(now)
    assert index.candidates(["قصف"], (now, now)) == ["pinned-later", "recent"]   # "old" ended Jan 2
    assert index.candidates(["قصف"], None) == ["old", "pinned-later", "recent"]  # undated: every event
    events["recent"].add({"x": 1.0}, (now, now))          # a report of Jan 10 keeps "recent" open
    index.add(events["recent"], ["قصف"])
    index.advance(now + DATE_WINDOW - datetime.resolution)
    assert "recent" in index.candidates(["بغداد"], (now + DATE_WINDOW, now + DATE_WINDOW))
    index.advance(now + DATE_WINDOW + datetime.resolution)
    assert "recent" not in index.candidates(["بغداد"], (now + DATE_WINDOW, now + DATE_WINDOW))
    assert "old" in index.holding({"بغداد"})["بغداد"]       # related events still see every event
    assert index.holding({"قصف", "بغداد", "x"}) == {"قصف": {"old", "recent", "pinned-later"},
                                                   "بغداد": {"old", "recent", "pinned-later"}}
    assert index.holding({"قصف", "بغداد"}) == {key: index.everywhere()[key] for key in ("قصف", "بغداد")}


def test_a_rebuild_analyses_only_what_changed_and_links_as_a_clean_build_does(seed_000, seed_002, football):
    import pickle

    from generator.link import link_articles

    old = Article(id="old-1", title="المدينة تستعد وكرنفال الربيع يقترب", language="ar", date="2021-01-20",
                  date_precision="day", body="وصل وفد رسمي وكرنفال الربيع يستعد لاستقبال الزوار في المدينة.")
    carnival = Article(id="new-1", title="افتتاح كرنفال الربيع", language="ar", date="2021-01-22",
                       date_precision="day", body="افتتح كرنفال الربيع في المدينة بحضور الزوار.")
    english = Article(id="en-1", title="Markets rally in Riyadh", language="en", date="2021-01-19", date_precision="day",
                      body="Shares rose on Tuesday as investors in Riyadh welcomed the budget figures.")
    first = link_articles([seed_000, old, SAUDI_ECONOMY, football, english])
    assert "كرنفال" not in first.memo.lexicon  # وكرنفال is one word for now
    memo = pickle.loads(pickle.dumps(first.memo))  # as kept in the build state
    kept = [a.with_changes(event=first.events[a.id]) for a in (seed_000, old, SAUDI_ECONOMY, football, english)]
    edited = kept[2].with_changes(body=kept[2].body + "\n\nوأضاف الوزير أن العجز سيتراجع.")
    later = [kept[0], kept[1], edited, kept[3], kept[4], seed_002, carnival]  # وكرنفال becomes و + كرنفال

    again = link_articles(later, memo=memo)
    clean = link_articles(later)
    assert (again.events, again.related) == (clean.events, clean.related)
    assert again.memo.analyses == clean.memo.analyses
    # As dicts: Counters compare a missing term equal to a term counted 0, which the sums must not keep.
    assert [dict(c) for c in (again.memo.occurrences, again.memo.as_name, again.memo.document_frequency)] == [
        dict(c) for c in (clean.memo.occurrences, clean.memo.as_name, clean.memo.document_frequency)]
    # The unchanged article whose word may split otherwise now was analysed again; the other was kept.
    assert again.memo.analyses["old-1"] is not memo.analyses["old-1"]
    assert again.memo.analyses["en-1"] is memo.analyses["en-1"]

    # A removed article takes its share out of the sums, and the terms only it had are gone.
    fewer = [a for a in later if a.id != football.id]
    gone = link_articles(fewer, memo=pickle.loads(pickle.dumps(again.memo)))
    clean = link_articles(fewer)
    assert [dict(c) for c in (gone.memo.occurrences, gone.memo.as_name, gone.memo.document_frequency)] == [
        dict(c) for c in (clean.memo.occurrences, clean.memo.as_name, clean.memo.document_frequency)]
    assert len(gone.memo.document_frequency) < len(again.memo.document_frequency)


@pytest.mark.parametrize("damage", ["details", "centroid"])
def test_a_memo_damaged_inside_its_packed_parts_is_dropped_and_the_archive_linked_afresh(damage, seed_000, seed_002,
                                                                                       football):
    """A memo whose pickle loads but whose packed parts (unpacked when first read) are damaged is a
    state that cannot be read: ignored, as one whose file does not load is."""
    import pickle
    from array import array

    from generator.link import link_articles

    # Two outlets' copies of one report: its terms are in two articles, so the kept counts list them,
    # and a third copy later changes no weight (the event is then the memo's own).
    articles = [seed_000, seed_002, SAUDI_ECONOMY, football, seed_002.with_changes(id="copy-0", source="outlet-a")]
    first = link_articles(articles)
    memo = pickle.loads(pickle.dumps(first.memo))  # as kept in the build state
    for analysis in memo.analyses.values():
        if damage == "details":
            analysis.__dict__["_details"] = b"\x80\x05not a pickle"
    for event in memo.events.values():
        if damage == "centroid":
            event.__dict__["_packed_centroid"] = ("two\0terms", array("d", [1.0]).tobytes())  # terms and weights apart
    kept = [a.with_changes(event=first.events[a.id]) for a in articles]
    # Another outlet's copy of a kept report is compared with that report's event, kept in the memo
    # (its centroid unpacked).
    copy = seed_002.with_changes(id="copy-1", source="outlet-b", event=None)
    later = [*kept[:2], kept[2].with_changes(body=kept[2].body + "\n\nوأضاف الوزير أن العجز سيتراجع."), *kept[3:], copy]

    # With the counts kept (as a rebuild has them), the events whose reports are unchanged are the memo's.
    again = link_articles(later, memo=memo, statistics=first.statistics)
    clean = link_articles(later, statistics=first.statistics)
    assert again.events["copy-1"] == first.events[seed_002.id]
    assert (again.events, again.related) == (clean.events, clean.related)
    assert again.memo.analyses == clean.memo.analyses


def test_a_memo_whose_events_profiles_are_damaged_is_dropped_in_the_first_step():
    """A rebuild relates the events that changed to the memo's, whose profiles are unpacked then:
    damage found there is found in link_events, which links afresh, before any event is answered."""
    import pickle
    from array import array

    from generator.link import link_articles, link_events

    articles = _bombing_follow_up_and_football()
    whole = link_articles(articles)
    memo = pickle.loads(pickle.dumps(whole.memo))
    for event in memo.events.values():
        event.__dict__["_profile"] = ("two\0terms", array("d", [1.0]).tobytes())  # terms and weights apart
    kept = [a.with_changes(event=whole.events[a.id]) for a in articles]
    later = kept + [kept[0].with_changes(id="b3", title=kept[0].title + " اليوم")]  # joins the event related to f1's
    events, relate = link_events(later, memo=memo, statistics=whole.statistics)
    clean = link_articles(later, statistics=whole.statistics)
    assert (events.events, relate().related) == (clean.events, clean.related)
    assert relate().memo.analyses["s1"] is not memo.analyses["s1"]  # linked afresh: nothing kept from the memo


def test_every_packed_part_of_a_memo_says_when_it_is_damaged():
    import pickle
    from array import array

    from generator.link import DamagedMemo, _Event

    event = _Event("ev-1")
    event.add({"قصف": 1.0, "بغداد": 0.5}, None)
    assert event.profile
    kept = pickle.loads(pickle.dumps(event))
    assert (kept.centroid, kept.profile) == (event.centroid, event.profile)
    damages = [("قصف\0بغداد", array("d", [1.0]).tobytes()), ("قصف", b"\x00" * 7), (b"not a string", b""), "neither"]
    for packed in damages:
        damaged = pickle.loads(pickle.dumps(event))
        damaged.__dict__["_packed_centroid"] = damaged.__dict__["_profile"] = packed
        with pytest.raises(DamagedMemo):
            damaged.centroid
        with pytest.raises(DamagedMemo):
            damaged.profile


def test_a_report_s_lead_counts_twice_in_its_vector_and_once_in_the_archive_s_sums():
    """The body's first LEAD_TOKENS words tell the event; the rest is background (README: Linking
    quality). A term there weighs more in the report's vector, and counts once in the archive."""
    from generator import link
    from generator.gazetteer import empty_gazetteer

    background = " ".join(["سوق"] * (link.LEAD_TOKENS + 5))
    report = Article(id="quake", title="خبر عاجل", language="ar", date="2021-01-21", date_precision="day",
                     body=f"زلزال {background} بركان")
    memo = link._analyse_archive([report], empty_gazetteer(), None)
    analysis = memo.analyses["quake"]
    terms = link._terms(["زلزال", "بركان"], memo.lexicon)
    lead, later = terms["زلزال"], terms["بركان"]
    assert (analysis.counts[lead], analysis.counts[later]) == (link.LEAD_WEIGHT, 1) and link.LEAD_WEIGHT > 1
    assert analysis.occurrences[lead] == analysis.occurrences[later] == 1 == memo.occurrences[lead]
