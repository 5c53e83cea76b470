"""Results computed from input files, reused while a file is unchanged.

A file counts as unchanged when its size, modification time, change time and inode are those
recorded (as git's index and make trust them; the change time cannot be set back by hand), or,
when they are not, when its bytes hash to the recorded digest. A file changed within a moment of
being recorded may change again within the clock's resolution without its times showing it, so
such an entry is checked by its bytes next time ("racily clean" in git's terms).
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Generic, TypeVar

T = TypeVar("T")
_RACY_SECONDS = 2.0


def bytes_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(frozen=True)
class _Entry(Generic[T]):
    key: object                                   # what else the result depends on
    stat: tuple[int, int, int, int] | None        # size, mtime_ns, ctime_ns, inode; None: check bytes
    digest: str
    value: T


def file_status(path: str | Path) -> tuple[int, int, int, int]:
    """What an entry records of a file's status (for put)."""
    status = os.stat(path)
    return status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino


def _racy(stat: tuple[int, int, int, int], now_ns: int) -> bool:
    """Whether the file changed within a moment of `now_ns`: it may change again within the
    clock's resolution without its status showing it."""
    return now_ns - max(stat[1], stat[2]) < _RACY_SECONDS * 1e9


def _stat_key(path: str | Path) -> tuple[tuple[int, int, int, int], bool]:
    stat = file_status(path)
    return stat, _racy(stat, time.time_ns())


class FileCache(Generic[T]):
    """`previous` is what `entries()` returned after the last build (or None)."""

    def __init__(self, previous: dict[str, _Entry[T]] | None = None):
        self._previous = previous if isinstance(previous, dict) else {}
        self._entries: dict[str, _Entry[T]] = {}
        self.hits = 0

    def get(self, path: str | Path, name: str, key: object, compute: Callable[[bytes], T]) -> T:
        """compute(bytes of `path`), or the value recorded for `name` when the file and `key` are
        unchanged. OSError from reading the file propagates."""
        stat, racy = _stat_key(path)
        old = self._previous.get(name)
        if old is not None and old.key == key and old.stat is not None and old.stat == stat:
            self._entries[name] = old
            self.hits += 1
            return old.value
        with open(path, "rb") as stream:
            data = stream.read()
        digest = bytes_digest(data)
        if old is not None and old.key == key and old.digest == digest:
            value = old.value
            self.hits += 1
        else:
            value = compute(data)
        self._entries[name] = _Entry(key, None if racy else stat, digest, value)
        return value

    def put(self, name: str, key: object, digest: str, value: T,
            stat: tuple[int, int, int, int] | None = None) -> None:
        """Record `value` for a file this build has just written, whose bytes have `digest`: what
        computing it from them would give, so the next build does not compute it (the first rebuild
        after a full build parsed 31k article files again: 4.7 s). `stat` is the file's status
        (file_status) taken as soon as it was written: unless the entries are taken within a moment
        of it (then it is racily clean, see entries()), the next build trusts it as it trusts a
        file it read, instead of reading the bytes of every file the last build wrote (31k after a
        full build: 0.5 s and more before the linking can start). Without it, the file is checked
        by its bytes next time."""
        self._entries[name] = _Entry(key, stat, digest, value)

    def value(self, name: str) -> T | None:
        """The value recorded for `name` in this build (None when it was not looked up or put)."""
        entry = self._entries.get(name)
        return entry.value if entry else None

    def renew(self, name: str, value: T) -> None:
        """Record `value` for `name` in place of the value this build looked up: one equal to it."""
        entry = self._entries[name]
        self._entries[name] = _Entry(entry.key, entry.stat, entry.digest, value)

    def is_unchanged(self, path: str | Path, name: str, key: object) -> bool:
        """Whether get() would return the recorded value without computing (by the file's
        status alone; a file whose status changed counts as changed, even if its bytes did not)."""
        old = self._previous.get(name)
        try:
            return old is not None and old.key == key and old.stat is not None and old.stat == _stat_key(path)[0]
        except OSError:
            return False

    def digest(self, name: str) -> str | None:
        """The digest of the bytes `name` had when it was last looked up in this build."""
        entry = self._entries.get(name)
        return entry.digest if entry else None

    def entries(self) -> dict[str, _Entry[T]]:
        """This build's entries, to pass as `previous` next time (files not looked up are dropped).
        An entry whose file changed within a moment of now is to be checked by its bytes: the file
        may change again within the clock's resolution without its status showing it."""
        now = time.time_ns()
        return {name: entry if entry.stat is None or not _racy(entry.stat, now) else
                _Entry(entry.key, None, entry.digest, entry.value) for name, entry in self._entries.items()}
