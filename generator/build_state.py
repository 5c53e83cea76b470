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
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from generator import collector

STATE_SUFFIX = ".state"
_FORMAT = 1
_LIBRARIES = ("Jinja2", "markdown-it-py", "pyarabic", "pagefind", "PyYAML", "hijridate", "PyStemmer",
              "arabic-stopwords")
_WITNESS = "index.html"  # a file every site has; its digest ties the record to one site folder
SHARDS = 16  # a keyed cache is kept in this many files, so that a few changed entries rewrite a few of them


@lru_cache(maxsize=1)
def code_version() -> str:
    """The generator's source and the versions of the libraries it renders with."""
    hasher = hashlib.blake2b(digest_size=16)
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        hasher.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    hasher.update(sys.version.encode())
    for name in _LIBRARIES:
        try:
            hasher.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            hasher.update(f"{name}=none".encode())
    return hasher.hexdigest()


def state_dir(output: Path) -> Path:
    return output.with_name(output.name + STATE_SUFFIX)


@dataclass
class SiteRecord:
    """What one build wrote into its output folder."""
    identity: tuple[int, int, str] | None = None   # device, inode, digest of the witness file
    outputs: dict[str, str] = field(default_factory=dict)   # relative path -> content digest
    pages: dict[str, str] = field(default_factory=dict)     # relative path -> fingerprint of a page's or feed's inputs


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

    def load(self, name: str):
        try:
            # Unpickling makes millions of objects and no garbage: collections it set off would walk them all.
            with open(self.folder / f"{name}.pickle", "rb") as stream, collector.paused():
                version, value = pickle.load(stream)
        except Exception:  # missing, damaged or from another version: start afresh
            return None
        return value if version == (_FORMAT, code_version()) else None

    def save(self, name: str, value) -> None:
        temporary = self.folder / f".{name}.pickle.tmp"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(temporary, "wb") as stream, collector.paused():
                pickle.dump(((_FORMAT, code_version()), value), stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self.folder / f"{name}.pickle")
        except OSError:
            # A cache only: the next build does the work again. The old file goes too, since it no
            # longer matches what was written (a full disk must not leave a stale or partial one).
            for path in (temporary, self.folder / f"{name}.pickle"):
                try:
                    path.unlink()
                except OSError:
                    pass

    def load_entries(self, name: str) -> dict | None:
        """A dict kept by save_entries: the entries of every shard that can be read (None if none can)."""
        merged: dict = {}
        found = False
        for shard in range(SHARDS):
            part = self.load(f"{name}.{shard:02d}")
            if isinstance(part, dict):
                merged.update(part)
                found = True
        return merged if found else None

    def save_entries(self, name: str, entries: dict[str, object], previous: dict[str, object] | None) -> None:
        """Keep a dict of entries in shards by key, writing only the shards in which an entry was
        added, removed or replaced since `previous` (what load_entries gave this build): saving
        the 31k archive's seed and content caches whole took about 4 s of every rebuild for
        the few entries a batch of new articles adds."""
        shards: list[dict[str, object]] = [{} for _ in range(SHARDS)]
        for key, value in entries.items():
            shards[_shard(key)][key] = value
        if previous is None:
            changed = set(range(SHARDS))
        else:
            changed = {_shard(key) for key, value in entries.items() if previous.get(key) is not value}
            changed.update(_shard(key) for key in previous.keys() - entries.keys())
        for shard in sorted(changed):
            self.save(f"{name}.{shard:02d}", shards[shard])

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


def _shard(key: str) -> int:
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % SHARDS
