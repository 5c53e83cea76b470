"""Build the Pagefind search index of a rendered site folder, in parts.

Only pages that carry `data-pagefind-body` are indexed (the default interface's article pages);
nothing else is handed to Pagefind, which would otherwise parse every page of the site for nothing.

The indexed pages are split into parts by their date (the `date` sort key of each page), and each
part is a Pagefind bundle of its own in `pagefind/<part>/`. The search page searches the parts
together (templates/assets/search.js). Splitting keeps the search fast: Pagefind's cost for a
frequent word grows with the square of the pages of one index that hold it.

A part is a calendar span of days aligned on a power of two (1024 days, halved while it holds more
than PART_MAX_PAGES pages; a single day that still holds more is split by a hash of the page path).
So a page's part depends only on its own date and on how many pages share its span, and an article
added to the archive changes only the part it falls in. `pagefind/parts.json` lists the parts in
date order with a key: a hash of every input page of the part (its path, its <html> tag and the
element Pagefind reads), of Pagefind's version and of the compressor's. A part whose key is the
same in the previous site is copied from there instead of being indexed again.

A part is not one run of the Pagefind binary but a merge of pieces (pagefind_bundle.py), each a
run over at most PIECE_MAX_PAGES of its pages, one per core; a part is merged as soon as its
pieces are there. The merge puts the pages in URL order, so that a part's bytes depend only on its
pages, not on the pieces they came from: pieces are kept in the build state, and a part to write
takes its pages from the kept pieces that hold them as they are now, leaving out the pages edited
or removed since; only its other pages (new or edited articles) are run. So ten articles added to
the 31k archive cost runs over those ten pages instead of over the few hundred pages beside each
(9 runs of 400 pages, 8 s of Pagefind in a rebuild, when a piece was run again for any change). A
part of many small pieces has them run again together (plan_pieces). The merged bundle names its
pages `<part>_<hash>`, so that the search page knows which part a result comes from (to order
results by date across parts and to weigh relevance with archive-wide word frequencies), has its
filters and sorts in name order and its word index cut by prefix.
"""

from __future__ import annotations

import hashlib
import html as html_module
import json
import os
import pickle
import re
import shutil
import subprocess
import tempfile
import threading
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Mapping

from generator import collector, pagefind_bundle, parallel
from generator.pagefind_bundle import (ENTRY_FILE, UNUSED_FILES, BundleError, Contents, in_url_order, link_or_copy,
                                      read_bundle, write_merged)

INDEX_LANGUAGE = "ar"
INDEXED_PAGES = "articles/*.html"  # where the pages with data-pagefind-body are rendered (render/urls.py)
_INDEXED_PAGE = re.compile(r"articles/[^/]+\.html")
PAGEFIND_DIR = "pagefind"  # in the site
PARTS_FILE = "parts.json"
PART_MAX_PAGES = 5000  # each part costs every query ~40 ms; a bigger one costs more memory and re-indexing (README)
TOP_SPAN_DAYS = 1024
DATE_SORT_KEY = "date"
UNDATED = "undated"
PIECE_MAX_PAGES = 400  # a Pagefind run of ~1 s; smaller pieces cost more runs, reads and merging (README)
PAGES_READ_IN_PROCESSES = 2000  # pages to read (indexed_pages) from which other processes read them
PAGES_PER_READ = 500  # pages a process is given at a time
PARTS_FORMAT = 5  # bump when what a part holds changes, so that no part of an older build is reused
PIECE_CONTENTS = "contents.pickle"  # in a piece's folder, beside PIECE_BUNDLE: what the merge reads of it
PIECE_MANIFEST = "manifest.pickle"  # beside it: the writing code, the files' sizes, its digest, the run's token
PIECE_BUNDLE = "bundle"  # Pagefind's output for the piece, its fragments only


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
_SORT_DATE = re.compile(rb'data-pagefind-sort="' + DATE_SORT_KEY.encode() + rb':([^"]*)"')
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class IndexedPage:
    path: str          # relative to the site folder, with forward slashes
    day: int | None    # proleptic Gregorian ordinal of its date, None when undated
    digest: str        # hash of everything Pagefind reads from the page
    sorted_by: str | None = None  # the value of its date sort as Pagefind reads it

    @property
    def url(self) -> str:
        return page_url(self.path)


def page_url(path: str) -> str:
    """A page's URL in Pagefind's index (a folder's index.html is the folder)."""
    return "/" + (path[:-len("index.html")] if path.endswith("/index.html") else path)


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


def indexed_page(site_dir: Path, path: Path, cut_dir: Path | None = None) -> IndexedPage | None:
    """The page at `path` as the index sees it; with `cut_dir`, the page cut to what Pagefind reads
    of it is written there at the same relative path (see _cut_page)."""
    html = path.read_bytes()
    body = _body_element(html)
    if body is None:
        return None
    html_tag = _HTML_TAG.search(html)
    html_tag = html_tag.group(0) if html_tag else b""
    digest = hashlib.sha256(html_tag + body).hexdigest()
    if cut_dir is not None:
        (cut_dir / path.relative_to(site_dir)).write_bytes(_cut_page(html_tag, body))
    day = sorted_by = None
    found = _SORT_DATE.search(body)
    if found:
        # As Pagefind reads it: entities decoded, white space trimmed and collapsed.
        sorted_by = " ".join(html_module.unescape(found.group(1).decode("utf-8", "replace")).split())
        iso = _ISO_DAY.fullmatch(sorted_by)
        try:
            day = date(*map(int, iso.groups())).toordinal() if iso else None
        except ValueError:
            day = None  # "0000-00-00": the sort key of an undated article
    return IndexedPage(path.relative_to(site_dir).as_posix(), day, digest, sorted_by)


def _cut_page(html_tag: bytes, body: bytes) -> bytes:
    """A page holding only what Pagefind reads of an indexed page: its <html> tag (the language)
    and the element with data-pagefind-body, which the index's keys hash. Pagefind writes the same
    fragments and index from it as from the whole page, with about a tenth less of its CPU (an
    article page of the 31k archive is 14 KB, this 6 KB). Like the keys, this holds while every
    data-pagefind-* attribute of the page is inside that element (templates/_search_index.html)."""
    return b'<!DOCTYPE html>' + html_tag + b'<head><meta charset="utf-8"></head><body>' + body + b'</body></html>'


def indexed_pages(site_dir: Path, known: Mapping[str, tuple[str, IndexedPage]] | None = None,
                  file_digests: Mapping[str, str] | None = None, cut_dir: Path | None = None) -> list[IndexedPage]:
    """The pages to index. `file_digests` lists every file now in the site (path -> digest of its
    bytes), when the caller knows them; the folder is searched otherwise (for the 31k archive's
    30,000 article folders that took 1.2 s of a rebuild). `known` (path -> (file digest, page))
    holds pages read by an earlier run; one whose file digest is the same is not read again. With
    `cut_dir`, each page read is also written there cut to what Pagefind reads (see _cut_page)."""
    known = known or {}
    if file_digests is None:
        listed = (path.relative_to(site_dir).as_posix() for path in site_dir.glob(INDEXED_PAGES))
    else:
        listed = (relative for relative in file_digests if _INDEXED_PAGE.fullmatch(relative))

    found: dict[str, IndexedPage | None] = {}
    to_read = []
    for relative in sorted(listed):
        earlier = known.get(relative)
        if earlier is not None and file_digests is not None and earlier[0] == file_digests.get(relative):
            found[relative] = earlier[1]
        else:
            found[relative] = None
            to_read.append(relative)
    if len(to_read) >= PAGES_READ_IN_PROCESSES and _cores() > 1:
        # A full build's 31k pages: finding the body and hashing it hold the interpreter, so
        # threads read them one at a time (4.8-7.0 s, the other core idle); two processes, 1.3 s.
        # One per core, as build_index runs Pagefind, whatever the build's own --jobs.
        items = [(str(site_dir), relative, cut_dir and str(cut_dir)) for relative in to_read]
        for read in parallel.in_new_processes(_read_pages, items, _cores(), chunk=PAGES_PER_READ):
            found.update(read)
    else:
        # A few pages: reading dominates and releases the interpreter, so threads overlap the reads.
        with ThreadPoolExecutor(max_workers=8) as pool:
            found.update(zip(to_read, pool.map(lambda relative: indexed_page(site_dir, site_dir / relative, cut_dir),
                                               to_read)))
    return [page for page in found.values() if page is not None]


def _read_pages(items: list[tuple[str, str, str | None]]) -> list[tuple[str, IndexedPage | None]]:
    return [(relative, indexed_page(Path(site_dir), Path(site_dir) / relative, cut_dir and Path(cut_dir)))
            for site_dir, relative, cut_dir in items]


# -- parts ----------------------------------------------------------------------------------------

def word_offsets_file(folder: Path, part: str) -> Path:
    """Where build_index writes a merged part's words' offsets (pagefind_bundle.WordOffsets), for
    the first pages' searches to read only the entries they need (pagefind_ranking.PartRanking)."""
    return folder / f"{part}.offsets"


@dataclass(frozen=True)
class Part:
    name: str
    pages: tuple[IndexedPage, ...]

    def key(self, pagefind_version: str) -> str:
        """Changes whenever anything that goes into the part's index does (not how it was cut
        into pieces: the merge is the same whatever the cut)."""
        summary = json.dumps([PARTS_FORMAT, pagefind_version, _pagefind_options(), pagefind_bundle.COMPRESSOR,
                              [(p.path, p.digest) for p in self.pages]])
        return hashlib.sha256(summary.encode("utf-8")).hexdigest()


def _path_bit(path: str, position: int) -> int:
    """Bit `position` (0: the first) of the path's SHA-256."""
    return hashlib.sha256(path.encode("utf-8")).digest()[position // 8] >> (7 - position % 8) & 1


def _split_by_hash(name: str, pages: list[IndexedPage], limit: int, bits: str = "") -> list[Part]:
    if len(pages) <= limit or len(bits) >= 16:
        return [Part(f"{name}-h{bits}" if bits else name, tuple(pages))]
    halves: tuple[list[IndexedPage], list[IndexedPage]] = ([], [])
    for page in pages:
        halves[_path_bit(page.path, len(bits))].append(page)
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
    indexed: list[str]   # parts written (merged from their pieces)
    reused: list[str]    # parts copied from the previous site
    pages: int
    read: dict[str, tuple[str, IndexedPage]] = field(default_factory=dict)  # for the next run's `known`
    pieces: list[str] = field(default_factory=list)  # pieces run through Pagefind
    kept: dict[str, tuple[str, PiecePages]] = field(default_factory=dict)  # key -> (token, pages), for `trusted`


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


def _no_space_left(folder: Path) -> bool:
    try:
        return os.statvfs(folder).f_bavail == 0
    except (OSError, AttributeError):  # no statvfs (Windows): nothing to go by
        return False


# -- pieces ---------------------------------------------------------------------------------------
# A piece is one run of the Pagefind binary: its bundle, read (pagefind_bundle.Contents) and kept
# in the pieces folder (in the build state) under its key, with only the fragments left as files.
# Making a piece's input folder, reading what Pagefind wrote and merging a part are done in worker
# processes (parallel.Workers): in threads they took turns with the build's own Python work (the
# meanwhile of build_index) for the one interpreter lock, so that of the two cores one did Python
# and the other waited.

def _piece_folder(store: Path, key: str) -> Path:
    return store / key


PiecePages = tuple[tuple[str, str], ...]  # (path, digest) of each page a piece was run over, in path order
SMALL_PIECE_SHARE = 8  # a kept piece giving a part fewer than PIECE_MAX_PAGES / 8 of its pages is small
SMALL_PIECES_MAX = 8   # a part merges at most this many small pieces (a new one counted); past it, they run again


@dataclass(frozen=True)
class PiecePlan:
    """A piece a part is merged from: one kept from an earlier run (`run` None) or one to run now,
    and the paths of the pages the part takes from it (None: all of them)."""
    key: str
    pages: PiecePages
    run: Part | None = None
    takes: frozenset[str] | None = None


def plan_pieces(part: Part, kept: Mapping[str, PiecePages], holding: Mapping[tuple[str, str], list[str]],
                version: str, piece_max_pages: int = PIECE_MAX_PAGES) -> list[PiecePlan]:
    """The pieces to merge `part` from: the kept pieces (`kept`, key -> pages; `holding`, page ->
    keys of the kept pieces with it) that hold the most of its pages as they are now, then its
    other pages in new pieces of consecutive paths. A kept piece is cut in the merge, so an added
    or edited article costs a run over itself, not over the hundreds of pages beside it; the
    small pieces that leaves behind are run again together once a part has more than a few."""
    wanted = {(page.path, page.digest) for page in part.pages}
    useful: dict[str, int] = {}
    for page in wanted:
        for key in holding.get(page, ()):
            useful[key] = useful.get(key, 0) + 1
    taken: dict[str, list[tuple[str, str]]] = {}
    covered: set[tuple[str, str]] = set()
    for key in sorted(useful, key=lambda key: (-useful[key], key)):
        pages = [page for page in kept[key] if page in wanted and page not in covered]
        if pages:
            taken[key] = pages
            covered.update(pages)
    small = [key for key, pages in taken.items() if len(pages) < piece_max_pages // SMALL_PIECE_SHARE]
    if len(small) + (len(covered) < len(wanted)) > SMALL_PIECES_MAX:
        for key in small:
            covered.difference_update(taken.pop(key))
    plans = [PiecePlan(key, kept[key], None, None if len(pages) == len(kept[key]) else
                       frozenset(path for path, _ in pages)) for key, pages in taken.items()]
    rest = [page for page in part.pages if (page.path, page.digest) not in covered]
    runs = -(-len(rest) // piece_max_pages)
    for number in range(runs):
        run = Part(f"{part.name}.{number}", tuple(rest[len(rest) * number // runs:len(rest) * (number + 1) // runs]))
        plans.append(PiecePlan(run.key(version), _piece_pages(run), run))
    return plans


def _load_piece(store: Path, key: str, stamp: str, token: str | None) -> str | None:
    """The token of the piece kept under `key`, if it is whole and (with a `token`) the very one
    written then; None when it has to be made again."""
    folder = _piece_folder(store, key)
    try:
        with open(folder / PIECE_MANIFEST, "rb") as stream:
            kept_stamp, sizes, digest, kept_token, _ = pickle.load(stream)
        if kept_stamp != stamp or token not in (None, kept_token):
            return None
        if any((folder / file).stat().st_size != size for file, size in sizes.items()):
            return None  # a file is missing or not as it was written: the piece is made again
        if _digest_of((folder / PIECE_CONTENTS).read_bytes()) != digest:
            return None  # the same size, other bytes
    except Exception:  # missing, damaged, or written by other code: the piece is made again
        return None
    return kept_token


def _stored_pieces(store: Path, stamp: str) -> dict[str, tuple[str, PiecePages]]:
    """The pieces in the store written by code of this `stamp`, by what their manifests say
    (when no record of a build names them)."""
    found = {}
    for folder in sorted(store.iterdir()) if store.is_dir() else []:
        if folder.name.startswith("."):
            continue  # what a run left unfinished
        try:
            with open(folder / PIECE_MANIFEST, "rb") as stream:
                kept_stamp, _, _, token, pages = pickle.load(stream)
        except Exception:  # noqa: BLE001 - not a piece, or damaged: not offered
            continue
        if kept_stamp == stamp:
            found[folder.name] = (token, pages)
    return found


def _index_piece(site_dir: Path, piece: Part, store: Path, key: str, stamp: str, executable: Path,
                 workers: parallel.Workers, scratch: str, cut_dir: Path | None = None) -> str:
    """One Pagefind run over the piece's pages, read and kept in the store; returns its token.
    `scratch` is a folder inside `site_dir` that this thread alone gives to Pagefind (see
    _link_pages), `cut_dir` where the pages read this build are cut (see indexed_pages)."""
    new = store / f".new-{key}"
    shutil.rmtree(new, ignore_errors=True)
    try:
        token = _run_piece(site_dir, piece, new, stamp, executable, workers, scratch, cut_dir)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)  # what a failed run left takes no space in the state
        raise
    target = _piece_folder(store, key)
    shutil.rmtree(target, ignore_errors=True)
    os.replace(new, target)
    return token


def _run_piece(site_dir: Path, piece: Part, new: Path, stamp: str, executable: Path,
               workers: parallel.Workers, scratch: str, cut_dir: Path | None) -> str:
    bundle = new / PIECE_BUNDLE
    # Pagefind over a folder holding only the piece's pages: hard links at their paths in the site,
    # so that it records the same URLs. A worker makes the links: a thread of the build waited for
    # the interpreter lock at each of them (12 s of a rebuild for 3,600 links that take 0.15 s).
    _in_worker(workers, ("link", str(site_dir), scratch, [page.path for page in piece.pages],
                         cut_dir and str(cut_dir)),
               f"cannot give the pages of {piece.name} to Pagefind")
    result = _run([str(executable), "--site", scratch, "--output-path", str(bundle), *_pagefind_options(), "--quiet"])
    if result.returncode != 0:
        raise _failure(result)
    if _no_space_left(new.parent):
        # Pagefind 1.5 exits 0 when its writes fail (seen on a full disk), leaving truncated files:
        # a file system left with no free space after it ran is taken as that.
        raise SearchIndexError(f"cannot write the search index ({new}): No space left on device; "
                               "the previous site is unchanged")
    if not (bundle / ENTRY_FILE).exists():
        raise SearchIndexError(f"Pagefind ran but wrote no {ENTRY_FILE} for the pages of {piece.name}")
    # Which run wrote it: a later build that fails may write a piece of the same key again.
    token = os.urandom(8).hex()
    _in_worker(workers, ("read", str(new), stamp, token, _piece_pages(piece)),
               f"cannot read the piece {piece.name} of the search index")
    return token


def _piece_pages(piece: Part) -> PiecePages:
    return tuple((page.path, page.digest) for page in piece.pages)


def _read_piece(folder: str, stamp: str, token: str, pages: PiecePages) -> None:
    """Keep what the merge reads of the bundle Pagefind wrote into `folder` in a pickle beside it,
    its pages in URL order, and of its files only the fragments and the search page's (in a
    worker process)."""
    new = Path(folder)
    bundle = new / PIECE_BUNDLE
    try:
        contents = in_url_order(read_bundle(bundle))
    except BundleError as error:
        raise SearchIndexError(f"Pagefind wrote a bundle this build cannot read ({error}): is the disk full, or "
                               "ARCHIVE_PAGEFIND another version than pagefind[bin] 1.5?") from None
    for path in bundle.iterdir():  # what the merge reads is kept in the pickle; the fragments stay
        if path.name in ("index", "filter"):
            shutil.rmtree(path)
        elif path.suffix == ".pf_meta" or path.name in UNUSED_FILES:
            path.unlink()
    data = pickle.dumps(contents, protocol=pickle.HIGHEST_PROTOCOL)
    (new / PIECE_CONTENTS).write_bytes(data)
    sizes = {f"{PIECE_BUNDLE}/{file}": (bundle / file).stat().st_size for file in contents.files()}
    sizes[PIECE_CONTENTS] = len(data)
    with open(new / PIECE_MANIFEST, "wb") as stream:
        pickle.dump((stamp, sizes, _digest_of(data), token, pages), stream, protocol=pickle.HIGHEST_PROTOCOL)


def _digest_of(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _link_pages(site_dir: str, scratch: str, paths: list[str], cut_dir: str | None = None) -> None:
    """Make the folder `scratch` hold hard links to the site's pages `paths` at those paths, and no
    other file (in a worker process): to a page's cut form in `cut_dir` where this build wrote one
    (the same index for less of Pagefind's time), else to the page itself. The folder is given one
    piece after another: the last piece's links are removed, its folders kept (the pages are files
    of one folder, articles/)."""
    root = Path(scratch)
    wanted = set(paths)
    for folder, _, files in os.walk(root):
        held = Path(folder)
        relative = held.relative_to(root).as_posix()
        for name in files:
            if (name if relative == "." else f"{relative}/{name}") not in wanted:
                os.unlink(held / name)
    made: set[Path] = set()
    for path in sorted(paths):
        target = root / path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if target.exists():
            target.unlink()  # a link left by a run that failed
        cut = Path(cut_dir) / path if cut_dir is not None else None
        link_or_copy(cut if cut is not None and cut.exists() else Path(site_dir) / path, target)


def _merge_part(target: str, name: str, pieces: list[tuple[str, frozenset[str] | None]],
                sort_values: dict[str, str], word_offsets: str | None = None) -> None:
    """Write the part `name` into `target` from the pieces kept in those folders, of each the pages
    of those URLs (None: all), sorted by date by `sort_values` (url -> value; in a worker process),
    and its words' offsets into the file `word_offsets` (see word_offsets_file)."""
    bundles, selected = [], []
    for name_of_folder, urls in pieces:
        folder = Path(name_of_folder)
        try:
            with open(folder / PIECE_CONTENTS, "rb") as stream:
                contents = pickle.load(stream)
            if not isinstance(contents, Contents):
                raise TypeError(f"a {type(contents).__name__}")
        except Exception as error:  # noqa: BLE001 - damaged after its digest was checked: made again next time
            shutil.rmtree(folder, ignore_errors=True)
            raise SearchIndexError(f"a kept piece of the search index is damaged ({folder}: {error!r}); it was "
                                   "removed, and the next build makes it again") from None
        bundles.append((folder / PIECE_BUNDLE, contents))
        selected.append(None if urls is None else {number for number, url in enumerate(contents.urls) if url in urls})
    write_merged(Path(target), name, bundles, selected, {DATE_SORT_KEY: sort_values},
                 Path(word_offsets) if word_offsets else None)


def _index_task(task: tuple) -> None:
    """What parallel.Workers runs for build_index: a piece's input folder made, a piece read, or a
    part merged."""
    kind, *arguments = task
    with collector.paused():  # a bundle is hundreds of thousands of tuples, and no cycle
        {"link": _link_pages, "read": _read_piece, "merge": _merge_part}[kind](*arguments)


def _in_worker(workers: parallel.Workers, task: tuple, failing: str) -> None:
    try:
        workers.submit(task).result()
    except parallel.WorkerError as error:
        raise SearchIndexError(f"{failing} ({error})") from None


def _prune_store(store: Path, keep: set[str]) -> None:
    for path in store.iterdir():
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


# -- parts ----------------------------------------------------------------------------------------

def part_keys(site_dir: Path | None) -> dict[str, str]:
    """The parts of the index in `site_dir` (name -> key, in date order), as its parts.json lists
    them; none when there is no index there of this layout."""
    if site_dir is None:
        return {}
    try:
        listing = json.loads((site_dir / PAGEFIND_DIR / PARTS_FILE).read_text(encoding="utf-8"))
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


class IndexWorkers:
    """The processes build_index hands its tasks to: pieces' links and reads in one for each core,
    merges in one (see _write_parts). Started by the threads that hand them their first tasks,
    beside the feeds the build writes meanwhile, they kept a rebuild's first Pagefind run waiting
    until 0.73 s after the index stage's start, and its first merge 0.28 s after its pieces were
    read: a caller can start them ahead (start()), beside work that leaves a core idle, and hand
    them to build_index, which ends them (leaving the block ends them too)."""

    def __init__(self) -> None:
        self.pieces = parallel.Workers(_index_task, _cores())
        self.merges = parallel.Workers(_index_task, 1)

    def start(self) -> None:
        """Start the processes now (no thread: the caller may still fork)."""
        self.pieces.prestart()
        self.merges.prestart()

    def __enter__(self) -> "IndexWorkers":
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            self.pieces.__exit__(*exc_info)
        finally:
            self.merges.__exit__(*exc_info)


def prefork_index_workers() -> None:
    """Fork the processes of an IndexWorkers ahead (parallel.prefork), the pieces' and the merges'."""
    parallel.prefork(_index_task, _cores() + 1)


def _copy_tree(source: Path, target: Path) -> None:
    shutil.copytree(source, target, copy_function=lambda s, t: link_or_copy(Path(s), Path(t)))


def build_index(site_dir: Path, previous_site: Path | None = None, executable: Path | None = None,
                part_max_pages: int = PART_MAX_PAGES, known: Mapping[str, tuple[str, IndexedPage]] | None = None,
                file_digests: Mapping[str, str] | None = None, pieces_dir: Path | None = None,
                piece_max_pages: int = PIECE_MAX_PAGES, stamp: str = "",
                trusted: Mapping[str, tuple[str, PiecePages]] | None = None,
                discard: Callable[[Path], None] = shutil.rmtree,
                meanwhile: Callable[[bool], None] = lambda running: None,
                on_part: Callable[[str, str], None] = lambda name, key: None,
                word_offsets_dir: Path | None = None, workers: IndexWorkers | None = None) -> IndexSummary:
    """Write `pagefind/` into `site_dir`: one Pagefind bundle per part and `pagefind/parts.json`.

    `previous_site` is an earlier build of the same site (or `site_dir` itself, indexed before):
    parts whose input pages are unchanged are taken from it instead of being indexed again. A part
    to write is merged from its pieces; `pieces_dir` keeps the pieces for the next run (those
    written by code with another `stamp` are made again), none are kept without it. With
    `trusted` (the summary's `kept` of a run whose build succeeded), only the pieces it names, as
    written then, are taken from the store: a build that failed, on a full disk say, may have
    left pieces that look whole. Without it, the store's pieces are taken by their manifests.
    `file_digests` (every file in `site_dir` with its digest, when known) spares listing the folder,
    and with `known` reading the pages unchanged since the run that returned `known` in its
    summary's `read` (see indexed_pages). `discard` deletes a folder of the index being replaced,
    and the folder of the pages cut for Pagefind when it holds many (the build hands them to a
    background removal). `meanwhile(running)` is called once, while Pagefind
    runs (the build writes the site's other files then: Pagefind's runs are processes of their own,
    so both cores work); `running` tells whether any run or merge is going, in threads that wait
    for it, beside which the caller must not fork. `on_part(name, key)` is called once a part is in
    place in `site_dir` (kept, or merged: then from another thread, maybe while `meanwhile` runs;
    it must not wait for the index), so that the caller can start reading it. A part merged here
    has its words' offsets written into `word_offsets_dir` (see word_offsets_file). `workers`: the
    processes to use, maybe started ahead (IndexWorkers), which are ended here. Raises
    SearchIndexError with Pagefind's own message.
    """
    executable = executable or pagefind_executable()
    version = pagefind_version(executable)
    # (Inside the site: hard links need the same file system. Removed when the index is written.)
    cut_dir = Path(tempfile.mkdtemp(dir=site_dir, prefix=".index-pages-"))
    try:
        summary = _build_index(site_dir, previous_site, executable, version, part_max_pages, known, file_digests,
                               pieces_dir, piece_max_pages, stamp, trusted, discard, meanwhile, on_part,
                               word_offsets_dir, workers, cut_dir)
    except BaseException:
        shutil.rmtree(cut_dir, ignore_errors=True)
        raise
    if len(os.listdir(cut_dir / "articles")) >= PAGES_READ_IN_PROCESSES:
        discard(cut_dir)
    else:  # (a rebuild's few: at once, rather than a folder put aside and a process started)
        shutil.rmtree(cut_dir, ignore_errors=True)
    return summary


def _build_index(site_dir: Path, previous_site: Path | None, executable: Path, version: str, part_max_pages: int,
                 known: Mapping[str, tuple[str, IndexedPage]] | None, file_digests: Mapping[str, str] | None,
                 pieces_dir: Path | None, piece_max_pages: int, stamp: str,
                 trusted: Mapping[str, tuple[str, PiecePages]] | None, discard: Callable[[Path], None],
                 meanwhile: Callable[[bool], None], on_part: Callable[[str, str], None],
                 word_offsets_dir: Path | None, workers: IndexWorkers | None, cut_dir: Path) -> IndexSummary:
    (cut_dir / "articles").mkdir()  # where every indexed page is (INDEXED_PAGES)
    pages = indexed_pages(site_dir, known, file_digests, cut_dir)
    parts = plan_parts(pages, part_max_pages)
    keys = {part.name: part.key(version) for part in parts}
    previous_keys = part_keys(previous_site)
    staged_keys = part_keys(site_dir)  # an index already in the folder (an earlier build's)
    output = site_dir / PAGEFIND_DIR
    if output.exists():
        for entry in output.iterdir():
            keep = (entry.is_dir() and not entry.is_symlink() and entry.name in keys
                    and staged_keys.get(entry.name) == keys[entry.name])
            if not keep:
                discard(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    output.mkdir(parents=True, exist_ok=True)
    (output / PARTS_FILE).unlink(missing_ok=True)  # written last: a half-built index has none

    to_write, reused = [], []
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
        to_write.append(part)
    for name in reused:
        on_part(name, keys[name])

    with tempfile.TemporaryDirectory(prefix="archive-pieces-") as scratch:
        store = pieces_dir or Path(scratch)
        store.mkdir(parents=True, exist_ok=True)
        offered = dict(trusted) if trusted is not None else _stored_pieces(store, stamp)
        holding: dict[tuple[str, str], list[str]] = {}
        for key, (_, piece_pages) in offered.items():
            for page in piece_pages:
                holding.setdefault(page, []).append(key)
        # The kept pieces the parts to write could take are checked before they are offered: a
        # piece that is not whole, or not the one a trusted build wrote, is made again.
        tokens: dict[str, str] = {}
        for key in sorted({key for part in to_write for page in part.pages
                           for key in holding.get((page.path, page.digest), ())}):
            token = _load_piece(store, key, stamp, offered[key][0])
            if token is None:
                for page in offered.pop(key)[1]:
                    holding[page].remove(key)
            else:
                tokens[key] = token
        plans = {part.name: plan_pieces(part, {key: found for key, (_, found) in offered.items()}, holding,
                                        version, piece_max_pages) for part in parts}
        ran, tokens = _write_parts(site_dir, output, to_write, plans, tokens, store, stamp, executable, meanwhile,
                                   lambda name: on_part(name, keys[name]), word_offsets_dir,
                                   workers or IndexWorkers(), cut_dir)
        # The pieces of parts not written this time are as the trusted run left them; a part kept
        # whole from the previous site whose pieces are not offered (lost, or written by other
        # code) has its pages run when it changes, and what the store holds of them is dropped.
        kept = {plan.key: (tokens.get(plan.key) or offered.get(plan.key, ("",))[0], plan.pages)
                for found in plans.values() for plan in found if plan.run is None or plan.key in tokens}
        kept = {key: value for key, value in kept.items() if value[0]}
        if pieces_dir is not None:
            _prune_store(store, set(kept))

    listing = {"format": PARTS_FORMAT,
               "parts": [{"name": part.name, "pages": len(part.pages), "dated": part.pages[0].day is not None,
                          "key": keys[part.name]} for part in parts]}
    (output / PARTS_FILE).write_text(json.dumps(listing, separators=(",", ":")), encoding="utf-8")
    file_digests = file_digests or {}
    read = {page.path: (file_digests[page.path], page) for page in pages if page.path in file_digests}
    return IndexSummary(len(parts), [part.name for part in to_write], reused, sum(len(part.pages) for part in parts),
                        read, ran, kept if pieces_dir is not None else {})


class _InputFolders:
    """A folder inside the site for each thread that runs Pagefind, given to it piece after piece
    (see _link_pages), and removed when the runs are over (left after the thread pool). Inside the
    site folder: hard links need the same file system, and a failed build leaves nothing beside it."""

    def __init__(self, site_dir: Path) -> None:
        self._site_dir = site_dir
        self._local = threading.local()
        self._made: list[str] = []
        self._lock = threading.Lock()

    def folder(self) -> str:
        if not hasattr(self._local, "folder"):
            self._local.folder = tempfile.mkdtemp(dir=self._site_dir, prefix=".index-input-")
            with self._lock:
                self._made.append(self._local.folder)
        return self._local.folder

    def __enter__(self) -> "_InputFolders":
        return self

    def __exit__(self, *failure) -> None:
        for folder in self._made:
            shutil.rmtree(folder, ignore_errors=True)


def _write_parts(site_dir: Path, output: Path, parts: list[Part], plans: dict[str, list[PiecePlan]],
                 tokens: dict[str, str], store: Path, stamp: str, executable: Path,
                 meanwhile: Callable[[bool], None], on_written: Callable[[str], None],
                 word_offsets_dir: Path | None, processes: IndexWorkers,
                 cut_dir: Path | None = None) -> tuple[list[str], dict[str, str]]:
    """Merge each part from its pieces, running Pagefind over those not in the store (`tokens`:
    the kept pieces checked whole), and call `meanwhile` once the runs have started. A part is
    merged as soon as its last piece is there, while `meanwhile` still runs, and `on_written(name)`
    is called once it is written (from another thread, or from the one that submitted the merge,
    with this function's lock held: it must not wait for the index); what it raises is raised
    here. Returns the names of the pieces run and the token of every piece used."""
    tokens = dict(tokens)
    missing: dict[str, Part] = {}
    for part in parts:
        for plan in plans[part.name]:
            if plan.key not in tokens and plan.run is not None:
                missing.setdefault(plan.key, plan.run)
    # Pieces are independent runs of the binary: as many at once as there are cores. Pieces' links
    # and reads in one set of workers, merges in another (one at a time: a merge holds its part's
    # pieces), so that a run never waits behind a merge. The thread of the run that completes a
    # part submits its merge (when the main thread did, after `meanwhile`, merges waited for the
    # site's other files to be written: 3-4 s of a 31k rebuild). (The runs are left first: a run
    # under way still hands its piece to the workers.)
    lock = threading.Lock()
    waiting: dict[str, set[str]] | None = None  # part -> pieces it waits for, once all runs are known
    merging: list[tuple[str, Future]] = []
    failed = False
    handing_errors: list[BaseException] = []

    def hand_on(done: Future, name: str) -> None:
        # A future's callback: what it raises would only be logged, so it is raised by the main thread.
        if not done.cancelled() and done.exception() is None:
            try:
                on_written(name)
            except Exception as error:  # noqa: BLE001 - raised after the merges
                handing_errors.append(error)

    def merge_ready() -> None:  # with the lock held
        for part in parts:
            if waiting is not None and part.name in waiting and not waiting[part.name] and not failed:
                del waiting[part.name]
                task = ("merge", str(output / part.name), part.name,
                        [(str(_piece_folder(store, plan.key)),
                          None if plan.takes is None else frozenset(map(page_url, plan.takes)))
                         for plan in plans[part.name]],
                        {page.url: page.sorted_by for page in part.pages if page.sorted_by is not None},
                        None if word_offsets_dir is None else str(word_offsets_file(word_offsets_dir, part.name)))
                future = processes.merges.submit(task)
                future.add_done_callback(lambda done, name=part.name: hand_on(done, name))
                merging.append((part.name, future))

    def run_piece(key: str, piece: Part) -> None:
        nonlocal failed
        try:
            token = _index_piece(site_dir, piece, store, key, stamp, executable, processes.pieces, inputs.folder(),
                                 cut_dir)
        except BaseException:
            with lock:
                failed = True  # no part is merged from here on: the build fails
            raise
        with lock:
            tokens[key] = token
            for keys in (waiting or {}).values():
                keys.discard(key)
            merge_ready()

    with _InputFolders(site_dir) as inputs, processes, ThreadPoolExecutor(max_workers=_cores()) as runs:
        running: list[Future] = []

        try:
            for key, piece in missing.items():
                running.append(runs.submit(run_piece, key, piece))
            # A part made only of kept pieces, or of them and runs that end early, is merged beside
            # `meanwhile`.
            with lock:
                waiting = {part.name: {plan.key for plan in plans[part.name] if plan.key not in tokens}
                           for part in parts}
                merge_ready()
            meanwhile(bool(running or merging))
            for future in as_completed(running):
                future.result()
            for name, future in merging:
                try:
                    future.result()
                except (BundleError, parallel.WorkerError) as error:  # (a damaged piece names itself)
                    raise SearchIndexError(f"cannot merge the part {name} of the search index ({error})") from None
            if handing_errors:
                raise handing_errors[0]
        except BaseException:
            # One failure fails the build: the runs not yet started are not started (on a full
            # disk they would only leave more broken pieces), nor the merges.
            runs.shutdown(wait=False, cancel_futures=True)
            with lock:
                failed = True
                for _, future in merging:
                    future.cancel()
            raise
    return sorted(missing[key].name for key in missing), tokens
