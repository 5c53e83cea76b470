"""Build the Pagefind search index over a rendered site folder.

The whole folder is indexed in one run of the Pagefind binary: per-file API calls cost about
100 ms each, a directory run costs a fraction of that per page.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
from pathlib import Path

INDEX_LANGUAGE = "ar"


class SearchIndexError(Exception):
    pass


def pagefind_executable() -> Path:
    """The Pagefind binary: `ARCHIVE_PAGEFIND` if set (another build of Pagefind), else the one
    installed with `pagefind[bin]`."""
    override = os.environ.get("ARCHIVE_PAGEFIND")
    if override:
        if not Path(override).is_file():
            raise SearchIndexError(f"the Pagefind binary named by ARCHIVE_PAGEFIND is missing: {override}")
        return Path(override)
    try:
        from pagefind_bin import get_executable
    except ImportError:
        raise SearchIndexError("the Pagefind binary is not installed (pip install 'pagefind[bin]')") from None
    try:
        return get_executable()
    except FileNotFoundError as error:
        raise SearchIndexError(f"the Pagefind binary is missing: {error}") from None


def build_index(site_dir: Path, executable: Path | None = None) -> None:
    """Write `pagefind/` into `site_dir`. Raises SearchIndexError with Pagefind's own message."""
    command = [
        str(executable or pagefind_executable()),
        "--site", str(site_dir),
        # One index for the whole archive: readers of either interface search articles in both
        # languages, and Arabic articles dominate, so the Arabic stemmer is the one to use.
        "--force-language", INDEX_LANGUAGE,
        "--quiet",
    ]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    except OSError as error:
        raise SearchIndexError(f"could not run Pagefind ({command[0]}): {error}") from None
    except subprocess.TimeoutExpired:
        raise SearchIndexError("Pagefind did not finish within an hour") from None
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise SearchIndexError(f"Pagefind failed with exit code {result.returncode}: {' / '.join(detail)}")
    if not (site_dir / "pagefind" / "pagefind.js").exists():
        raise SearchIndexError("Pagefind ran but wrote no pagefind/pagefind.js")
    try:
        make_meta_deterministic(site_dir / "pagefind")
    except (OSError, EOFError, ValueError, KeyError, TypeError, IndexError):
        pass  # not the index layout this knows (another Pagefind build): leave it as written
    if _no_space_left(site_dir):
        # Pagefind 1.5 exits 0 when its writes fail (seen on a full disk), leaving truncated files:
        # a file system left with no free space after it ran is taken as that.
        raise SearchIndexError(f"cannot write the search index ({site_dir / 'pagefind'}): No space left on device; "
                               "the previous site is unchanged")


def _no_space_left(folder: Path) -> bool:
    try:
        return os.statvfs(folder).f_bavail == 0
    except (OSError, AttributeError):  # no statvfs (Windows): nothing to go by
        return False


# -- byte-identical builds ----------------------------------------------------------------------
# Pagefind 1.5 writes the filters (and sorts) of its metadata index in hash-map order, so two
# builds of the same site differ in pagefind.<lang>_<hash>.pf_meta and pagefind-entry.json.
# The index is a gzipped CBOR array [version, pages, word chunks, filters, sorts, meta keys]: its
# filters and sorts are put in name order here, and the file renamed after its new content. A
# file that does not decode to exactly its own bytes again is left as Pagefind wrote it.

_META_HEADER = b"pagefind_dcd"


def _cbor_head(data: bytes, i: int) -> tuple[int, int, int]:
    major, info = data[i] >> 5, data[i] & 31
    i += 1
    if info < 24:
        return major, info, i
    size = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
    if size is None:
        raise ValueError("indefinite or reserved CBOR length")
    return major, int.from_bytes(data[i:i + size], "big"), i + size


def _cbor_decode(data: bytes, i: int = 0):
    major, arg, i = _cbor_head(data, i)
    if major in (0, 1):
        return (major, arg), i
    if major in (2, 3):
        return (major, data[i:i + arg]), i + arg
    if major in (4, 5):
        items = []
        for _ in range(arg * (2 if major == 5 else 1)):
            item, i = _cbor_decode(data, i)
            items.append(item)
        return (major, items), i
    raise ValueError(f"unexpected CBOR major type {major}")


def _cbor_encode(node) -> bytes:
    major, payload = node
    arg = payload if major in (0, 1) else len(payload) // (2 if major == 5 else 1)
    if arg < 24:
        head = bytes([major << 5 | arg])
    else:
        size, info = next((n, code) for n, code in ((1, 24), (2, 25), (4, 26), (8, 27)) if arg < 256 ** n)
        head = bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    if major in (0, 1):
        return head
    if major in (2, 3):
        return head + payload
    return head + b"".join(_cbor_encode(item) for item in payload)


def _named_entries_sorted(node):
    """[[name, x], ...] in name order; anything else unchanged."""
    major, items = node
    if major == 4 and all(item[0] == 4 and len(item[1]) == 2 and item[1][0][0] == 3 for item in items):
        return (4, sorted(items, key=lambda item: item[1][0][1]))
    return node


def _decoded(raw: bytes):
    """The CBOR node of a Pagefind file's decompressed bytes, or None when it is not one we know."""
    if not raw.startswith(_META_HEADER):
        return None
    body = raw[len(_META_HEADER):]
    try:
        node, end = _cbor_decode(body)
    except (ValueError, IndexError):
        return None
    return node if end == len(body) and _cbor_encode(node) == body else None


def _canonical_filter(folder: Path, lang: str, file_hash: str) -> str:
    """Rewrite one filter index ([name, [[value, pages], ...]]) with its values in order; returns
    its (new) hash."""
    path = folder / f"{file_hash}.pf_filter"
    node = _decoded(gzip.decompress(path.read_bytes()))
    if node is None or node[0] != 4 or len(node[1]) != 2:
        return file_hash
    canonical = _META_HEADER + _cbor_encode((4, [node[1][0], _named_entries_sorted(node[1][1])]))
    new_hash = f"{lang}_{hashlib.sha256(canonical).hexdigest()[:7]}"
    if new_hash != file_hash:
        path.unlink()
        (folder / f"{new_hash}.pf_filter").write_bytes(gzip.compress(canonical, mtime=0))
    return new_hash


def make_meta_deterministic(pagefind_dir: Path) -> None:
    entry_path = pagefind_dir / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    changed = False
    for lang, info in entry.get("languages", {}).items():
        meta_path = pagefind_dir / f"pagefind.{info['hash']}.pf_meta"
        node = _decoded(gzip.decompress(meta_path.read_bytes()))
        if node is None or node[0] != 4 or len(node[1]) < 5:
            continue
        items = list(node[1])
        filters = [(4, [name, (3, _canonical_filter(pagefind_dir / "filter", lang, file_hash[1].decode()).encode())])
                   for name, file_hash in (item[1] for item in items[3][1])]
        items[3], items[4] = _named_entries_sorted((4, filters)), _named_entries_sorted(items[4])
        canonical = _META_HEADER + _cbor_encode((4, items))
        new_hash = f"{lang}_{hashlib.sha256(canonical).hexdigest()[:10]}"
        meta_path.unlink()
        (pagefind_dir / f"pagefind.{new_hash}.pf_meta").write_bytes(gzip.compress(canonical, mtime=0))
        info["hash"] = new_hash
        changed = True
    if changed:
        entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

