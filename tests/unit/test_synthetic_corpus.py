"""The benchmark's synthetic corpus: deterministic, the size asked for, and shaped like news (events
told by several outlets, singletons, reprints) that the archive's own ingest and linking read."""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from datetime import datetime

import pytest

from generator.ingest import ingest_seeds
from generator.ingest.ids import article_id_from_key
from generator.link import link_articles

from .helpers import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
import synthetic_corpus  # noqa: E402

VOCABULARY = synthetic_corpus.Vocabulary()
ARABIC_WORD = re.compile(r"[\u0621-\u064A]{2,}")


def _records(folder):
    return [json.loads(line) for path in sorted(folder.glob("*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines()]


def _stories(records):
    stories = defaultdict(list)
    for record in records:
        stories[record["synthetic_story"]].append(record)
    return stories


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synthetic") / "seeds"
    synthetic_corpus.write_day_files(synthetic_corpus.generate(400, seed=7, vocabulary=VOCABULARY), folder)
    return folder


def test_same_seed_same_bytes_other_seed_other_text(tmp_path, corpus):
    again = tmp_path / "again"
    synthetic_corpus.write_day_files(synthetic_corpus.generate(400, seed=7, vocabulary=VOCABULARY), again)
    assert [p.name for p in sorted(again.iterdir())] == [p.name for p in sorted(corpus.iterdir())]
    for path in sorted(corpus.iterdir()):
        assert (again / path.name).read_bytes() == path.read_bytes(), path.name
    other = synthetic_corpus.generate(400, seed=8, vocabulary=VOCABULARY)
    assert {r["content"] for r in other}.isdisjoint({r["content"] for r in _records(corpus)})


@pytest.mark.parametrize("articles", [1, 9, 123])
def test_exactly_the_number_of_articles_asked_for(tmp_path, articles):
    files = synthetic_corpus.write_day_files(synthetic_corpus.generate(articles, seed=3, vocabulary=VOCABULARY),
                                             tmp_path)
    records = _records(tmp_path)
    assert len(records) == articles
    assert len({r["url"] for r in records}) == articles
    for path in files:  # each day file holds that day's articles only
        assert {r["date"][:10] for r in _records_of(path)} == {path.stem}


def _records_of(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_records_are_arabic_news_of_realistic_length(corpus):
    records = _records(corpus)
    assert {r["source"] for r in records} <= set(VOCABULARY.outlets)
    lengths = sorted(len(r["content"].split()) for r in records)
    assert 120 <= lengths[len(lengths) // 2] <= 320  # SaudiNewsNet: median about 200 words
    assert lengths[-1] > 600
    assert all(ARABIC_WORD.search(r["title"]) for r in records)
    days = {r["date"][:10] for r in records}
    assert len(days) == synthetic_corpus.default_days(400)


def test_events_are_reported_by_several_outlets_within_three_days_sharing_names_and_numbers(corpus):
    stories = _stories([r for r in _records(corpus) if "reprint_of" not in r])
    events = [reports for reports in stories.values() if len(reports) >= 2]
    singletons = [reports for reports in stories.values() if len(reports) == 1]
    assert len(events) >= 20 and len(singletons) >= 100
    assert any(len(reports) >= 4 for reports in events)
    for reports in events:
        assert len({r["source"] for r in reports}) == len(reports)
        days = [datetime.fromisoformat(r["date"]) for r in reports]
        assert (max(days).date() - min(days).date()).days <= 2
        texts = [r["title"] + " " + r["content"] for r in reports]
        names = VOCABULARY.cities + VOCABULARY.countries + VOCABULARY.teams + VOCABULARY.fields
        shared_places = set.intersection(*({name for name in names if name in t} for t in texts))
        shared_numbers = set.intersection(*(set(re.findall(r"\b\d+\b", t)) for t in texts))
        assert shared_places and shared_numbers, reports[0]["synthetic_story"]
        assert len({r["title"] for r in reports}) > 1 or len(reports) > len(VOCABULARY.events)


def test_reprints_are_near_duplicates_from_another_outlet(corpus):
    records = _records(corpus)
    by_url = {r["url"]: r for r in records}
    reprints = [r for r in records if "reprint_of" in r]
    assert reprints
    for reprint in reprints:
        original = by_url[reprint["reprint_of"]]
        assert reprint["source"] != original["source"]
        assert reprint["title"] == original["title"]
        assert original["content"].startswith(reprint["content"])


def test_the_archive_reads_every_record_and_links_most_events(corpus, registry):
    result = ingest_seeds(corpus, corpus.parent, registry)
    assert len(result.articles) == 400
    assert not result.problems.items, result.problems.sorted()[:3]
    assert all(a.source and a.date for a in result.articles)
    linked = link_articles(result.articles).events
    story_of = {}
    for record in _records(corpus):
        if "reprint_of" not in record:
            story_of[article_id_from_key(record["url"])] = record["synthetic_story"]
    events_of_story = defaultdict(list)
    for article in result.articles:
        if article.id in story_of:
            events_of_story[story_of[article.id]].append(linked[article.id])
    multi = [events for events in events_of_story.values() if len(events) >= 2]
    together = [events for events in multi if max(events.count(e) for e in events) >= 2]
    assert len(together) >= 0.6 * len(multi), f"{len(together)} of {len(multi)} synthetic events linked"
