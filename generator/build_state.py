"""The build state: what the last build produced, and caches of stage results, kept beside the
output folder (`site.state/` for `site/`) so that a rebuild costs what changed, not what exists.

Every cached result is keyed by the digest of its inputs, and the whole state by the digest of
the generator's own code and libraries, so a stale state can cost time but never change a
result. A state that cannot be read (another version, a damaged file) is ignored; one that
cannot be written only makes the next build slower.

The record of the site itself names the output folder it describes (device, inode and the digest
of one of its files): site/ is pointed at the staging folder, which keeps its inode, so a build
killed between recording and publishing cannot make the next one trust a site it did not write.
The record of the spare version (the one site/ pointed at before) is kept the same way, and
discarded before a build starts changing that folder.

Large collections of per-article entries are kept as a base and a delta (save_entries): a rebuild
writes the few entries it changed, and an object kept in parts (save_parts) is used only when
every part is of the same save.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import io
import os
import pickle
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import BinaryIO, Callable

from generator import collector
from generator.article import _STORED_BODY, Article

STATE_SUFFIX = ".state"
_FORMAT = 1
_LIBRARIES = ("Jinja2", "markdown-it-py", "pyarabic", "pagefind", "PyYAML", "hijridate", "PyStemmer",
              "arabic-stopwords")
_WITNESS = "index.html"  # a file every site has; its digest ties the record to one site folder
DELTA_SHARE = 0.05  # a delta past this share of its base's bytes is folded into a new base
_MISSING = object()


@lru_cache(maxsize=1)
def code_version() -> str:
    """The generator's source and the versions of the libraries it renders with."""
    hasher = hashlib.blake2b(digest_size=16)
    package = Path(__file__).resolve().parent
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.c")]):
        hasher.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    hasher.update(sys.version.encode())
    for name in _LIBRARIES:
        try:
            hasher.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            hasher.update(f"{name}=none".encode())
    return hasher.hexdigest()


class _TooLarge(Exception):
    pass


class _Bounded(io.BytesIO):
    """A buffer that refuses to grow past `limit` bytes."""

    def __init__(self, limit: float):
        super().__init__()
        self.limit = limit

    def write(self, data) -> int:
        if self.tell() + len(data) > self.limit:
            raise _TooLarge
        return super().write(data)


def _pickled_within(value: object, limit: float, texts: Path | None = None) -> bytes | None:
    """`value` pickled as BuildState.save pickles it, or None as soon as it passes `limit` bytes
    (so a delta too large to keep costs no more than its share to find out), or when it cannot be
    made (its bodies kept apart in a temporary file in the folder `texts`)."""
    buffer = _Bounded(limit)
    try:
        with collector.paused():
            if texts is not None:
                _dump_with_texts(value, buffer, texts)
            else:
                pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(_versioned(value))
    except (_TooLarge, OSError):
        return None
    return buffer.getvalue()


# -- records whose articles' bodies are read when asked for ----------------------------------------
# The file: _TEXTS_MARK, the lengths of the pickle and of the bodies (8 bytes each), the pickle,
# then the bodies' bytes, each once (the seed cache's article and the content cache's share one).
# An article of the pickle is made with its other fields, and its body is read from the file the
# first time it is asked for (Article.__getattr__), through the descriptor the record was read with,
# kept open meanwhile (the file may be replaced by then). A file whose lengths do not add up to its
# size (cut short, or written by something else) is not read: as any damaged record, it is ignored.
_TEXTS_MARK = b"archive-state-texts\0"
_TEXTS_HEAD = len(_TEXTS_MARK) + 16


class _TextSource:
    """A record's file, open for reading its bodies: closed once no article needs it."""

    def __init__(self, descriptor: int, start: int):
        self._descriptor = descriptor
        self.start = start

    def read(self, offset: int, length: int) -> bytes:
        data = os.pread(self._descriptor, length, self.start + offset)
        if len(data) != length:
            raise OSError(f"a file of the build state was cut short while the build read it ({length} bytes "
                          f"asked at {self.start + offset}, {len(data)} there)")
        return data

    def __del__(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            os.close(self._descriptor)


class StoredText:
    """Where an unread body is: a place in a record's file."""
    __slots__ = ("source", "offset", "length")

    def __init__(self, source: _TextSource, offset: int, length: int):
        self.source, self.offset, self.length = source, offset, length

    def read(self) -> str:
        return self.source.read(self.offset, self.length).decode("utf-8", "surrogatepass")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StoredText) and other.source is self.source and other.offset == self.offset

    def __hash__(self) -> int:
        return hash((id(self.source), self.offset))


def _stored_article(source: _TextSource, state: dict, offset: int, length: int) -> Article:
    article = object.__new__(Article)
    article.__dict__.update(state)
    article.__dict__[_STORED_BODY] = StoredText(source, offset, length)
    return article


def _pickled_article(state: dict, offset: int, length: int) -> Article:
    """What a texts record's pickle names for an article; _TextUnpickler makes it with its file."""
    raise pickle.UnpicklingError("an article kept apart from its body, outside its record")


class _TextUnpickler(pickle.Unpickler):
    def __init__(self, data: io.BytesIO, source: _TextSource):
        super().__init__(data)
        self._source = source

    def find_class(self, module: str, name: str):
        if module == __name__ and name == _pickled_article.__name__:
            return functools.partial(_stored_article, self._source)
        return super().find_class(module, name)


class _TextPickler(pickle.Pickler):
    """Pickles articles without their bodies, which it writes into `texts` (a file) instead."""

    def __init__(self, stream: BinaryIO, texts: BinaryIO):
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.texts = texts
        self.size = 0
        # A body by where it is kept (read or not), or by its string's id when it is not kept yet.
        self._placed: dict[object, tuple[int, int]] = {}
        self._held: list[str] = []  # the strings placed by id, alive until the pickle is written

    def reducer_override(self, obj):
        if type(obj) is not Article:
            return NotImplemented
        state = obj.__dict__
        stored = state.get(_STORED_BODY)
        key = (id(stored.source), stored.offset) if stored is not None else id(state["body"])
        place = self._placed.get(key)
        if place is None:
            if stored is not None:
                data = stored.source.read(stored.offset, stored.length)
            else:
                self._held.append(state["body"])
                data = state["body"].encode("utf-8", "surrogatepass")
            place = self._placed[key] = (self.size, len(data))
            self.texts.write(data)
            self.size += len(data)
        rest = {name: value for name, value in state.items() if name != "body" and name != _STORED_BODY}
        return _pickled_article, (rest, *place)


def _dump_with_texts(value, stream: BinaryIO, scratch: Path) -> None:
    """Into a seekable `stream`: the pickle written as it is made, the bodies gathered meanwhile
    in a temporary file in `scratch` (the 100k archive's are 350 MB), then the two lengths."""
    start = stream.tell()
    stream.write(bytes(_TEXTS_HEAD))
    with tempfile.TemporaryFile(dir=scratch) as texts:
        pickler = _TextPickler(stream, texts)
        pickler.dump(_versioned(value))
        length = stream.tell() - start - _TEXTS_HEAD
        texts.seek(0)
        shutil.copyfileobj(texts, stream, 1 << 20)
    end = stream.tell()
    stream.seek(start)
    stream.write(_TEXTS_MARK + length.to_bytes(8, "little") + pickler.size.to_bytes(8, "little"))
    stream.seek(end)


def _load(path: Path):
    descriptor = os.open(path, os.O_RDONLY)
    try:
        with os.fdopen(os.dup(descriptor), "rb") as stream:
            if stream.read(len(_TEXTS_MARK)) != _TEXTS_MARK:
                stream.seek(0)
                return pickle.load(stream)
            lengths = stream.read(16)
            length, texts = int.from_bytes(lengths[:8], "little"), int.from_bytes(lengths[8:], "little")
            if len(lengths) != 16 or _TEXTS_HEAD + length + texts != os.fstat(descriptor).st_size:
                raise pickle.UnpicklingError(f"{path.name}: its parts do not add up to its size")
            data = stream.read(length)
        source, descriptor = _TextSource(descriptor, _TEXTS_HEAD + length), None  # (the source closes it)
        return _TextUnpickler(io.BytesIO(data), source).load()
    finally:
        if descriptor is not None:
            os.close(descriptor)


def state_dir(output: Path) -> Path:
    return output.with_name(output.name + STATE_SUFFIX)


@dataclass
class SiteRecord:
    """What one build wrote into its output folder."""
    identity: tuple[int, int, str] | None = None   # device, inode, digest of the witness file
    outputs: dict[str, str] = field(default_factory=dict)   # relative path -> content digest
    pages: dict[str, str] = field(default_factory=dict)     # relative path -> fingerprint of a page's or feed's inputs
    written_at: int | None = None  # time.time_ns() once the build had written the folder (output.SpareSweep)


def folder_identity(folder: Path) -> tuple[int, int, str] | None:
    try:
        status = folder.stat()
        witness = hashlib.blake2b((folder / _WITNESS).read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return None
    return status.st_dev, status.st_ino, witness


class BuildState:
    """Named, pickled parts of the state of one output folder."""

    def __init__(self, output: Path):
        self.output = output
        self.folder = state_dir(output)
        self.stamps: dict[str, str | None] = {}             # name -> what load_entries read
        self._bases: dict[str, tuple[str, dict, int]] = {}  # name -> token, entries, bytes of the base read/written

    def load(self, name: str):
        try:
            # Unpickling makes millions of objects and no garbage: collections it set off would walk them all.
            with collector.paused():
                version, value = _load(self.folder / f"{name}.pickle")
        except Exception:  # missing, damaged or from another version: start afresh
            return None
        return value if version == (_FORMAT, code_version()) else None

    def save(self, name: str, value, texts: bool = False) -> bool:
        """Keep `value`; False if it could not be written (then no older version is left either).
        With `texts`, the bodies of its articles are kept apart and read back when asked for."""
        if texts:
            return self._write(name, lambda stream: _dump_with_texts(value, stream, self.folder))
        return self._write(name, lambda stream: pickle.dump(_versioned(value), stream, pickle.HIGHEST_PROTOCOL))

    def _write(self, name: str, write: Callable[[BinaryIO], object]) -> bool:
        temporary = self.folder / f".{name}.pickle.tmp"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(temporary, "wb") as stream, collector.paused():
                write(stream)
            os.replace(temporary, self.folder / f"{name}.pickle")
            return True
        except OSError:
            # A cache only: the next build does the work again. The old file goes too, since it no
            # longer matches what was written (a full disk must not leave a stale or partial one).
            for path in (temporary, self.folder / f"{name}.pickle"):
                try:
                    path.unlink()
                except OSError:
                    pass
            return False

    def load_entries(self, name: str) -> dict | None:
        """A dict kept by save_entries: its base with the later changes applied (None if the base
        cannot be read). `stamps[name]` then names what was read."""
        self.stamps[name] = None
        base = self.load(f"{name}.base")
        if not (isinstance(base, tuple) and len(base) == 2 and isinstance(base[1], dict)):
            self._bases.pop(name, None)
            return None
        token, entries = base
        self._bases[name] = (token, dict(entries), self._size(f"{name}.base"))
        stamp = f"{token}:"
        delta = self.load(f"{name}.delta")
        if isinstance(delta, tuple) and len(delta) == 4 and delta[0] == token:
            _, delta_token, changed, removed = delta
            entries.update(changed)
            for key in removed:
                entries.pop(key, None)
            stamp += delta_token
        self.stamps[name] = stamp
        return entries

    def save_entries(self, name: str, entries: dict[str, object], texts: bool = False) -> str | None:
        """Keep a dict of entries: a base holding all of them, and a delta holding those added,
        replaced (by another object) or removed since the base that load_entries read, written
        alone while it is small (in bytes: the seed cache holds a few large entries, one per seed
        file). Saving the 31k archive's link analyses, search words and seed and content caches
        whole wrote ~350 MB for each batch of ten new articles. Returns the stamp of what was
        written (None if it could not be). `texts`: as for save."""
        known = self._bases.get(name)
        if known is not None:
            token, base, base_size = known
            changed = {key: value for key, value in entries.items() if base.get(key, _MISSING) is not value}
            removed = sorted(base.keys() - entries.keys())
            delta_token = _token()
            data = _pickled_within((token, delta_token, changed, removed), DELTA_SHARE * base_size,
                                   self.folder if texts else None)
            if data is not None:
                return f"{token}:{delta_token}" if self._write(f"{name}.delta", lambda s: s.write(data)) else None
        token = _token()
        if not self.save(f"{name}.base", (token, entries), texts):
            self._bases.pop(name, None)
            return None
        self._bases[name] = (token, dict(entries), self._size(f"{name}.base"))
        self.discard(f"{name}.delta")  # made against another base: it would not be read anyway
        for shard in self.folder.glob(f"{name}.[0-9][0-9].pickle"):  # the shards earlier versions kept
            with contextlib.suppress(OSError):
                shard.unlink()
        return f"{token}:"

    def save_parts(self, name: str, value, fields: tuple[str, ...]) -> None:
        """Keep a dataclass whose dict `fields` are kept by save_entries (its large collections of
        per-article entries, of which a rebuild changes a few)."""
        stamps = {}
        for field_name in fields:
            stamps[field_name] = self.save_entries(f"{name}.{field_name}", getattr(value, field_name))
            if stamps[field_name] is None:
                self.discard(name)
                return
        self.save(name, (stamps, dataclasses.replace(value, **{field_name: {} for field_name in fields})))

    def load_parts(self, name: str, fields: tuple[str, ...]):
        """What save_parts kept, whole; None unless every part is of the same save (a build
        killed between saving its parts leaves parts of two builds)."""
        loaded = self.load(name)
        if not (isinstance(loaded, tuple) and len(loaded) == 2 and isinstance(loaded[0], dict)):
            return None
        stamps, value = loaded
        parts = {}
        for field_name in fields:
            entries = self.load_entries(f"{name}.{field_name}")
            if entries is None or self.stamps[f"{name}.{field_name}"] != stamps.get(field_name):
                return None
            parts[field_name] = entries
        return dataclasses.replace(value, **parts)

    def _size(self, name: str) -> int:
        try:
            return (self.folder / f"{name}.pickle").stat().st_size
        except OSError:
            return 0

    def discard(self, name: str) -> bool:
        """Drop a record; False when it is still there (it could not be deleted)."""
        try:
            (self.folder / f"{name}.pickle").unlink()
        except FileNotFoundError:
            pass
        except OSError:
            return False
        return True

    def site_record(self, name: str = "site", folder: Path | None = None) -> SiteRecord:
        """The record `name` of the site now in `folder` (the output folder by default), or an empty
        one when the record is not of that very folder (no site yet, a killed build, a site written
        by something else)."""
        record = self.load(name)
        if isinstance(record, SiteRecord) and record.identity and \
                record.identity == folder_identity(folder or self.output):
            return record
        return SiteRecord()


def _versioned(value) -> tuple:
    return (_FORMAT, code_version()), value


def _token() -> str:
    return os.urandom(8).hex()
