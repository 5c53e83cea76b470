"""Pagefind 1.5's ranking of a one-word search, worked out from a bundle's word index, so that its
search module need score only the pages that can be on the first page of results.

search_head.py writes the first page of results of the archive's frequent words exactly as
Pagefind's search module ranks them. The module scores each page holding the word by scanning every
posting of the word for it, so its time grows with the square of those pages (the 559 frequent
forms of a 4,926-page part of the 31k archive: 4.7 of its 6.3 s of searching), and only 20 pages
are shown. So the word index is read here as the module reads it (the query's stem as a prefix of
the words of the chunks loaded, their postings with weights, positions and meta fields, the part's
page lengths), and each page's score is bounded from below and above by Pagefind's formula (BM25
with its bonuses for the matched word's length and diacritics, and the boost of a match in a meta
field such as the title). The bounds are one number unless two matched words sit at one location
(10.7 is indexed as 10 and 107 at one position, a compound as its parts and the whole), which the
module credits to whichever word its unstable sort puts first. The module then scores only the
pages whose upper bound reaches the 20th best lower bound, named by a filter: a score under a
filter is the score of the whole search, since it depends on the whole index (its pages and their
lengths, the pages holding the word), never on the filter. search_head.py checks the module's
answer against the bounds (`confirms`) and asks for the whole search when they disagree.
"""

from __future__ import annotations

import json
import math
import os
import pickle
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

import numpy
import Stemmer

from generator import pagefind_bundle

# Pagefind 1.5's default ranking weights (the search page sets none).
TERM_SATURATION = 1.4        # BM25's k1
PAGE_LENGTH = 0.75           # BM25's b
TERM_SIMILARITY = 1.0
DIACRITIC_SIMILARITY = 0.8
META_WEIGHTS = {"title": 5.0}  # other meta fields weigh 1

# Pagefind's language -> the Snowball stemmer its module uses (the same algorithms as PyStemmer's).
STEMMERS = {"ar": "arabic", "en": "english"}

# The module computes in 32-bit floats, this in 64-bit: the two agree to a few parts in a million.
TOLERANCE = 1e-4

# The contenders' bounds compiled (generator/_postings.c), unless the Python readers are asked for
# (ARCHIVE_PYTHON_POSTINGS, as in pagefind_bundle.py): numpy's cost per call on small arrays was most
# of a form's 2 ms. The numpy below stays the reference, and gives the same numbers.
COMPILED_CONTENDERS = getattr(pagefind_bundle.compiled_readers, "contenders", None)
_compiled_contenders = None if os.environ.get("ARCHIVE_PYTHON_POSTINGS") else COMPILED_CONTENDERS

# A matched list of postings: (its place: chunk, word, variant), its postings, the word's number,
# its length bonus, its diacritic bonus.
_Listed = tuple[tuple[str, int, int], "pagefind_bundle.Postings", int, float, float]


@dataclass(frozen=True)
class Contenders:
    """The pages that may be among a search's first results, by page number, each with the
    bounds of its score; `count` is how many pages the search finds."""
    count: int
    bounds: dict[int, tuple[float, float]]


def _length_bonus(differential: int) -> float:
    base = math.exp(-0.5 * differential * differential / 4.0)
    return math.exp(base * TERM_SIMILARITY) / math.exp(TERM_SIMILARITY)


def _diacritics_match(query: bytes, form: bytes) -> bool:
    return form == query or form.startswith(query) or query.startswith(form)


@dataclass
class _Postings:
    """One word's (or variant's) postings, as the bounds need them (pagefind_bundle.postings_summary)."""
    pages: numpy.ndarray
    lows: numpy.ndarray
    highs: numpy.ndarray
    fields: numpy.ndarray
    starts: list[int]
    data: bytes


@dataclass
class _Matched:
    """A search's matched postings, one row per posting: the words' own postings before their
    variants' (the module's order), the words in the order found."""
    pages: numpy.ndarray
    lows: numpy.ndarray
    highs: numpy.ndarray
    fields: numpy.ndarray
    words: numpy.ndarray      # the word's number
    bonuses: numpy.ndarray    # its length bonus
    diacritics: numpy.ndarray  # the posting's diacritic bonus
    postings: list[_Postings]  # for each row, its postings and its place in them:
    sources: numpy.ndarray    # (number in `postings`, row in it)
    idf: float
    count: int                # the pages found


def _word_offsets(path: Path, meta: str) -> dict[str, tuple[list[bytes], object]]:
    """The chunks' offsets in the file, if it is of the bundle whose meta file is `meta` (else none)."""
    try:
        with open(path, "rb") as stream:
            found = pickle.load(stream)
    except Exception:  # noqa: BLE001 - missing or damaged: every chunk is decoded whole
        return {}
    return found.chunks if isinstance(found, pagefind_bundle.WordOffsets) and found.meta == meta else {}


class _EntriesAt:
    """A chunk's word entries, each decoded when first asked for, from where the offsets say it starts."""

    def __init__(self, data: bytes, words: list[bytes], starts):
        self._data, self._words, self._starts = data, words, starts
        self._decoded: dict[int, pagefind_bundle.Word] = {}

    def __getitem__(self, at: int) -> pagefind_bundle.Word:
        found = self._decoded.get(at)
        if found is None:
            found, _ = pagefind_bundle.word_at(self._data, self._starts[at])
            if found[0] != self._words[at]:
                raise ValueError(f"the offsets do not match the chunk at {found[0]!r}")
            self._decoded[at] = found
        return found


class PartRanking:
    """One bundle's word index, read as Pagefind's search module reads it."""

    def __init__(self, folder: Path, word_offsets: Path | None = None):
        """`word_offsets`: a file of the bundle's pagefind_bundle.WordOffsets, when there is one
        (written by the merge): only the entries of the words matched are then decoded."""
        self.folder = folder
        entry = json.loads((folder / pagefind_bundle.ENTRY_FILE).read_text(encoding="utf-8"))
        (language, info), = entry["languages"].items()
        self._offsets = _word_offsets(word_offsets, info["hash"]) if word_offsets is not None else {}
        _, pages, _, _, _, fields = pagefind_bundle.read_file(folder / f"pagefind.{info['hash']}.pf_meta")
        self.page_ids = [page for page, _ in pages]
        self._numbers = {page: number for number, page in enumerate(self.page_ids)}
        lengths = numpy.array([length for _, length in pages], dtype=numpy.float64)
        average = lengths.mean() if len(lengths) else 1.0
        # BM25's length normalisation of each page: k1 (1 - b + b x length / average length)
        self._norms = TERM_SATURATION * (1 - PAGE_LENGTH + PAGE_LENGTH * lengths / average)
        self._norm_bytes = self._norms.tobytes()  # (for the compiled contenders)
        # the meta fields' weights, by field number: the module boosts only the fields it names
        self._field_weights = [META_WEIGHTS.get(name, 1.0) for name in fields]
        algorithm = STEMMERS.get(language.split("-")[0].lower())
        self._stem = Stemmer.Stemmer(algorithm).stemWord if algorithm else None
        self._chunks: dict[str, tuple[list[bytes], list[pagefind_bundle.Word]]] = {}
        self._postings: dict[tuple[str, int, int], _Postings] = {}

    def contenders(self, term: str, chunks: tuple[str, ...], first: int) -> Contenders | None:
        """The pages whose score may be among the `first` best for `term` (one word, as the page
        sends it) in an instance of the module that loaded `chunks`; None when this cannot tell
        (a language without a stemmer here, a query of several words) or when every page must
        be scored anyway, or when the word index cannot be read here (the module, scoring every
        page, then says what is wrong with it)."""
        try:
            listed = self._listed(term, chunks)
            if listed is None:
                return None
            if _compiled_contenders is not None:
                count, bounds = _compiled_contenders([item[1:] for item in listed], self._norm_bytes,
                                                     self._field_weights, first, TERM_SATURATION + 1,
                                                     1 - 3 * TOLERANCE)
                return None if bounds is None else Contenders(count, bounds)
            matched = self._matched(listed)
            if matched is None or matched.count <= first:
                return None
            lows, highs, several = self._counted_bounds(matched)
            zone = self._zone(lows, highs, first)
            refined = zone[several[zone]]
            if len(refined):
                self._located_bounds(matched, refined, lows, highs)
                zone = self._zone(lows, highs, first)
        except Exception:  # noqa: BLE001 - whatever fails here, the module's whole search is the answer
            return None
        if len(zone) >= matched.count:
            return None
        return Contenders(matched.count, {int(page): (float(lows[page]), float(highs[page])) for page in zone})

    def bounds(self, term: str, chunks: tuple[str, ...]) -> dict[int, tuple[float, float]] | None:
        """The bounds of the score of every page that `term` finds, by page number, as close as
        the locations tell (`contenders` works them out so only for the pages it must)."""
        listed = self._listed(term, chunks)
        matched = None if listed is None else self._matched(listed)
        if matched is None:
            return None
        lows, highs, several = self._counted_bounds(matched)
        self._located_bounds(matched, numpy.flatnonzero(several), lows, highs)
        return {int(page): (float(lows[page]), float(highs[page])) for page in numpy.unique(matched.pages)}

    @staticmethod
    def _zone(lows: numpy.ndarray, highs: numpy.ndarray, first: int) -> numpy.ndarray:
        # The first-best lower bound is at most the first-best score; a page whose upper bound is
        # below it (less what the two computations may differ by) cannot be among the first.
        found = lows[lows > -numpy.inf]
        floor = numpy.partition(found, len(found) - first)[len(found) - first] * (1 - 3 * TOLERANCE)
        return numpy.flatnonzero(highs >= floor)

    def confirms(self, contenders: Contenders, count: int, results: list[dict]) -> bool:
        """Whether the module's answer to the contenders' filter (its count of the whole search and
        its scored results) is what the bounds say: the same count and pages, each score within
        its bounds."""
        if count != contenders.count or len(results) != len(contenders.bounds):
            return False
        for result in results:
            bound = contenders.bounds.get(self._numbers.get(result.get("p"), -1))
            score = result.get("s")
            if bound is None or not isinstance(score, (int, float)):
                return False
            low, high = bound
            if not low * (1 - TOLERANCE) <= score <= high * (1 + TOLERANCE):
                return False
        return True

    # -- the matched words' postings ---------------------------------------------------------------

    def _listed(self, term: str, chunks: tuple[str, ...]) -> list[_Listed] | None:
        """The lists of postings that `term` matches in the loaded `chunks`: those of the words that
        its stem begins, or else of the longest word that begins its stem, each word's own list
        before its variants' (the module's order). None when this cannot tell (a language without
        a stemmer here, a query of several words)."""
        if self._stem is None or not term or " " in term:
            return None
        stem = self._stem(term).encode("utf-8")
        if not stem:
            return None
        query = term.encode("utf-8")
        listed = []
        for word, (chunk, at) in enumerate(self._found(stem, chunks)):
            key, own, variants = self._chunk(chunk)[1][at]
            bonus = _length_bonus(min(abs(len(key) - len(stem)) + 1, 255))
            for number, (form, postings) in enumerate(((key, own), *variants)):
                listed.append(((chunk, at, number), postings, word, bonus,
                               1 + DIACRITIC_SIMILARITY if _diacritics_match(query, form) else 1.0))
        return listed

    def _matched(self, lists: list[_Listed]) -> _Matched | None:
        """The matched lists' postings as rows (the numpy reference of the compiled contenders);
        None when the search finds nothing."""
        postings = [self._summary(*place, found) for place, found, _, _, _ in lists]
        words = [word for _, _, word, _, _ in lists]
        bonuses = [bonus for _, _, _, bonus, _ in lists]
        diacritics = [diacritic for _, _, _, _, diacritic in lists]
        if not postings:
            return None  # the search finds nothing
        sizes = numpy.array([len(listed.pages) for listed in postings])

        def column(name: str) -> numpy.ndarray:
            return numpy.concatenate([getattr(listed, name) for listed in postings])

        pages = column("pages")
        count, total = len(numpy.unique(pages)), len(self._norms)
        return _Matched(pages=pages, lows=column("lows"), highs=column("highs"), fields=column("fields"),
                        words=numpy.repeat(numpy.array(words), sizes),
                        bonuses=numpy.repeat(numpy.array(bonuses), sizes),
                        diacritics=numpy.repeat(numpy.array(diacritics), sizes), postings=postings,
                        sources=numpy.stack([numpy.repeat(numpy.arange(len(postings)), sizes),
                                             numpy.concatenate([numpy.arange(size) for size in sizes])], axis=1),
                        idf=math.log((total - count + 0.5) / (count + 0.5) + 1), count=count)

    def _found(self, stem: bytes, chunks: tuple[str, ...]) -> list[tuple[str, int]]:
        """The words that a query of this stem matches in the loaded chunks, as (chunk, number):
        the words it begins, or else the longest word that begins it."""
        chunks = tuple(dict.fromkeys(chunk for chunk in chunks if chunk))
        found = []
        for chunk in chunks:
            keys, _ = self._chunk(chunk)
            at = bisect_left(keys, stem)
            while at < len(keys) and keys[at].startswith(stem):
                found.append((chunk, at))
                at += 1
        for length in range(len(stem) - 1, 0, -1) if not found else ():
            found = [(chunk, at) for chunk in chunks
                     for keys in (self._chunk(chunk)[0],) for at in (bisect_left(keys, stem[:length]),)
                     if at < len(keys) and keys[at] == stem[:length]]
            if found:
                break
        return found

    def _chunk(self, name: str) -> tuple[list[bytes], "list[pagefind_bundle.Word] | _EntriesAt"]:
        found = self._chunks.get(name)
        if found is None:
            data = pagefind_bundle.read_bytes(self.folder / "index" / f"{name}.pf_index")
            listed = self._offsets.get(name)
            if listed is not None:  # (the 568 frequent forms' chunks of a 4,100-page part took 0.47 s to decode whole)
                found = self._chunks[name] = (listed[0], _EntriesAt(data, *listed))
            else:
                words = pagefind_bundle.chunk_words(data)
                found = self._chunks[name] = ([word for word, _, _ in words], words)
        return found

    def _summary(self, chunk: str, at: int, form: int, listed: pagefind_bundle.Postings) -> _Postings:
        key = (chunk, at, form)
        found = self._postings.get(key)
        if found is None:
            pages, lows, highs, fields, starts = pagefind_bundle.postings_summary(listed)
            found = self._postings[key] = _Postings(
                numpy.array(pages, dtype=numpy.int64), numpy.array(lows, dtype=numpy.int64),
                numpy.array(highs, dtype=numpy.int64), numpy.array(fields, dtype=numpy.int64), starts, listed[2])
        return found

    # -- the pages' scores -------------------------------------------------------------------------

    def _terms(self, counts: numpy.ndarray, bonuses: numpy.ndarray, diacritics: numpy.ndarray,
               pages: numpy.ndarray, idf: float) -> numpy.ndarray:
        """BM25 of a word on a page (Pagefind's term frequency: the weighted count / 24), times the
        word's bonuses."""
        weighted = counts / 24 * bonuses
        return idf * (TERM_SATURATION + 1) * weighted / (self._norms[pages] + weighted) * diacritics

    def _meta_boosts(self, matched: _Matched, keys: numpy.ndarray, span: int) -> numpy.ndarray:
        """Each page's boost for meta fields holding matched words: a field holding k of the words
        adds its weight x idf x k^3 (Pagefind squares the share of the query's rarity that the field
        covers: here k words of one). `keys` numbers each row's (page, word): page x span + word."""
        boosts = numpy.zeros(len(self._norms))
        for field, weight in enumerate(self._field_weights):
            held = numpy.flatnonzero((matched.fields >> field) & 1)
            if len(held):
                words_on = numpy.bincount(numpy.unique(keys[held]) // span, minlength=len(self._norms))
                boosts += weight * matched.idf * words_on.astype(numpy.float64) ** 3
        return boosts

    def _counted_bounds(self, matched: _Matched) -> tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]:
        """Each page's bounds from the postings' counts (minus infinity for pages not found), and
        which pages have several postings. A page with one posting is scored as the module does
        (two bounds only where a position is listed at two weights); one with several is bounded
        above by crediting each word all its postings count, below by the meta boost alone (its
        locations may all be credited to another word, at another weight)."""
        total = len(self._norms)
        lows = numpy.full(total, -numpy.inf)
        highs = numpy.full(total, -numpy.inf)
        span = int(matched.words.max()) + 1 if len(matched.words) else 1
        keys = matched.pages * span + matched.words
        boosts = self._meta_boosts(matched, keys, span)
        postings_on = numpy.bincount(matched.pages, minlength=total)
        one = postings_on[matched.pages] == 1
        pages = matched.pages[one]
        bonuses, diacritics = matched.bonuses[one], matched.diacritics[one]
        lows[pages] = self._terms(matched.lows[one], bonuses, diacritics, pages, matched.idf)
        highs[pages] = self._terms(matched.highs[one], bonuses, diacritics, pages, matched.idf)
        several = postings_on > 1
        rest = numpy.flatnonzero(~one)
        if len(rest):
            order = rest[numpy.argsort(keys[rest], kind="stable")]  # a word's first posting first
            pair_keys, starts = numpy.unique(keys[order], return_index=True)
            counts = numpy.add.reduceat(matched.highs[order], starts)
            firsts = order[starts]
            pair_pages = pair_keys // span
            terms = self._terms(counts, matched.bonuses[firsts], matched.diacritics[firsts], pair_pages, matched.idf)
            highs[several] = numpy.bincount(pair_pages, weights=terms, minlength=total)[several]
            lows[several] = 0.0
        found = postings_on > 0
        lows[found] += boosts[found]
        highs[found] += boosts[found]
        return lows, highs, several

    def _located_bounds(self, matched: _Matched, pages: numpy.ndarray, lows: numpy.ndarray,
                        highs: numpy.ndarray) -> None:
        """The bounds of the `pages` (each with several postings) from their locations: a location
        is credited once, to one word at its own weight there: certainly where one word at one
        weight is there, else to any of the words there; the credited weights add up to at least
        the least weight of each location."""
        if not len(pages):
            return
        wanted = numpy.zeros(len(self._norms), dtype=bool)
        wanted[pages] = True
        rows = numpy.flatnonzero(wanted[matched.pages])
        rows_of: dict[int, list[int]] = {}
        for row, page in zip(rows.tolist(), matched.pages[rows].tolist()):
            rows_of.setdefault(page, []).append(row)
        for page, rows in rows_of.items():
            words: dict[int, tuple[float, float]] = {}  # word -> (length bonus, diacritic bonus of its first posting)
            at: dict[int, list[tuple[int, int]]] = {}
            for row in rows:
                word = int(matched.words[row])
                words.setdefault(word, (float(matched.bonuses[row]), float(matched.diacritics[row])))
                listed, place = matched.sources[row].tolist()
                postings = matched.postings[listed]
                for position, weight in pagefind_bundle.posting_locations(postings.data, postings.starts[place]):
                    at.setdefault(position, []).append((word, weight))
            certain: dict[int, int] = {}
            uncertain: dict[int, int] = {}
            least = 0
            for there in at.values():
                weights = [weight for _, weight in there]
                if len(there) == 1 or (len({word for word, _ in there}) == 1 and min(weights) == max(weights)):
                    certain[there[0][0]] = certain.get(there[0][0], 0) + weights[0]
                else:  # credited to one of the words there, at one of its own weights there
                    most: dict[int, int] = {}
                    for word, weight in there:
                        most[word] = max(most.get(word, 0), weight)
                    for word, weight in most.items():
                        uncertain[word] = uncertain.get(word, 0) + weight
                least += min(weights)
            boost = float(lows[page])  # the meta boost, which _counted_bounds left as the lower bound
            scale, norm = matched.idf * (TERM_SATURATION + 1), float(self._norms[page])

            def term(count: int, bonus: float, diacritic: float) -> float:
                weighted = count / 24 * bonus
                return scale * weighted / (norm + weighted) * diacritic

            high = sum(term(certain.get(word, 0) + uncertain.get(word, 0), *words[word]) for word in words)
            low = max(sum(term(count, *words[word]) for word, count in certain.items()),
                      term(least, min(bonus for bonus, _ in words.values()),
                           min(diacritic for _, diacritic in words.values())))
            lows[page] = low + boost
            highs[page] = min(high + boost, highs[page])  # (the counted bound can be the closer one)
