"""generator/build_state.py: keyed caches kept as a base and a delta, so that a few changed entries
rewrite a small file, and objects kept in parts that are used only when all are of one save."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field

import pytest

from generator.article import Article
from generator.build_state import DELTA_SHARE, BuildState, state_dir
from generator.link import LinkMemo, link_articles


def _entries(count: int) -> dict[str, str]:
    return {f"k{n}": f"value {n} " * 20 for n in range(count)}


def _inode(folder, name: str) -> int | None:
    path = folder / f"{name}.pickle"
    return path.stat().st_ino if path.exists() else None


def test_a_few_changed_entries_are_written_alone_and_read_back_over_the_base(tmp_path):
    folder = state_dir(tmp_path / "site")
    entries = {f"seeds/{n}.txt": ("value " * 20, n) for n in range(200)}
    BuildState(tmp_path / "site").save_entries("cache", entries)
    base = _inode(folder, "cache.base")
    assert _inode(folder, "cache.delta") is None

    state = BuildState(tmp_path / "site")
    loaded = state.load_entries("cache")
    assert loaded == entries
    later = dict(loaded)  # the same objects, as a cache hands back what it loaded
    later["seeds/7.txt"] = ("changed", 7)
    del later["seeds/8.txt"]
    later["seeds/new.txt"] = ("new", 0)
    state.save_entries("cache", later)
    assert _inode(folder, "cache.base") == base
    assert _inode(folder, "cache.delta") is not None
    assert BuildState(tmp_path / "site").load_entries("cache") == later

    # The next build's delta holds every change since the base, the earlier ones too.
    state = BuildState(tmp_path / "site")
    again = state.load_entries("cache")
    again["seeds/9.txt"] = ("changed", 9)
    state.save_entries("cache", again)
    assert _inode(folder, "cache.base") == base
    assert BuildState(tmp_path / "site").load_entries("cache") == {**later, "seeds/9.txt": ("changed", 9)}


def test_a_delta_past_its_share_is_folded_into_a_new_base(tmp_path):
    folder = state_dir(tmp_path / "site")
    entries = _entries(100)
    BuildState(tmp_path / "site").save_entries("cache", entries)
    base = _inode(folder, "cache.base")
    state = BuildState(tmp_path / "site")
    loaded = state.load_entries("cache")
    changed = int(DELTA_SHARE * 100) + 1  # entries of one size: a larger share of the bytes
    later = {**loaded, **{f"k{n}": f"changed {n} " * 20 for n in range(changed)}}
    state.save_entries("cache", later)
    assert _inode(folder, "cache.base") != base
    assert _inode(folder, "cache.delta") is None
    assert BuildState(tmp_path / "site").load_entries("cache") == later


def test_many_small_new_entries_beside_a_few_large_ones_are_a_delta(tmp_path):
    # A seed cache: a few day files of many articles each, then a small file per batch of new ones.
    folder = state_dir(tmp_path / "site")
    BuildState(tmp_path / "site").save_entries("cache", {f"day{n}.json": "article " * 50_000 for n in range(4)})
    base = _inode(folder, "cache.base")
    state = BuildState(tmp_path / "site")
    later = {**state.load_entries("cache"), **{f"added{n}.json": "article " * 100 for n in range(10)}}
    state.save_entries("cache", later)
    assert _inode(folder, "cache.base") == base and _inode(folder, "cache.delta") is not None
    assert BuildState(tmp_path / "site").load_entries("cache") == later


def test_a_delta_is_read_only_over_the_base_it_was_made_against(tmp_path):
    folder = state_dir(tmp_path / "site")
    BuildState(tmp_path / "site").save_entries("cache", _entries(100))
    state = BuildState(tmp_path / "site")
    loaded = state.load_entries("cache")
    state.save_entries("cache", {**loaded, "k1": "from the delta"})
    shutil.copy(folder / "cache.delta.pickle", tmp_path / "kept-delta")
    # Another build writes a new base (it read none); the old delta is put back as if its removal had failed.
    BuildState(tmp_path / "site").save_entries("cache", {"k1": "new base"})
    shutil.copy(tmp_path / "kept-delta", folder / "cache.delta.pickle")
    assert BuildState(tmp_path / "site").load_entries("cache") == {"k1": "new base"}


def test_damaged_files(tmp_path):
    folder = state_dir(tmp_path / "site")
    BuildState(tmp_path / "site").save_entries("cache", _entries(100))
    state = BuildState(tmp_path / "site")
    state.save_entries("cache", {**state.load_entries("cache"), "k1": "changed"})
    assert (folder / "cache.delta.pickle").exists()
    (folder / "cache.delta.pickle").write_bytes(b"not a pickle")
    state = BuildState(tmp_path / "site")
    assert state.load_entries("cache") == _entries(100)  # the base alone,
    assert state.stamps["cache"].endswith(":")                              # and its stamp says so
    (folder / "cache.base.pickle").write_bytes(b"not a pickle")
    assert BuildState(tmp_path / "site").load_entries("cache") is None
    assert BuildState(tmp_path / "elsewhere").load_entries("cache") is None


@dataclass
class _Kept:
    entries: dict = field(default_factory=dict)
    total: int = 0


def test_parts_are_used_only_when_all_are_of_one_save(tmp_path):
    folder = state_dir(tmp_path / "site")
    BuildState(tmp_path / "site").save_parts("kept", _Kept(_entries(100), 4950), ("entries",))
    state = BuildState(tmp_path / "site")
    first = state.load_parts("kept", ("entries",))
    assert first == _Kept(_entries(100), 4950)
    shutil.copy(folder / "kept.pickle", tmp_path / "first-whole")
    state.save_parts("kept", _Kept({**first.entries, "k100": 100}, 5050), ("entries",))
    assert (folder / "kept.entries.delta.pickle").exists()
    assert BuildState(tmp_path / "site").load_parts("kept", ("entries",)) == \
        _Kept({**first.entries, "k100": 100}, 5050)
    # A build killed after saving the entries and before the rest: its total would not be theirs.
    shutil.copy(tmp_path / "first-whole", folder / "kept.pickle")
    assert BuildState(tmp_path / "site").load_parts("kept", ("entries",)) is None


def test_a_link_memo_kept_in_parts_comes_back_whole_with_one_set_of_symbols(tmp_path):
    articles = [Article(id=f"a{n}", title=f"عنوان الخبر رقم {n}", body="نص الخبر عن الرياض والمطر " * (n + 1),
                        language="ar", date=f"2021-01-0{n + 1}", date_precision="day", source="bbc") for n in range(3)]
    memo = link_articles(articles).memo
    BuildState(tmp_path / "site").save_parts("link", memo, LinkMemo.ENTRIES)
    loaded = BuildState(tmp_path / "site").load_parts("link", LinkMemo.ENTRIES)
    assert loaded.analyses == memo.analyses
    assert loaded.events.keys() == memo.events.keys()
    assert all(analysis.symbols is loaded.symbols for analysis in loaded.analyses.values())
    assert link_articles(articles, memo=loaded).events == link_articles(articles).events


def test_a_link_memos_vectors_and_details_come_back_packed_and_unpack_as_they_were(tmp_path):
    """Events' centroids and profiles, and analyses' details (title counts, name evidence, numbers,
    anchors), are kept packed and unpacked when first read: the same values in the same order (the
    sums over a centroid follow it), also when saved again still packed or after being read."""
    articles = [Article(id=f"a{n}", title=f"أمطار الرياض {n} والقصيم", body=f"هطلت الأمطار على الرياض في اليوم {n}. " * (n + 2),
                        language="ar", date=f"2021-01-0{n + 1}", date_precision="day", source=f"s{n}") for n in range(4)]
    memo = link_articles(articles).memo
    assert any(len(event.centroid) > 3 for event in memo.events.values())
    for event in memo.events.values():
        event.profile  # noqa: B018 - worked out, so kept with the event
    state = BuildState(tmp_path / "site")
    for round_trip in range(3):
        state.save_parts("link", memo if round_trip == 0 else loaded, LinkMemo.ENTRIES)
        loaded = BuildState(tmp_path / "site").load_parts("link", LinkMemo.ENTRIES)
        for event_id, event in memo.events.items():
            again = loaded.events[event_id]
            assert "centroid" not in again.__dict__ and type(again._profile) is tuple  # packed until read
            if round_trip == 1:
                continue  # saved again still packed (read in the next round)
            assert list(again.centroid.items()) == list(event.centroid.items())
            assert list(again.profile.items()) == list(event.profile.items()) and again.norm == event.norm
        for article_id, analysis in memo.analyses.items():
            again = loaded.analyses[article_id]
            assert "title_counts" not in again.__dict__
            assert again == analysis and again.anchors == analysis.anchors and again.as_name == analysis.as_name
    assert link_articles(articles, memo=loaded).events == link_articles(articles).events
    with pytest.raises(AttributeError):
        loaded.events["ev-a0" if "ev-a0" in loaded.events else next(iter(loaded.events))].not_a_field  # noqa: B018


def test_a_shard_of_an_earlier_version_that_cannot_be_removed_does_not_stop_the_save(tmp_path):
    folder = state_dir(tmp_path / "site")
    (folder / "cache.03.pickle").mkdir(parents=True)  # not a file: unlink fails
    (folder / "cache.04.pickle").write_bytes(b"an old shard")
    BuildState(tmp_path / "site").save_entries("cache", _entries(10))
    assert not (folder / "cache.04.pickle").exists()
    assert BuildState(tmp_path / "site").load_entries("cache") == _entries(10)


def test_a_memo_made_over_another_memos_analyses_leaves_their_symbols_alone():
    articles = [Article(id="a1", title="عنوان الخبر", body="نص الخبر عن الرياض", language="ar")]
    memo = link_articles(articles).memo
    LinkMemo(analyses=memo.analyses)  # a new, empty table of symbols
    assert all(analysis.symbols is memo.symbols for analysis in memo.analyses.values())


def _article(number: int, body: str) -> Article:
    return Article(id=f"a{number}", title=f"عنوان {number}", language="ar", body=body, date="2015-08-01")


def test_articles_kept_with_their_texts_apart_read_their_bodies_when_asked_each_kept_once(tmp_path, monkeypatch):
    import pickle

    import generator.build_state as build_state

    monkeypatch.setattr(build_state, "DELTA_SHARE", 1.0)  # (a small record: any change would be a new base)

    folder = state_dir(tmp_path / "site")
    shared = "نص يتكرر في نسختين\n\n" * 50  # a seed's article and its content file's: one string
    seed, stored = _article(1, shared), _article(1, shared).with_changes(event="e1")
    other = _article(2, "نص آخر \ud800 بعلامة منفردة")  # (a lone surrogate, as a damaged file may give)
    entries = {("seeds", "s.json"): ([seed, other], None), ("content", "a1.md"): (stored, True)}
    BuildState(tmp_path / "site").save_entries("caches", entries, texts=True)
    record = (folder / "caches.base.pickle").read_bytes()
    assert record.count(shared.encode()) == 1 and record.count("عنوان 1".encode()) == 2

    state = BuildState(tmp_path / "site")
    loaded = state.load_entries("caches")
    (seed_back, other_back), _ = loaded[("seeds", "s.json")]
    stored_back, _ = loaded[("content", "a1.md")]
    assert seed_back.shares_body(stored_back) and not seed_back.shares_body(other_back)
    assert stored_back.with_changes(event=None) == seed_back
    assert all("body" not in article.__dict__ for article in (seed_back, other_back, stored_back))  # unread
    # An article changed since, and one made again, are kept with the others in a delta.
    changed = {**loaded, ("content", "a2.md"): (other_back.with_changes(title="عنوان جديد"), True)}
    state.save_entries("caches", changed, texts=True)
    assert (folder / "caches.delta.pickle").exists()
    again = BuildState(tmp_path / "site").load_entries("caches")
    assert again[("content", "a2.md")][0].body == other.body and again[("content", "a2.md")][0].title == "عنوان جديد"
    # Read once asked for (the record replaced since: the file read is the one loaded), and sent
    # to another process with it.
    BuildState(tmp_path / "site").save_entries("caches", {}, texts=True)
    assert (seed_back.body, other_back.body, stored_back.body) == (shared, other.body, shared)
    assert seed_back == seed and stored_back == stored and other_back == other
    copied = pickle.loads(pickle.dumps(_article(3, "x").with_changes(body="y")))
    assert copied.body == "y"
    sent = pickle.loads(pickle.dumps(again[("seeds", "s.json")][0][1]))
    assert sent.body == other.body and "_stored_body" not in sent.__dict__


def test_a_texts_record_cut_short_or_misread_is_ignored_and_a_failed_save_only_costs_the_cache(tmp_path, monkeypatch):
    import tempfile

    folder = state_dir(tmp_path / "site")
    shared = "نص مشترك " * 40
    entries = {"s.json": [_article(1, shared), _article(2, "نص ثان " * 30)], "a1.md": _article(1, shared)}
    BuildState(tmp_path / "site").save_entries("caches", entries, texts=True)
    record = folder / "caches.base.pickle"
    whole = record.read_bytes()
    # One body read, the record saved again: the two articles still share the place it was kept in.
    loaded = BuildState(tmp_path / "site").load_entries("caches")
    assert loaded["s.json"][0].body == shared
    BuildState(tmp_path / "site").save_entries("caches", loaded, texts=True)
    again = BuildState(tmp_path / "site").load_entries("caches")
    assert again["s.json"][0].shares_body(again["a1.md"]) and record.read_bytes().count(shared.encode()) == 1
    # Cut short, or with a length changed: not read at all, rather than bodies failing or wrong later.
    record.write_bytes(whole[:-500])
    assert BuildState(tmp_path / "site").load_entries("caches") is None
    mark = len(b"archive-state-texts\0")
    length = int.from_bytes(whole[mark:mark + 8], "little")
    record.write_bytes(whole[:mark] + (length + 3).to_bytes(8, "little") + whole[mark + 8:])
    assert BuildState(tmp_path / "site").load_entries("caches") is None
    record.write_bytes(whole)
    assert BuildState(tmp_path / "site").load_entries("caches") == entries

    def no_room(*arguments, **options):
        raise OSError(28, "No space left on device")

    state = BuildState(tmp_path / "site")
    kept = state.load_entries("caches")
    monkeypatch.setattr(tempfile, "TemporaryFile", no_room)
    assert state.save_entries("caches", {**kept, "a2.md": _article(2, "جديد")}, texts=True) is None
    assert not list(folder.glob("caches.*"))  # (what no longer matches is not left behind)
