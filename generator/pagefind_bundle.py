"""Pagefind 1.5's bundle format: what one run of the binary wrote, read for merging, and one
bundle written from several.

A part of the search index (search.py) is written here from the bundles of its pieces, each a
run of the Pagefind binary over some of the part's pages, so that a new article costs one small run
and a merge instead of a run over the whole part. The merged bundle is what Pagefind itself would
search, and depends only on the pages merged, not on how they were cut into runs: its pages are in
URL order. A piece is kept with its pages in URL order too (Pagefind numbers them in the order it
finds their files), so that a piece cut from consecutive pages is one block of the merged bundle
whose lists of postings are copied whole, every page number moved by the pages before it; a piece
kept from an earlier build, some of its pages since changed or with new pages among them, is cut
into the runs of its pages that stay consecutive.

A bundle (gzipped files that start with `pagefind_dcd`, then CBOR):
- `pagefind.<lang>_<hash>.pf_meta`: [version, [[page id, word count], ...], [[first word, last
  word, chunk], ...], [[filter, file], ...], [[sort, [page, ...]], ...], [meta field, ...]];
- `index/<chunk>.pf_index`: [[[word, [posting, ...], [[variant, [posting, ...]], ...]], ...]],
  the words in byte order, a posting [page, [location, ...], [meta location, ...]] whose page
  is the difference from the posting before it (the first from 0);
- `filter/<file>.pf_filter`: [filter, [[value, [page, ...]], ...]], absolute page numbers;
- `fragment/<page id>.pf_fragment`: what a result shows (JSON), which names no page number.
Pagefind writes filters and sorts in hash-map order and cuts its word index into chunks of about
60 KB; the merged bundle has them in name order and its word index cut by prefix (below), so that
its bytes depend only on its pages. A sort's order is worked out from the pages' values, which the
caller gives (a bundle holds only the order).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import shutil
from array import array
from dataclasses import dataclass, field
from itertools import accumulate, groupby
from pathlib import Path

import deflate

HEADER = b"pagefind_dcd"
# libdeflate's levels. The word index is most of a part's bytes and of a merge's compressing: at 6,
# a 3,745-page part's chunks take 0.14 s and 5.08 MB, against zlib's 0.29 s and 5.44 MB at its
# level 3 (used before) or 1.22 s and 5.05 MB at 9. The other files are small: as small as can be.
INDEX_COMPRESSION = 6
COMPRESSION = 9
COMPRESSOR = f"libdeflate {deflate.__version__}"  # another version may write other bytes: parts are keyed by it
ENTRY_FILE = "pagefind-entry.json"
# Pagefind writes its default UI with every bundle; the search page uses none of it.
UNUSED_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js",
                "wasm.unknown.pagefind")


class BundleError(Exception):
    """A bundle this code cannot read (another Pagefind version, a damaged file)."""


# -- CBOR, as far as Pagefind uses it ----------------------------------------------------------------
# A decoded node is (major type, payload): an int for 0 and 1, bytes for 2 and 3, a list of nodes
# for 4 (Pagefind writes no maps). Definite lengths only, the shortest head, as Pagefind writes.

def _head(data: bytes, i: int) -> tuple[int, int, int]:
    major, info = data[i] >> 5, data[i] & 31
    i += 1
    if info < 24:
        return major, info, i
    size = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
    if size is None:
        raise ValueError("indefinite or reserved CBOR length")
    return major, int.from_bytes(data[i:i + size], "big"), i + size


def decode(data: bytes, i: int = 0):
    major, arg, i = _head(data, i)
    if major in (0, 1):
        return (major, arg), i
    if major in (2, 3):
        return (major, data[i:i + arg]), i + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, i = decode(data, i)
            items.append(item)
        return (major, items), i
    raise ValueError(f"unexpected CBOR major type {major}")


def head(major: int, arg: int) -> bytes:
    kind = major << 5
    if arg < 24:
        return bytes((kind | arg,))
    if arg < 0x100:
        return bytes((kind | 24, arg))
    if arg < 0x10000:
        return bytes((kind | 25, arg >> 8, arg & 0xFF))
    if arg < 0x100000000:
        return bytes((kind | 26,)) + arg.to_bytes(4, "big")
    return bytes((kind | 27,)) + arg.to_bytes(8, "big")


def encode(node) -> bytes:
    major, payload = node
    if major in (0, 1):
        return head(major, payload)
    if major in (2, 3):
        return head(major, len(payload)) + payload
    return head(major, len(payload)) + b"".join(encode(item) for item in payload)


def _text(value: str) -> tuple[int, bytes]:
    return (3, value.encode("utf-8"))


def _plain(node):
    major, payload = node
    if major == 0:
        return payload
    if major == 1:
        return -1 - payload
    if major == 3:
        return payload.decode("utf-8")
    if major == 2:
        return payload
    return [_plain(item) for item in payload]


def read_file(path: Path):
    """The decoded CBOR of one of a bundle's files (plain Python values)."""
    raw = read_bytes(path)
    node, end = decode(raw)
    if end != len(raw):
        raise BundleError(f"{path.name}: trailing bytes")
    return _plain(node)


def gzipped(data: bytes, level: int = COMPRESSION) -> bytes:
    """`data` gzipped, as Pagefind's files are (by libdeflate: smaller and faster than zlib)."""
    return bytes(deflate.gzip_compress(data, level))


def gunzipped(data: bytes) -> bytes:
    """The bytes of a gzip file (ValueError when it is not one, or is damaged)."""
    try:
        return bytes(deflate.gzip_decompress(data))
    except deflate.DeflateError as error:
        raise ValueError(f"not a whole gzip file ({error})") from None


def read_bytes(path: Path) -> bytes:
    """The CBOR of one of a bundle's files, after its signature."""
    raw = gunzipped(path.read_bytes())
    if not raw.startswith(HEADER):
        raise BundleError(f"{path.name}: not a Pagefind file")
    return raw[len(HEADER):]


def _write(path: Path, content: bytes, level: int = COMPRESSION) -> None:
    path.write_bytes(gzipped(HEADER + content, level))


def _hashed(lang: str, content: bytes, digits: int) -> str:
    return f"{lang}_{hashlib.sha256(HEADER + content).hexdigest()[:digits]}"


# -- postings ------------------------------------------------------------------------------------

_WIDTH = [0] * 256  # bytes taken by a CBOR integer, by its first byte
_NO_PAGE = 1 << 62  # past any page number
for _byte in range(256):
    _info = _byte & 31
    _WIDTH[_byte] = 1 if _info < 24 else {24: 2, 25: 3, 26: 5, 27: 9}.get(_info, 1)


# One word's (or one variant's) postings in one bundle, as a merge needs them: a tuple rather
# than a class, since a bundle holds hundreds of thousands and they are pickled with the piece.
# (count, page of the first posting, the postings' bytes after that page number, page of the last
# posting: the sum of the differences)
Postings = tuple[int, int, bytes, int]
# (word, its postings, ((variant, its postings), ...))
Word = tuple[bytes, Postings, tuple[tuple[bytes, Postings], ...]]


def _postings(data: bytes, i: int) -> tuple[Postings, int]:
    # The hot loop of reading a bundle (a posting per word per page): small heads are read inline.
    _, count, i = _head(data, i)
    last, first, rest, width = 0, 0, i, _WIDTH
    for number in range(count):
        if data[i] != 0x83:
            raise ValueError("a posting is not a 3-array")
        page = data[i + 1]
        if page < 24:
            i += 2
        elif page == 24:
            page = data[i + 2]
            i += 3
        else:
            _, page, i = _head(data, i + 1)
        last += page
        if not number:
            first, rest = page, i
        # the locations, then the meta locations: integers only
        length = data[i] - 0x80
        if 0 <= length < 24:
            i += 1
        else:
            _, length, i = _head(data, i)
        while length:
            i += width[data[i]]
            length -= 1
        length = data[i] - 0x80
        if length == 0:
            i += 1
            continue
        if 0 < length < 24:
            i += 1
        else:
            _, length, i = _head(data, i)
        while length:
            i += width[data[i]]
            length -= 1
    return (count, first, data[rest:i], last), i


def chunk_words(data: bytes) -> list[Word]:
    """The words of an index chunk (its bytes after the signature), in its order."""
    if data[:1] != b"\x81":
        raise ValueError("an index chunk is not a 1-array")
    _, count, i = _head(data, 1)
    words = []
    for _ in range(count):
        word, i = word_at(data, i)
        words.append(word)
    if i != len(data):
        raise ValueError("trailing bytes")
    return words


def word_at(data: bytes, i: int) -> tuple[Word, int]:
    """The word entry starting at `i` of a chunk's bytes, and where the next one starts."""
    if data[i] != 0x83:
        raise ValueError("a word entry is not a 3-array")
    _, length, i = _head(data, i + 1)
    word = data[i:i + length]
    postings, i = _postings(data, i + length)
    _, count_variants, i = _head(data, i)
    variants = []
    for _ in range(count_variants):
        if data[i] != 0x82:
            raise ValueError("a variant is not a 2-array")
        _, length, i = _head(data, i + 1)
        variant = data[i:i + length]
        found, i = _postings(data, i + length)
        variants.append((variant, found))
    return (word, postings, tuple(variants)), i


_SMALL = [head(0, n) for n in range(256)]


def _merged_postings(found: list[tuple[Postings, int]]) -> bytes:
    """One list of postings from the bundles' lists (each with the number of its bundle's first
    page), in page order: the CBOR of the count and the postings."""
    total, blobs, last = 0, [], 0
    for (count, first, rest, last_page), offset in found:
        if count:
            delta = offset + first - last
            if delta < 0:
                raise ValueError("postings not in page order")
            blobs += [b"\x83", _SMALL[delta] if delta < 256 else head(0, delta), rest]
            total += count
            last = offset + last_page
    return b"".join([head(4, total), *blobs])


# A location's weight before any is given: Pagefind's module starts at 25 (24 is its weight 1.0,
# which the binary writes before every run of locations, so that no location it writes has this one).
DEFAULT_WEIGHT = 25
MAX_FIELDS = 63  # meta fields a summary tells apart (a bit each in a 64-bit integer)


def postings_summary(postings: Postings) -> tuple[list[int], list[int], list[int], list[int], list[int]]:
    """Each posting's page, the least and the most its locations can weigh together, its meta fields
    (a bit per field number) and where its locations start in the postings' data (for
    `posting_locations`), as Pagefind's search module reads them: a negative number among the
    locations sets the weight of those after it, -(weight + 1), and starts their positions again
    (each is the difference from the one before it); a weight is 24 times the element's
    `data-pagefind-weight`. The module counts a position once, at the weight of whichever of its
    locations its unstable sort puts first, so a position listed at two weights (a word of the
    text and of a hidden element of the page) counts at one of them."""
    # The hot loop of the first pages of results: integers below 2^16 are read inline.
    count, page, data, _ = postings
    pages, lows, highs, fields, starts = [], [], [], [], []
    i = 0
    for number in range(count):
        if number:  # the posting's head (a 3-array), then its page number
            byte = data[i + 1]
            if byte < 24:
                page += byte
                i += 2
            elif byte == 24:
                page += data[i + 2]
                i += 3
            else:
                _, difference, i = _head(data, i + 1)
                page += difference
        starts.append(i)
        length = data[i] - 0x80
        if 0 <= length < 24:
            i += 1
        else:
            _, length, i = _head(data, i)
        weight, total, position, runs, positions, again = DEFAULT_WEIGHT, 0, 0, [], [], False
        while length:
            length -= 1
            byte = data[i]
            if byte < 24:  # a location
                if not byte:
                    again = True  # (a difference of 0: the position before, again)
                position += byte
                i += 1
            elif byte == 24:
                position += data[i + 1]
                i += 2
            elif byte == 25:
                position += (data[i + 1] << 8) | data[i + 2]
                i += 3
            elif byte < 0x20:
                _, value, i = _head(data, i)
                position += value
            else:  # a weight
                if byte < 0x38:
                    weight = byte - 0x20
                    i += 1
                elif byte == 0x38:
                    weight = data[i + 1]
                    i += 2
                else:
                    _, weight, i = _head(data, i)
                    weight = min(weight, 255)
                position = 0
                runs.append((len(positions), weight))
                continue
            total += weight
            positions.append(position)
        low = high = total
        if (again or len(runs) > 1 or (runs and runs[0][0])) and len(set(positions)) < len(positions):
            weights: dict[int, tuple[int, int]] = {}
            runs.insert(0, (0, DEFAULT_WEIGHT))  # the locations before any weight is given
            for (begin, weight), (end, _) in zip(runs, [*runs[1:], (len(positions), 0)]):
                for position in positions[begin:end]:
                    least, most = weights.get(position, (weight, weight))
                    weights[position] = (min(least, weight), max(most, weight))
            low = sum(least for least, _ in weights.values())
            high = sum(most for _, most in weights.values())
        mask = 0
        if data[i] == 0x80:
            i += 1
        else:
            _, length, i = _head(data, i)
            field = -1
            while length:  # -(field + 1), then the field's positions
                length -= 1
                byte = data[i]
                if byte < 24:
                    i += 1
                    if field >= 0:
                        mask |= 1 << field
                    continue
                major, value, i = _head(data, i)
                if major == 1:
                    if value >= MAX_FIELDS:
                        raise ValueError(f"a meta location names field {value}")
                    field = value
                elif field >= 0:
                    mask |= 1 << field
        pages.append(page)
        lows.append(low)
        highs.append(high)
        fields.append(mask)
    return pages, lows, highs, fields, starts


def posting_locations(data: bytes, start: int) -> list[tuple[int, int]]:
    """The (position, weight) of each location of the posting whose locations start at `start` in
    the postings' data (as `postings_summary` gives it)."""
    _, length, i = _head(data, start)
    weight, position, found = DEFAULT_WEIGHT, 0, []
    for _ in range(length):
        major, value, i = _head(data, i)
        if major == 1:
            weight, position = min(value, 255), 0
        else:
            position += value
            found.append((position, weight))
    return found


def filter_chunk(name: str, values: dict[str, list[int]]) -> bytes:
    """A filter file's CBOR: the filter's name, then each value (in byte order) with its pages."""
    return encode((4, [_text(name), (4, [(4, [_text(value), (4, [(0, page) for page in values[value]])])
                                         for value in sorted(values, key=str.encode)])]))


# -- reading one bundle --------------------------------------------------------------------------

@dataclass
class Contents:
    """What a merge needs of one bundle: everything but its fragments, which stay files."""
    language: str
    entry: dict                              # pagefind-entry.json
    version: str
    pages: list[tuple[str, int]]             # (page id, word count), in page number order
    words: list[Word]                        # in byte order (tuples, see Postings)
    filters: dict[str, dict[str, list[int]]]  # filter -> value -> pages
    sorts: dict[str, list[int]]              # sort -> pages in its order
    fields: list[str]                        # the meta fields of the pages, in byte order
    static: list[str]                        # the other files the search page loads (scripts, module)
    urls: list[str] = field(default_factory=list)  # each page's URL (from its fragment)
    page_fields: list[tuple[str, ...]] = field(default_factory=list)  # each page's meta fields

    def files(self) -> list[str]:
        """The files of the bundle a merge reads, relative to its folder."""
        return [*self.static, *(f"fragment/{page}.pf_fragment" for page, _ in self.pages)]


def read_bundle(folder: Path) -> Contents:
    """Read what Pagefind wrote into `folder`. Raises BundleError when it is not what this reads."""
    try:
        entry = json.loads((folder / ENTRY_FILE).read_text(encoding="utf-8"))
        (language, info), = entry["languages"].items()
        meta = read_file(folder / f"pagefind.{info['hash']}.pf_meta")
        version, pages, chunks, filter_files, sorts, fields = meta
        words: list[Word] = []
        for _first, _last, chunk in chunks:
            found = chunk_words(read_bytes(folder / "index" / f"{chunk}.pf_index"))
            ordered = [word for word, _, _ in words[-1:] + found]  # (a merge relies on byte order)
            if any(after <= before for before, after in zip(ordered, ordered[1:])):
                raise ValueError(f"index chunk {chunk}: words out of order")
            words += found
        filters = {}
        for name, file in filter_files:
            filter_name, values = read_file(folder / "filter" / f"{file}.pf_filter")
            filters[filter_name] = {value: pages_of for value, pages_of in values}
        static = sorted(path.name for path in folder.iterdir() if path.is_file() and path.name != ENTRY_FILE
                        and path.suffix != ".pf_meta" and path.name not in UNUSED_FILES)
        fragments = [_fragment(folder / "fragment" / f"{page_id}.pf_fragment") for page_id, _ in pages]
        page_fields = [tuple(sorted(fragment.get("meta", {}), key=str.encode)) for fragment in fragments]
        if sorted({name for names in page_fields for name in names}, key=str.encode) != list(fields):
            # A page's fields are its fragment's meta: a merge that leaves pages out relies on it.
            raise ValueError("the meta fields are not those of the pages' fragments")
        return Contents(language, entry, version, [(page_id, count) for page_id, count in pages], words, filters,
                        {name: order for name, order in sorts}, list(fields), static,
                        [fragment["url"] for fragment in fragments], page_fields)
    except (OSError, EOFError, ValueError, KeyError, TypeError, IndexError, BundleError) as error:
        raise BundleError(f"{folder}: {error}") from None


def _fragment(path: Path) -> dict:
    return json.loads(read_bytes(path))


# -- pages in URL order ---------------------------------------------------------------------------

def _walk(postings: Postings, stop: int = _NO_PAGE) -> list[tuple[int, int, int]]:
    """(page, start, end) of each posting: its bytes after its page number, as offsets in the
    postings' data (the first posting's page number is not in the data); from the first posting
    on a page >= `stop`, one (page, start, -1) for it and all after it, which are not walked. The
    same walk as _postings, written out again: a helper called per posting would slow both hot
    loops."""
    count, page, data, _ = postings
    found, i, width = [], 0, _WIDTH
    for number in range(count):
        if number:  # the posting's head (a 3-array), then its page number, small ones inline
            difference = data[i + 1]
            if difference < 24:
                i += 2
            elif difference == 24:
                difference = data[i + 2]
                i += 3
            else:
                _, difference, i = _head(data, i + 1)
            page += difference
        start = i
        if page >= stop:
            found.append((page, start, -1))
            break
        for _ in range(2):  # the locations, then the meta locations: integers only
            length = data[i] - 0x80
            if 0 <= length < 24:
                i += 1
            else:
                _, length, i = _head(data, i)
            while length:
                i += width[data[i]]
                length -= 1
        found.append((page, start, i))
    return found


def _from_walked(data: bytes, walked: list[tuple[int, int, int]]) -> Postings:
    """Postings holding the walked postings, in their order (the pages increasing)."""
    blobs = [data[walked[0][1]:walked[0][2]]]
    for (before, _, _), (page, start, end) in zip(walked, walked[1:]):
        difference = page - before
        blobs += [b"\x83", _SMALL[difference] if difference < 256 else head(0, difference), data[start:end]]
    return len(walked), walked[0][0], b"".join(blobs), walked[-1][0]


def _renumbered_pages(postings: Postings, numbers: list[int]) -> Postings:
    count, first, data, last = postings
    if count == 0:
        return postings
    if count == 1:
        return 1, numbers[first], data, numbers[first]
    walked = sorted((numbers[page], start, end) for page, start, end in _walk(postings))
    return _from_walked(data, walked)


def _renumbered_words(words: list[Word], numbers: list[int]) -> list[Word]:
    return [(word, _renumbered_pages(postings, numbers),
             tuple((variant, _renumbered_pages(found, numbers)) for variant, found in variants))
            for word, postings, variants in words]


def in_url_order(contents: Contents) -> Contents:
    """The bundle with its pages numbered in URL order (the same bundle when they are)."""
    order = sorted(range(len(contents.pages)), key=contents.urls.__getitem__)
    if order == list(range(len(order))):
        return contents
    numbers = [0] * len(order)
    for new, old in enumerate(order):
        numbers[old] = new
    words = _renumbered_words(contents.words, numbers)
    filters = {name: {value: sorted(numbers[page] for page in pages) for value, pages in values.items()}
               for name, values in contents.filters.items()}
    # A sort's ties stay in the old order: the merge orders them by the pages' values.
    sorts = {name: [numbers[page] for page in order_of] for name, order_of in contents.sorts.items()}
    return Contents(contents.language, contents.entry, contents.version, [contents.pages[old] for old in order],
                    words, filters, sorts, contents.fields, contents.static, [contents.urls[old] for old in order],
                    [contents.page_fields[old] for old in order])


# -- the word index, cut by prefix ----------------------------------------------------------------
# Pagefind cuts its sorted word index into chunks of about 60 KB, so a search for a frequent word
# fetches, in every part, the word with a hundred unrelated neighbours. The merged index is cut so
# that a chunk holds words sharing a prefix: a word with the words it is a prefix of (which
# Pagefind's prefix matching finds with it) stays in one chunk whenever they weigh at most
# PREFIX_GROUP_BYTES together; small neighbouring groups share chunks of up to CHUNK_BYTES.

PREFIX_GROUP_BYTES = 64_000
CHUNK_BYTES = 12_000


def _prefix_groups(entries: list[tuple[str, bytes]], depth: int = 0) -> list[list[tuple[str, bytes]]]:
    if len(entries) == 1 or sum(len(blob) for _, blob in entries) <= PREFIX_GROUP_BYTES:
        return [entries]
    groups = []
    for _, group in groupby(entries, key=lambda entry: entry[0][:depth + 1]):
        groups += _prefix_groups(list(group), depth + 1)
    return groups


def _write_word_index(folder: Path, lang: str, entries: list[tuple[str, bytes]],
                      offsets: dict[str, tuple[list[bytes], array]] | None = None) -> list:
    """Write the word entries (word, CBOR of the entry) in chunks; returns the meta index's list.
    `offsets` gets, for each chunk written, its words and where each one's entry starts."""
    chunks, current, size = [], [], 0
    for group in _prefix_groups(entries) if entries else []:
        group_size = sum(len(blob) for _, blob in group)
        if current and size + group_size > CHUNK_BYTES:
            chunks.append(current)
            current, size = [], 0
        current += group
        size += group_size
    if current:
        chunks.append(current)
    (folder / "index").mkdir(parents=True, exist_ok=True)
    listing = []
    for chunk in chunks:
        content = b"\x81" + head(4, len(chunk)) + b"".join(blob for _, blob in chunk)
        name = _hashed(lang, content, 10)
        _write(folder / "index" / f"{name}.pf_index", content, INDEX_COMPRESSION)
        if offsets is not None:
            starts = array("I", accumulate((len(blob) for _, blob in chunk[:-1]), initial=1 + len(head(4, len(chunk)))))
            offsets[name] = ([word.encode("utf-8") for word, _ in chunk], starts)
        listing.append((4, [_text(chunk[0][0]), _text(chunk[-1][0]), _text(name)]))
    return listing


# -- merging -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WordOffsets:
    """Where each word's entry starts in the chunks of a merged bundle's word index (its meta
    file's hash names the bundle), so that a reader after a few words' postings can skip decoding
    every entry of their chunks (CBOR gives no entry's length): for each chunk, its words in their
    order and their entries' offsets in its bytes after the signature."""
    meta: str
    chunks: dict[str, tuple[list[bytes], array]]


def _write_offsets(path: Path, offsets: WordOffsets) -> None:
    """Only a reader's shortcut: one that cannot be written (a full disk) leaves the bundle as it
    is, and the reader decodes its chunks whole (a partial file would not load either)."""
    try:
        with open(path, "wb") as stream:
            pickle.dump(offsets, stream, pickle.HIGHEST_PROTOCOL)
    except OSError:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def link_or_copy(source: Path, target: Path) -> None:
    """A hard link where the file system allows one, else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _in_fields(contents: Contents, fields: list[str]) -> list[Word]:
    """The bundle's words with their meta locations numbering `fields` (the merged bundle's)
    instead of the bundle's own: a location in a meta field is marked -(its field's number + 1),
    and a piece whose pages have fewer fields (no image, say) numbers them otherwise."""
    # A field that only pages left out of the merge have is not among `fields`: its locations are
    # on those pages only (a page's meta locations name its own fields), and go with them.
    numbers = [fields.index(field) if field in fields else 0 for field in contents.fields]
    if numbers == list(range(len(numbers))):
        return contents.words
    return [(word, _renumbered(postings, numbers),
             tuple((variant, _renumbered(found, numbers)) for variant, found in variants))
            for word, postings, variants in contents.words]


def _renumbered(postings: Postings, numbers: list[int]) -> Postings:
    count, first, data, last = postings
    blobs, i = [], 0
    for number in range(count):
        if number:  # the posting's head and page number; the first posting's are not in data
            start = i
            _, _, i = _head(data, i + 1)
            blobs.append(data[start:i])
        start = i
        _, length, i = _head(data, i)
        for _ in range(length):
            i += _WIDTH[data[i]]
        blobs.append(data[start:i])
        _, length, i = _head(data, i)
        blobs.append(head(4, length))
        for _ in range(length):
            major, value, i = _head(data, i)
            if major == 1:
                if value >= len(numbers):
                    raise BundleError(f"a meta location names field {value} of {len(numbers)}")
                value = numbers[value]
            blobs.append(head(major, value))
    return count, first, b"".join(blobs), last


SHORT_HASH = 7  # the length of Pagefind's page ids (after the language), but for pages colliding in one run


def _page_ids(name: str, page_ids: list[str]) -> list[str]:
    """The pages' ids in the merged bundle, `<name>_<Pagefind's short hash>`: the search page tells
    a result's part by it. Two pages can share the short hash: Pagefind lengthens the later one's
    id when they are in one run, so only the short hash is taken (else a page's id would depend on
    the pages it was run with) and the later page in URL order gets a suffix."""
    taken: set[str] = set()
    renamed = []
    for page_id in page_ids:
        new = base = f"{name}_{page_id.split('_', 1)[-1][:SHORT_HASH]}"
        number = 1
        while new in taken:
            number += 1
            new = f"{base}-{number}"
        taken.add(new)
        renamed.append(new)
    return renamed


@dataclass
class _Placed:
    """Where a bundle's pages go in the merged bundle: `numbers[page]` (-1: left out), and its
    runs (each page's run; -1: left out), a run being pages consecutive in both."""
    numbers: list[int]
    runs: list[int]
    whole: bool  # every page, in one run: its postings are copied whole, moved by numbers[0]
    # The first page of the last run when every page from it on is in it (else past the last page):
    # a word's postings from there on are one slice, not walked. A piece kept from an earlier build
    # is cut where a page was edited or a new page falls among its pages in URL order.
    tail: int = _NO_PAGE


def _cut(postings: Postings, numbers: list[int], runs: list[int], whole: bool,
         tail: int) -> list[tuple[Postings, int]]:
    """The postings of the pages a bundle placed as `numbers`, `runs`, `whole` and `tail` (a
    _Placed's) keeps, one list per run, each with the number of the run's pages in the merged
    bundle minus their number here."""
    count, first, data, last = postings
    if not count:
        return []
    if whole or runs[first] == runs[last] >= 0:  # (a run is a span of pages: all between are in it)
        return [(postings, numbers[first] - first)]
    # The postings of one run follow each other, their differences unchanged: each run's are a
    # slice of the data.
    cut, run, group = [], -1, None
    walked = _walk(postings, tail)
    for page, start, end in walked:
        if runs[page] != run:
            if group is not None:
                cut.append(group)
            run = runs[page]
            group = None if run < 0 else [0, page, start, end, page]
        if group is not None:
            group[0] += 1
            group[3:] = end, page
    if group is not None:
        cut.append(group)
    if walked and walked[-1][2] < 0:  # the rest of the postings, in the last run
        cut[-1][0] += count - len(walked)
        cut[-1][3:] = len(data), last
    return [((number, first_page, data[start:end], last_page), numbers[first_page] - first_page)
            for number, first_page, start, end, last_page in cut]


def _placed(numbers: list[int]) -> _Placed:
    runs, run = [], -1
    for page, number in enumerate(numbers):
        if number < 0:
            runs.append(-1)
            continue
        if not page or numbers[page - 1] < 0 or numbers[page - 1] != number - 1:
            run += 1
        runs.append(run)
    tail = len(runs)
    while tail and runs[-1] >= 0 and runs[tail - 1] == runs[-1]:
        tail -= 1
    return _Placed(numbers, runs, bool(numbers) and run == 0 and runs[-1] == 0 and runs[0] == 0,
                   tail if tail < len(runs) else _NO_PAGE)


def write_merged(target: Path, name: str, bundles: list[tuple[Path, Contents]],
                 selected: list[set[int] | None] | None = None,
                 sort_values: dict[str, dict[str, str]] | None = None, word_offsets: Path | None = None) -> None:
    """Write into `target` (a new folder) the bundle holding the pages of the bundles, in URL order,
    its page ids named after `name`; the fragments are hard links to the bundles' own (they name no
    page number). `selected` gives, for each bundle, the numbers of the pages to take from it (None:
    all of them); `sort_values[sort][url]` the value each page was sorted by (a bundle keeps only
    the order). Raises BundleError when the bundles are not of one Pagefind version and language,
    two hold one URL, or a sort's values are missing or disagree with Pagefind's order. With
    `word_offsets`, also writes there where each word's entry starts in its chunk (see WordOffsets)."""
    if not bundles:
        raise BundleError(f"{target}: nothing to merge")
    bundles = [(folder, in_url_order(contents)) for folder, contents in bundles]
    first_folder, first = bundles[0]
    lang, version = first.language, first.version
    if any(contents.language != lang or contents.version != version for _, contents in bundles):
        raise BundleError(f"{target}: the pieces differ in Pagefind version or language")
    selected = selected or [None] * len(bundles)
    chosen = sorted((contents.urls[page], number, page) for number, ((_, contents), pages) in
                    enumerate(zip(bundles, selected)) for page in (range(len(contents.pages)) if pages is None
                                                                   else pages))
    if not chosen:
        raise BundleError(f"{target}: nothing to merge")
    numbers = [[-1] * len(contents.pages) for _, contents in bundles]
    for position, (url, number, page) in enumerate(chosen):
        if position and chosen[position - 1][0] == url:
            raise BundleError(f"{target}: two pieces hold {url}")
        numbers[number][page] = position
    placed = [_placed(found) for found in numbers]

    target.mkdir(parents=True)
    for file in first.static:
        link_or_copy(first_folder / file, target / file)
    ids = _page_ids(name, [bundles[number][1].pages[page][0] for _, number, page in chosen])
    (target / "fragment").mkdir()
    pages = []
    for (_, number, page), new in zip(chosen, ids):
        folder, contents = bundles[number]
        page_id, words = contents.pages[page]
        link_or_copy(folder / "fragment" / f"{page_id}.pf_fragment", target / "fragment" / f"{new}.pf_fragment")
        pages.append((4, [_text(new), (0, words)]))

    fields = sorted({field for (_, contents), place in zip(bundles, placed)
                     for field in (contents.fields if place.whole else
                                   (own for page, page_fields in enumerate(contents.page_fields)
                                    if place.numbers[page] >= 0 for own in page_fields))}, key=str.encode)
    taken = [(contents, place) for (_, contents), place in zip(bundles, placed) if max(place.runs, default=-1) >= 0]
    entries = [(word.decode("utf-8"), entry) for word, entry in
               _merged_entries([_in_fields(contents, fields) for contents, _ in taken],
                               [(place.numbers, place.runs, place.whole, place.tail) for _, place in taken])]
    offsets: dict[str, tuple[list[bytes], array]] | None = {} if word_offsets is not None else None
    chunks = _write_word_index(target, lang, entries, offsets)

    (target / "filter").mkdir()
    filters = []
    for filter_name in sorted({key for _, contents in bundles for key in contents.filters}, key=str.encode):
        values: dict[str, list[int]] = {}
        for (_, contents), place in zip(bundles, placed):
            for value, found in contents.filters.get(filter_name, {}).items():
                values.setdefault(value, []).extend(place.numbers[page] for page in found
                                                    if place.numbers[page] >= 0)
        values = {value: sorted(found) for value, found in values.items() if found}
        if not values:
            continue
        content = filter_chunk(filter_name, values)
        file = _hashed(lang, content, 7)
        _write(target / "filter" / f"{file}.pf_filter", content)
        filters.append((4, [_text(filter_name), _text(file)]))

    sorts = []
    for sort_name in sorted({key for _, contents in bundles for key in contents.sorts}, key=str.encode):
        order = _merged_sort(target, sort_name, bundles, placed, (sort_values or {}).get(sort_name))
        if order:
            sorts.append((4, [_text(sort_name), (4, [(0, page) for page in order])]))

    meta = encode((4, [_text(version), (4, pages), (4, chunks), (4, filters), (4, sorts),
                       (4, [_text(field) for field in fields])]))
    meta_name = _hashed(lang, meta, 10)
    _write(target / f"pagefind.{meta_name}.pf_meta", meta)
    if word_offsets is not None:
        _write_offsets(word_offsets, WordOffsets(meta_name, offsets))
    entry = {**first.entry, "languages": {lang: {**first.entry["languages"][lang], "hash": meta_name,
                                                  "page_count": len(chosen)}}}
    (target / ENTRY_FILE).write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _merged_entries(lists: list[list[Word]], places: list[tuple[list[int], list[int], bool, int]]) \
        -> list[tuple[bytes, bytes]]:
    """Each bundle's words (in byte order) cut by its place (a _Placed's numbers, runs, whole and
    tail) and joined, word by word in byte order: (word, the CBOR of its entry in the merged index)
    for each word with a posting on a page kept."""
    by_word: dict[bytes, list[tuple[Word, tuple]]] = {}
    for words, place in zip(lists, places):
        if any(after[0] <= before[0] for before, after in zip(words, words[1:])):
            raise ValueError("a bundle's words are not in byte order")  # (as the compiled one checks)
        for item in words:
            by_word.setdefault(item[0], []).append((item, place))
    entries = []
    for word in sorted(by_word):
        found = by_word[word]
        postings = _in_page_order([cut for item, place in found for cut in _cut(item[1], *place)])
        variants: dict[bytes, list[tuple[Postings, int]]] = {}
        for item, place in found:
            for variant, listed in item[2]:
                variants.setdefault(variant, []).extend(_cut(listed, *place))
        variants = {variant: _in_page_order(lists) for variant, lists in variants.items() if lists}
        if not postings and not variants:
            continue  # only on pages left out
        blob = [b"\x83", head(3, len(word)), word, _merged_postings(postings), head(4, len(variants))]
        for variant in sorted(variants):
            blob += [b"\x82", head(3, len(variant)), variant, _merged_postings(variants[variant])]
        entries.append((word, b"".join(blob)))
    return entries


def _in_page_order(lists: list[tuple[Postings, int]]) -> list[tuple[Postings, int]]:
    # Runs never overlap: ordered by their first page, their postings are in page order.
    return sorted(lists, key=lambda item: item[0][1] + item[1]) if len(lists) > 1 else lists


def _merged_sort(target: Path, name: str, bundles: list[tuple[Path, Contents]], placed: list[_Placed],
                 values: dict[str, str] | None) -> list[int]:
    """The merged bundle's order for the sort `name`: its pages by value, pages of one value in
    page order, as Pagefind orders a run's pages."""
    keyed = []
    for (_, contents), place in zip(bundles, placed):
        kept = [page for page in contents.sorts.get(name, []) if place.numbers[page] >= 0]
        if not kept:
            continue
        if values is None:
            raise BundleError(f"{target}: no values to merge the sort {name!r} by")
        try:
            found = [(values[contents.urls[page]], place.numbers[page]) for page in kept]
        except KeyError as missing:
            raise BundleError(f"{target}: no value of the sort {name!r} for {missing}") from None
        if any(before[0] > after[0] for before, after in zip(found, found[1:])):
            raise BundleError(f"{target}: Pagefind sorted {name!r} otherwise than by the values given")
        keyed += found
    return [number for _, number in sorted(keyed)]


# -- compiled -------------------------------------------------------------------------------------
# The hot loops above, compiled (generator/_postings.c): the same answers, several times faster.
# The Python stays the reference, and is what runs where the extension was not built (it is
# optional: no C compiler at install) or when ARCHIVE_PYTHON_POSTINGS is set (to compare the two).
PYTHON_READERS = {"chunk_words": chunk_words, "word_at": word_at, "_walk": _walk,
                  "_renumbered_pages": _renumbered_pages, "_renumbered_words": _renumbered_words,
                  "postings_summary": postings_summary, "_merged_entries": _merged_entries}
try:
    from generator import _postings as compiled_readers
except ImportError:
    compiled_readers = None
COMPILED_READERS = None if compiled_readers is None else \
    {name: getattr(compiled_readers, name.lstrip("_")) for name in PYTHON_READERS}
if COMPILED_READERS is not None and not os.environ.get("ARCHIVE_PYTHON_POSTINGS"):
    globals().update(COMPILED_READERS)
