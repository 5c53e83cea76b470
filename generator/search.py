"""Build the Pagefind search index of a rendered site folder, in parts.

Only pages that carry `data-pagefind-body` are indexed (the default interface's article pages);
nothing else is handed to Pagefind, which would otherwise parse every page of the site for nothing.

The indexed pages are split into parts by their date (the `date` sort key of each page), and each
part is indexed by its own run of the Pagefind binary into `pagefind/<part>/`. The search page
searches the parts together (templates/assets/search.js). Splitting keeps what one run holds in
memory bounded whatever the size of the archive, and keeps the search fast: Pagefind's cost for a
frequent word grows with the square of the pages of one index that hold it.

A part is a calendar span of days aligned on a power of two (1024 days, halved while it holds more
than PART_MAX_PAGES pages; a single day that still holds more is split by a hash of the page path).
So a page's part depends only on its own date and on how many pages share its span, and an article
added to the archive changes only the part it falls in. `pagefind/parts.json` lists the parts in
date order with a key: a hash of every input page of the part (its path, its <html> tag and the
element Pagefind reads). A part whose key is the same in the previous site is copied from there
instead of being indexed again; a part's output depends only on its input pages, so the result is
byte-identical to a clean build.

Parts to index run one per core. Each is a complete Pagefind bundle, rewritten here: Pagefind 1.5
writes filters and sorts in hash-map order (put in name order, for byte-identical builds); page ids
are renamed `<part>_<hash>` so that the search page knows which part a result comes from (to order
results by date across parts and to weigh relevance with archive-wide word frequencies); and the
word index is cut again by prefix (see "the word index, regrouped").
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from itertools import groupby
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Mapping

INDEX_LANGUAGE = "ar"
INDEXED_PAGES = "articles/*/index.html"  # where the pages with data-pagefind-body are rendered
PAGEFIND_DIR = "pagefind"  # in the site
PARTS_FILE = "parts.json"
PART_MAX_PAGES = 5000  # each part costs every query ~40 ms; a bigger one costs more memory and re-indexing (README)
TOP_SPAN_DAYS = 1024
DATE_SORT_KEY = "date"
UNDATED = "undated"
PARTS_FORMAT = 1  # bump when what a part holds changes, so that no part of an older build is reused
# Pagefind writes its default UI with every bundle; the search page uses none of it.
_UNUSED_BUNDLE_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                        "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js",
                        "wasm.unknown.pagefind")


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


# -- the pages to index ---------------------------------------------------------------------------

_BODY_MARK = b"data-pagefind-body"
_HTML_TAG = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)
_TAG_NAME = re.compile(rb"<([a-zA-Z][\w-]*)")
_SORT_DATE = re.compile(rb'data-pagefind-sort="' + DATE_SORT_KEY.encode() + rb':(\d{4})-(\d{2})-(\d{2})"')


@dataclass(frozen=True)
class IndexedPage:
    path: str          # relative to the site folder, with forward slashes
    day: int | None    # proleptic Gregorian ordinal of its date, None when undated
    digest: str        # hash of everything Pagefind reads from the page


def _body_element(html: bytes) -> bytes | None:
    """The element carrying data-pagefind-body, from its start tag to its matching end tag."""
    mark = html.find(_BODY_MARK)
    if mark < 0:
        return None
    start = html.rfind(b"<", 0, mark)
    name = _TAG_NAME.match(html, start)
    if not name:
        return None
    depth = 0
    for tag in re.compile(rb"<(/?)" + re.escape(name.group(1)) + rb"\b[^>]*>", re.IGNORECASE).finditer(html, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return html[start:tag.end()]
    return html[start:]


def indexed_page(site_dir: Path, path: Path) -> IndexedPage | None:
    html = path.read_bytes()
    body = _body_element(html)
    if body is None:
        return None
    html_tag = _HTML_TAG.search(html)
    digest = hashlib.sha256((html_tag.group(0) if html_tag else b"") + body).hexdigest()
    day = None
    found = _SORT_DATE.search(body)
    if found:
        try:
            day = date(*map(int, found.groups())).toordinal()
        except ValueError:
            day = None  # "0000-00-00": the sort key of an undated article
    return IndexedPage(path.relative_to(site_dir).as_posix(), day, digest)


def indexed_pages(site_dir: Path, known: Mapping[str, tuple[str, IndexedPage]] | None = None,
                  file_digests: Mapping[str, str] | None = None) -> list[IndexedPage]:
    """The pages to index. `known` (path -> (file digest, page)) holds pages read by an earlier
    run; one whose file digest in `file_digests` (path -> digest of the file now in the site) is
    the same is not read again."""
    known, file_digests = known or {}, file_digests or {}

    found: dict[Path, IndexedPage | None] = {}
    to_read = []
    for path in sorted(site_dir.glob(INDEXED_PAGES)):
        relative = path.relative_to(site_dir).as_posix()
        earlier = known.get(relative)
        if earlier is not None and earlier[0] == file_digests.get(relative):
            found[path] = earlier[1]
        else:
            found[path] = None
            to_read.append(path)
    # Reading dominates and releases the GIL: a few threads overlap the reads.
    with ThreadPoolExecutor(max_workers=8) as pool:
        found.update(zip(to_read, pool.map(lambda path: indexed_page(site_dir, path), to_read)))
    return [page for page in found.values() if page is not None]


# -- parts ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Part:
    name: str
    pages: tuple[IndexedPage, ...]

    def key(self, pagefind_version: str) -> str:
        """Changes whenever anything that goes into the part's index does."""
        summary = json.dumps([PARTS_FORMAT, pagefind_version, _pagefind_options(),
                              [(p.path, p.digest) for p in self.pages]])
        return hashlib.sha256(summary.encode("utf-8")).hexdigest()


def _path_bits(path: str) -> str:
    return bin(int(hashlib.sha256(path.encode("utf-8")).hexdigest(), 16))[2:].zfill(256)


def _split_by_hash(name: str, pages: list[IndexedPage], limit: int, bits: str = "") -> list[Part]:
    if len(pages) <= limit or len(bits) >= 16:
        return [Part(f"{name}-h{bits}" if bits else name, tuple(pages))]
    halves = ([p for p in pages if _path_bits(p.path)[len(bits)] == "0"],
              [p for p in pages if _path_bits(p.path)[len(bits)] == "1"])
    return [part for half, bit in zip(halves, "01") if half
            for part in _split_by_hash(name, half, limit, bits + bit)]


def _split_span(start: int, span: int, pages: list[IndexedPage], limit: int) -> list[Part]:
    if len(pages) <= limit or span == 1:
        return _split_by_hash(f"{date.fromordinal(start):%Y%m%d}-{span}", pages, limit)
    half = span // 2
    parts = []
    for sub_start in (start, start + half):
        sub = [p for p in pages if sub_start <= p.day < sub_start + half]
        if sub:
            parts += _split_span(sub_start, half, sub, limit)
    return parts


def plan_parts(pages: list[IndexedPage], limit: int = PART_MAX_PAGES) -> list[Part]:
    """The parts of the index in date order (undated pages last), each with its pages in path order."""
    pages = sorted(pages, key=lambda p: p.path)
    spans: dict[int, list[IndexedPage]] = {}
    undated = []
    for page in pages:
        if page.day is None:
            undated.append(page)
        else:
            spans.setdefault(page.day - page.day % TOP_SPAN_DAYS, []).append(page)
    parts = [part for start in sorted(spans) for part in _split_span(start, TOP_SPAN_DAYS, spans[start], limit)]
    return parts + (_split_by_hash(UNDATED, undated, limit) if undated else [])


# -- indexing -------------------------------------------------------------------------------------

@dataclass
class IndexSummary:
    parts: int
    indexed: list[str]   # parts run through Pagefind
    reused: list[str]    # parts copied from the previous site
    pages: int
    read: dict[str, tuple[str, IndexedPage]] = field(default_factory=dict)  # for the next run's `known`


def _pagefind_options() -> list[str]:
    # One index language for the whole archive: readers of either interface search articles in both
    # languages, and Arabic articles dominate, so the Arabic stemmer is the one to use.
    return ["--force-language", INDEX_LANGUAGE]


def _run(command: list[str]) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=3600)
    except OSError as error:
        raise SearchIndexError(f"could not run Pagefind ({command[0]}): {error}") from None
    except subprocess.TimeoutExpired:
        raise SearchIndexError("Pagefind did not finish within an hour") from None


def _failure(result: subprocess.CompletedProcess) -> SearchIndexError:
    detail = (result.stderr or result.stdout).strip().splitlines()[-5:]
    return SearchIndexError(f"Pagefind failed with exit code {result.returncode}: {' / '.join(detail)}")


def pagefind_version(executable: Path) -> str:
    result = _run([str(executable), "--version"])
    if result.returncode != 0:
        raise _failure(result)
    return result.stdout.strip()


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _no_space_left(folder: Path) -> bool:
    try:
        return os.statvfs(folder).f_bavail == 0
    except (OSError, AttributeError):  # no statvfs (Windows): nothing to go by
        return False


def _index_part(site_dir: Path, part: Part, target: Path, executable: Path) -> None:
    """One Pagefind run over a folder holding only the part's pages (hard links, at their paths in
    the site, so that Pagefind records the same URLs)."""
    # Inside the site folder: hard links need the same file system, and a build that fails leaves
    # nothing beside it (the staging folder is removed whole).
    with tempfile.TemporaryDirectory(dir=site_dir, prefix=".index-input-") as scratch:
        for page in part.pages:
            _link_or_copy(site_dir / page.path, Path(scratch) / page.path)
        result = _run([str(executable), "--site", scratch, "--output-path", str(target),
                       *_pagefind_options(), "--quiet"])
    if result.returncode != 0:
        raise _failure(result)
    if _no_space_left(site_dir):
        # Pagefind 1.5 exits 0 when its writes fail (seen on a full disk), leaving truncated files:
        # a file system left with no free space after it ran is taken as that.
        raise SearchIndexError(f"cannot write the search index ({target}): No space left on device; "
                               "the previous site is unchanged")
    if not (target / "pagefind-entry.json").exists():
        raise SearchIndexError(f"Pagefind ran but wrote no pagefind-entry.json for the part {part.name}")
    _finish_bundle(target, part.name)


def _previous_keys(previous_site: Path | None) -> dict[str, str]:
    if previous_site is None:
        return {}
    try:
        listing = json.loads((previous_site / PAGEFIND_DIR / PARTS_FILE).read_text(encoding="utf-8"))
        if listing.get("format") != PARTS_FORMAT:
            return {}
        return {part["name"]: part["key"] for part in listing["parts"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # no earlier index of this layout: every part is indexed


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, copy_function=lambda s, t: _link_or_copy(Path(s), Path(t)))


def build_index(site_dir: Path, previous_site: Path | None = None, executable: Path | None = None,
                part_max_pages: int = PART_MAX_PAGES, known: Mapping[str, tuple[str, IndexedPage]] | None = None,
                file_digests: Mapping[str, str] | None = None) -> IndexSummary:
    """Write `pagefind/` into `site_dir`: one Pagefind bundle per part and `pagefind/parts.json`.

    `previous_site` is an earlier build of the same site (or `site_dir` itself, indexed before):
    parts whose input pages are unchanged are taken from it instead of being indexed again.
    `known` and `file_digests` spare reading pages unchanged since the run that returned `known`
    in its summary's `read` (see indexed_pages). Raises SearchIndexError with Pagefind's own message.
    """
    executable = executable or pagefind_executable()
    version = pagefind_version(executable)
    pages = indexed_pages(site_dir, known, file_digests)
    parts = plan_parts(pages, part_max_pages)
    keys = {part.name: part.key(version) for part in parts}
    previous_keys = _previous_keys(previous_site)
    staged_keys = _previous_keys(site_dir)  # an index already in the folder (an earlier build's)
    output = site_dir / PAGEFIND_DIR
    if output.exists():
        for entry in output.iterdir():
            keep = (entry.is_dir() and not entry.is_symlink() and entry.name in keys
                    and staged_keys.get(entry.name) == keys[entry.name])
            if not keep:
                shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    output.mkdir(parents=True, exist_ok=True)
    (output / PARTS_FILE).unlink(missing_ok=True)  # written last: a half-built index has none

    indexed, reused = [], []
    for part in parts:
        target = output / part.name
        if staged_keys.get(part.name) == keys[part.name] and target.is_dir():
            reused.append(part.name)
            continue
        if previous_keys.get(part.name) == keys[part.name]:
            source = previous_site / PAGEFIND_DIR / part.name if previous_site else None
            if source is not None and source.is_dir():
                _copy_tree(source, target)
                reused.append(part.name)
                continue
        indexed.append(part)
    # Parts are independent runs of the binary: as many at once as there are cores.
    with ThreadPoolExecutor(max_workers=max(1, min(len(indexed), _cores()))) as pool:
        for future in [pool.submit(_index_part, site_dir, part, output / part.name, executable) for part in indexed]:
            future.result()

    listing = {"format": PARTS_FORMAT,
               "parts": [{"name": part.name, "pages": len(part.pages), "dated": part.pages[0].day is not None,
                          "key": keys[part.name]} for part in parts]}
    (output / PARTS_FILE).write_text(json.dumps(listing, separators=(",", ":")), encoding="utf-8")
    file_digests = file_digests or {}
    read = {page.path: (file_digests[page.path], page) for page in pages if page.path in file_digests}
    return IndexSummary(len(parts), [part.name for part in indexed], reused, sum(len(part.pages) for part in parts), read)


# -- byte-identical bundles -----------------------------------------------------------------------
# Pagefind 1.5 writes the filters (and sorts) of its metadata index in hash-map order, so two
# builds of the same site differ in pagefind.<lang>_<hash>.pf_meta and pagefind-entry.json.
# The index is a gzipped CBOR array [version, pages, word chunks, filters, sorts, meta keys]: its
# filters and sorts are put in name order here, and the file renamed after its new content.

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


def _renamed_pages(pages_node, folder: Path, part_name: str):
    """The meta index's pages ([[id, word count], ...]) with ids `<part>_<hash>`, fragments renamed."""
    renamed = []
    for major, fields in pages_node[1]:
        old = fields[0][1].decode()
        new = f"{part_name}_{old.split('_', 1)[-1]}"
        (folder / "fragment" / f"{old}.pf_fragment").rename(folder / "fragment" / f"{new}.pf_fragment")
        renamed.append((major, [(3, new.encode()), *fields[1:]]))
    return (4, renamed)


# -- the word index, regrouped ---------------------------------------------------------------------
# Pagefind cuts its sorted word index into chunks of about 60 KB, so a search for a frequent word
# fetches, in every part, the word with a hundred unrelated neighbours. The chunks are cut again here
# so that a chunk holds words sharing a prefix: a word with the words it is a prefix of (which
# Pagefind's prefix matching finds with it) stays in one chunk whenever they weigh at most
# _PREFIX_GROUP_BYTES together; small neighbouring groups share chunks of up to _CHUNK_BYTES.
# A chunk is a CBOR array holding the array of its word entries [word, pages, variants]; the entries are copied byte for
# byte. Where they start is found by their shape (a 3-array whose first item is the word, the words
# ascending, as many as the array says); a chunk whose entries cannot be told apart that way keeps
# Pagefind's cut.

_PREFIX_GROUP_BYTES = 64_000
_CHUNK_BYTES = 12_000
_ENTRY_START = re.compile(rb"\x83(?=[\x60-\x78])")


def _chunk_entries(body: bytes) -> list[tuple[str, bytes]] | None:
    """The word entries of one index chunk (its CBOR after the header: [[entry, ...]]), or None if
    unsure."""
    if body[:1] != b"\x81":
        return None
    major, count, start = _cbor_head(body, 1)
    if major != 4:
        return None
    starts, words, previous = [], [], None
    for match in _ENTRY_START.finditer(body, start):
        position = match.start()
        if not starts and position != start:
            return None
        try:
            kind, length, at = _cbor_head(body, position + 1)
            word = body[at:at + length].decode("utf-8")
            follows = body[at + length] >> 5
        except (ValueError, IndexError, UnicodeDecodeError):
            continue
        if kind != 3 or follows != 4 or (previous is not None and word.encode() <= previous.encode()):
            continue
        starts.append(position)
        words.append(word)
        previous = word
    if len(starts) != count:
        return None
    ends = starts[1:] + [len(body)]
    return [(word, body[begin:end]) for word, begin, end in zip(words, starts, ends)]


def _prefix_groups(entries: list[tuple[str, bytes]], depth: int = 0) -> list[list[tuple[str, bytes]]]:
    if len(entries) == 1 or sum(len(blob) for _, blob in entries) <= _PREFIX_GROUP_BYTES:
        return [entries]
    groups = []
    for _, group in groupby(entries, key=lambda entry: entry[0][:depth + 1]):
        groups += _prefix_groups(list(group), depth + 1)
    return groups


def _array_head(count: int) -> bytes:
    return _cbor_encode((4, [(0, 0)] * count))[:-count] if count else b"\x80"


def _regroup_word_index(folder: Path, lang: str, chunks_node):
    """Write the part's word index again in prefix-grouped chunks; returns the new chunk list of
    the metadata index, or the old one when a chunk cannot be read with certainty."""
    entries: list[tuple[str, bytes]] = []
    old_files = []
    for _, (_first, _last, file_hash) in chunks_node[1]:
        path = folder / "index" / f"{file_hash[1].decode()}.pf_index"
        raw = gzip.decompress(path.read_bytes())
        found = _chunk_entries(raw[len(_META_HEADER):]) if raw.startswith(_META_HEADER) else None
        if not found or (entries and found[0][0].encode() <= entries[-1][0].encode()):
            return chunks_node
        entries += found
        old_files.append(path)
    chunks, current, size = [], [], 0
    for group in _prefix_groups(entries):
        group_size = sum(len(blob) for _, blob in group)
        if current and size + group_size > _CHUNK_BYTES:
            chunks.append(current)
            current, size = [], 0
        current += group
        size += group_size
    if current:
        chunks.append(current)
    for path in old_files:
        path.unlink()
    listing = []
    for chunk in chunks:
        content = _META_HEADER + b"\x81" + _array_head(len(chunk)) + b"".join(blob for _, blob in chunk)
        file_hash = f"{lang}_{hashlib.sha256(content).hexdigest()[:10]}"
        (folder / "index" / f"{file_hash}.pf_index").write_bytes(gzip.compress(content, compresslevel=6, mtime=0))
        listing.append((4, [(3, chunk[0][0].encode()), (3, chunk[-1][0].encode()), (3, file_hash.encode())]))
    return (4, listing)


def _finish_bundle(folder: Path, part_name: str) -> None:
    """Drop what the search page does not use, put the metadata index in name order and give pages
    ids that name their part."""
    for name in _UNUSED_BUNDLE_FILES:
        (folder / name).unlink(missing_ok=True)
    entry_path = folder / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for lang, info in entry.get("languages", {}).items():
        meta_path = folder / f"pagefind.{info['hash']}.pf_meta"
        try:
            node = _decoded(gzip.decompress(meta_path.read_bytes()))
            if node is None or node[0] != 4 or len(node[1]) < 5:
                raise ValueError("unknown layout")
            items = list(node[1])
            items[1] = _renamed_pages(items[1], folder, part_name)
            items[2] = _regroup_word_index(folder, lang, items[2])
            filters = [(4, [name, (3, _canonical_filter(folder / "filter", lang, file_hash[1].decode()).encode())])
                       for name, file_hash in (item[1] for item in items[3][1])]
        except (OSError, EOFError, ValueError, KeyError, TypeError, IndexError, AttributeError) as error:
            raise SearchIndexError(f"Pagefind wrote a metadata index this build cannot read ({meta_path.name}: "
                                   f"{error}); is ARCHIVE_PAGEFIND another version than pagefind[bin] 1.5?") from None
        items[3], items[4] = _named_entries_sorted((4, filters)), _named_entries_sorted(items[4])
        canonical = _META_HEADER + _cbor_encode((4, items))
        new_hash = f"{lang}_{hashlib.sha256(canonical).hexdigest()[:10]}"
        meta_path.unlink()
        (folder / f"pagefind.{new_hash}.pf_meta").write_bytes(gzip.compress(canonical, mtime=0))
        info["hash"] = new_hash
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
