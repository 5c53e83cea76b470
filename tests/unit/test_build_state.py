"""generator/build_state.py: keyed caches kept in shards, so a few changed entries rewrite a few files."""

from __future__ import annotations

from generator.build_state import SHARDS, BuildState, _shard, state_dir


def _inodes(folder) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in folder.glob("cache.*.pickle")}


def test_only_the_shards_whose_entries_changed_are_written_again(tmp_path):
    state = BuildState(tmp_path / "site")
    entries = {f"seeds/{n}.txt": ("value", n) for n in range(200)}
    state.save_entries("cache", entries, None)
    folder = state_dir(tmp_path / "site")
    before = _inodes(folder)
    assert len(before) == SHARDS

    loaded = state.load_entries("cache")
    assert loaded == entries
    later = dict(loaded)  # the same objects, as a cache hands back what it loaded
    later["seeds/7.txt"] = ("changed", 7)
    del later["seeds/8.txt"]
    later["seeds/new.txt"] = ("new", 0)
    state.save_entries("cache", later, loaded)
    after = _inodes(folder)
    rewritten = {name for name in after if after[name] != before[name]}
    assert rewritten == {f"cache.{_shard(key):02d}.pickle" for key in ("seeds/7.txt", "seeds/8.txt", "seeds/new.txt")}
    assert state.load_entries("cache") == later


def test_a_damaged_shard_loses_only_its_entries(tmp_path):
    state = BuildState(tmp_path / "site")
    entries = {f"content/{n}.md": n for n in range(100)}
    state.save_entries("cache", entries, None)
    (state_dir(tmp_path / "site") / "cache.03.pickle").write_bytes(b"not a pickle")
    loaded = state.load_entries("cache")
    assert loaded == {key: value for key, value in entries.items() if _shard(key) != 3}
    assert BuildState(tmp_path / "elsewhere").load_entries("cache") is None
