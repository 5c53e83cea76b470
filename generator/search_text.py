"""Spelling-independent search: the normalised forms indexed next to each article's own text.

Pagefind indexes what a page says, stemmed; it does not know that الحكومة and الحكومه, مستشفى and
مستشفي, or بغداد and لبغداد are one word. So every article page carries, hidden at the end of its
indexed body, the *search form* of each of its words whose form differs from the word as written,
and the search page turns the reader's query into search forms by the same rules
(`templates/assets/search-normalise.js`; `tests/fixtures/search_normalisation.tsv` holds both to
the same answers). Results never show the hidden forms: the search page builds excerpts from the
article's own text only, and highlights the original words.

A word's search form:

1. `fold`: hamza forms, ة/ه, ى/ي, tashkeel, tatweel, Persian letters and Arabic-Indic digits as in
   `generator.arabic.fold` (so linking and search agree), lower case.
2. The article ال with its proclitics (وال، بال، فال، كال، لل، وبال…) is removed when at least three
   letters remain: والعراق, بالعراق and العراق all become عراق; والد stays والد.
3. A lone proclitic letter (و ف ب ل ك) is removed only when the archive says what follows it is a
   word of its own *at least as common* as the whole: لبغداد and وبغداد become بغداد, but وزير,
   لجنة (not ل+جنة) and بلدان keep their first letter. A word is decided once, from the counts of
   the archive it first appears in, and the decision is kept (search_words.py). The decisions are
   published for the search page as small tables keyed by the word's first two letters
   (`search/clitics/<hex>-<hex>.json`), fetched only for query words that need them.
"""

from __future__ import annotations

import json
from collections import Counter
from itertools import chain, filterfalse
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from generator.output import SiteWriter
from generator.arabic import ARTICLE_PREFIXES, MIN_STEM, SEATS, fold_keeping_seats, strip_article, tokens, words  # noqa: F401 (strip_article, tokens: part of this module's API)

PROCLITICS = frozenset("وفبلك")
MAX_PROCLITICS = 2

# Marks where an article's own text ends and its hidden search forms begin in Pagefind's content,
# so the search page can build excerpts from the original text only.
FORMS_MARKER = "⁜"

CLITICS_DIR = "search/clitics"


def _may_have_proclitic(word: str) -> bool:
    return len(word) > MIN_STEM and word[0] in PROCLITICS


def hex_name(text: str) -> str:
    """A file name stem for `text` that any file system and URL takes: its code points in hex."""
    return "-".join(f"{ord(ch):04x}" for ch in text)


def shard_key(word: str) -> str:
    """File name stem of the clitic table holding `word`: its first two code points in hex."""
    return hex_name(word[:2])


class TextWords:
    """What the search forms of an archive need from one of its texts: its distinct words after the
    article, sorted and space-separated, and its words with a hamza on a seat, as sorted (و seat,
    ي seat) pairs. The build state keeps one for every article, and a rebuild reads them only for
    the few texts whose words' decisions changed: they are pickled as UTF-8 bytes and decoded when
    first read (the 31k archive's, unpickled as strings and tuples, took 0.29 s of every rebuild;
    as bytes, 0.11 s)."""

    __slots__ = ("_words", "_seated", "_packed")

    def __init__(self, words: str, seated: tuple[tuple[str, str], ...]):
        self._words, self._seated, self._packed = words, seated, None

    def __reduce__(self):
        packed = self._packed
        if packed is None:  # (not kept: a decoded one holds its strings only)
            # (Neither part holds a line break: both are words, and the seats' pairs hold no space.)
            spellings = " ".join(spelling for pair in self._seated for spelling in pair)
            packed = f"{self._words}\n{spellings}".encode("utf-8", "surrogatepass")
        return _packed_text_words, (packed,)

    def _unpack(self) -> None:
        packed = self._packed
        if packed is None:  # decoded by another thread meanwhile
            return
        words, _, seated = packed.decode("utf-8", "surrogatepass").partition("\n")
        spellings = seated.split()
        self._words, self._seated = words, tuple(zip(spellings[::2], spellings[1::2]))
        self._packed = None

    @property
    def words(self) -> str:
        if self._words is None:
            self._unpack()
        return self._words

    @property
    def seated(self) -> tuple[tuple[str, str], ...]:
        if self._seated is None:
            self._unpack()
        return self._seated

    def word_set(self) -> set[str]:
        return set(self.words.split())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextWords) and (self.words, self.seated) == (other.words, other.seated)

    def __hash__(self) -> int:
        return hash((self.words, self.seated))

    def __repr__(self) -> str:
        return f"TextWords({self.words!r}, {self.seated!r})"


def _packed_text_words(packed: bytes) -> TextWords:
    """A TextWords as pickled, decoded when first read."""
    text = TextWords.__new__(TextWords)
    text._words = text._seated = None
    text._packed = packed
    return text


@dataclass
class WordCounts:
    """In how many texts each word occurs, and each pair of hamza seats: what SearchForms decides
    from, kept up to date text by text."""
    words: Counter = field(default_factory=Counter)
    seated: Counter = field(default_factory=Counter)

    def add(self, text: TextWords) -> None:
        self.words.update(text.words.split())
        self.seated.update(text.seated)

    def remove(self, text: TextWords) -> None:
        gone = text.words.split()
        self.words.subtract(gone)
        self.seated.subtract(text.seated)
        for counts, keys in ((self.words, gone), (self.seated, text.seated)):
            for key in keys:
                if counts[key] <= 0:
                    del counts[key]

    def copy(self) -> "WordCounts":
        return WordCounts(Counter(self.words), Counter(self.seated))


def _on_seat(token: str, seat: str) -> str:
    return token.replace("ؤ", seat).replace("ئ", seat)


class _Computed(dict):
    """key -> `work(key)`, each worked out when first asked for; with a `limit`, all forgotten once
    that many are held."""
    __slots__ = ("_work", "_limit")

    def __init__(self, work, limit: int | None = None) -> None:
        super().__init__()
        self._work, self._limit = work, limit

    def __missing__(self, key):
        if self._limit is not None and len(self) >= self._limit:
            self.clear()
        value = self[key] = self._work(key)
        return value


def _as_folded(token: str) -> str:
    """A token folded with its seats kept, as `fold` writes it."""
    return token.replace("ؤ", SEATS["ؤ"]).replace("ئ", SEATS["ئ"])


# Folded token with its seats kept -> the word it counts as (folded, after the article). Articles
# share most of their words, so each is worked out once per process.
_WORDS = _Computed(lambda token: strip_article(_as_folded(token)), limit=500_000)


def text_words(text: str) -> TextWords:
    distinct = set(words(fold_keeping_seats(text)))
    seated = tuple(sorted((_on_seat(t, "و"), _on_seat(t, "ي")) for t in distinct if "ؤ" in t or "ئ" in t))
    return TextWords(" ".join(sorted(set(map(_WORDS.__getitem__, distinct)))), seated)


class SearchForms:
    """Search forms of the words of one archive (the lone-proclitic decisions need all of it).

    `texts` are the archive's texts, or their `text_words`. `recorded` holds the decisions kept
    from earlier builds (search_words.py): a word found there is not decided again, and the words
    this archive decides afresh are in `decided`, to be recorded.
    """

    def __init__(self, texts: Iterable[str | TextWords], recorded: Mapping[str, int] | None = None,
                 counted: "WordCounts | None" = None):
        """`counted`: the texts' words counted already (texts are then not read), as a build keeps
        them from one build to the next."""
        if counted is None:
            counted = WordCounts()
            for text in texts:
                counted.add(text if isinstance(text, TextWords) else text_words(text))
        self.document_frequency: Counter[str] = counted.words
        seated = counted.seated.keys()
        self._recorded = dict(recorded or {})
        self.decided: dict[str, int] = {}  # words of this archive that no earlier build decided
        self._tables: dict[str, dict[str, int]] | None = None
        self._stripped: dict[str, int] = {}  # word (after the article) -> proclitic letters removed
        self._forms: dict[str, str] = {}  # token -> its form: an archive repeats its words
        self._index_forms = _Computed(self._token_index_forms)  # token -> the forms it is indexed with
        # The other seat's spelling of a word may be no word of the archive: it is decided too, so
        # that the forms of a text depend on nothing but decisions.
        other_spellings = {strip_article(token) for pair in seated for token in pair} - self.document_frequency.keys()
        # The recorded decisions taken as they are, and only the other words decided (a rebuild of
        # the 31k archive: 226,000 words, all but a few hundred recorded).
        recorded = self._recorded
        for word in [*self.document_frequency, *sorted(other_spellings)]:
            removed = recorded.get(word)
            if removed is None and _may_have_proclitic(word):
                removed = self.decided[word] = self._proclitics(word)
            if removed:
                self._stripped[word] = removed
        # The other seat's form of each form that the archive also writes with a hamza, so that an
        # article writing the word without one (مسوول) is found by a query with either (مسؤول, مسئول).
        self._other_seat: dict[str, str] = {}
        for waw, ya in sorted(seated):
            waw_form, ya_form = self.form(waw), self.form(ya)
            if waw_form and ya_form and waw_form != ya_form:
                self._other_seat.setdefault(waw_form, ya_form)
                self._other_seat.setdefault(ya_form, waw_form)

    @classmethod
    def from_decisions(cls, stripped: dict[str, int]) -> "SearchForms":
        """Forms given lone-proclitic decisions alone, as the search page has them (for tests)."""
        forms = cls(())
        forms._stripped = dict(stripped)
        forms._forms.clear()
        forms._index_forms.clear()
        return forms

    def _proclitics(self, word: str) -> int:
        removed = 0
        while removed < MAX_PROCLITICS and _may_have_proclitic(word[removed:]):
            rest = word[removed + 1:]
            if self.document_frequency[rest] >= max(1, self.document_frequency[word]):
                removed += 1
            else:
                break
        return removed

    def form(self, token: str) -> str:
        """The search form of one folded token."""
        cached = self._forms.get(token)
        if cached is None:
            cached = self._forms[token] = self._form(token)
        return cached

    def _form(self, token: str) -> str:
        word = strip_article(token)
        removed = self._stripped.get(word)
        if removed is None and word not in self.document_frequency and _may_have_proclitic(word):
            removed = self._recorded.get(word)  # a word not seen when the archive was counted
            if removed is None:
                removed = self._proclitics(word)
        if removed:
            word = strip_article(word[removed:])
        return word

    def form_frequency(self) -> dict[str, int]:
        """How many articles hold each search form, counted by the archive's words (the words that
        share a form added up; an article with two of them counts twice, as the words' counts do).
        Most words are their own form: only those that begin with an article or had a proclitic
        decided are worked out, the decided ones as `_form` does without its calls (the 31k
        archive's 226,000 words: 0.46 s when each was, 69,000 of them decided)."""
        frequency = self.document_frequency
        counts = Counter(frequency)

        def move(word: str, form: str) -> None:
            if form != word:
                articles = frequency[word]
                counts[word] -= articles
                counts[form] += articles
        for word, removed in self._stripped.items():
            if word in frequency and not word.startswith(ARTICLE_PREFIXES):
                move(word, strip_article(word[removed:]))
        for word in frequency:
            if word.startswith(ARTICLE_PREFIXES):
                move(word, self.form(word))
        # (A word whose articles all went to its form is no form of any.)
        return {form: articles for form, articles in counts.items() if articles}

    def article_forms(self, article) -> str:
        """The index forms of an article's page: those of the text search indexes (article_text).
        The build works them out ahead of rendering, the renderer for what it was not given: one
        definition, so that both give the same."""
        return self.forms_for_index(article_text(article))

    def forms_for_index(self, text: str) -> str:
        """The search forms of `text` that its own words do not already spell, each once, in order
        of first appearance, space-separated (empty when there are none).

        A hamza on a seat is written both ways (مسؤول and مسئول, شؤون and شئون), and `fold` keeps
        the seat (و or ي), so a word with either seat is also indexed with the other; and a word
        written without a hamza (مسوول) is also indexed with the other seat's form when the archive
        writes it with a hamza elsewhere. A query with ؤ, with ئ or without a hamza then finds all.
        """
        written = set(words(text.lower()))
        # Each distinct word once (an article repeats its words), its forms known from any article
        # before; the forms once each in order, less those the text writes (a loop in Python over
        # the words took 1.3 s more of the 31k articles' 13 s).
        forms = chain.from_iterable(map(self._index_forms.__getitem__, dict.fromkeys(words(fold_keeping_seats(text)))))
        return " ".join(filterfalse(written.__contains__, dict.fromkeys(forms)))

    def _token_index_forms(self, word: str) -> tuple[str, ...]:
        """The forms a folded token (its seats kept) stands for in an index: its search form, with
        its hamza on either seat, and each one's other-seat form, in that order."""
        spellings = (dict.fromkeys((_as_folded(word), _on_seat(word, "و"), _on_seat(word, "ي")))
                     if "ؤ" in word or "ئ" in word else (word,))
        found = []
        for token in spellings:
            form = self.form(token)
            found.append(form)
            other = self._other_seat.get(form)
            if other is not None:
                found.append(other)
        return tuple(found)

    def decisions(self) -> tuple[dict[str, int], dict[str, str]]:
        """What the forms of a text depend on beyond the text: the lone-proclitic decisions
        (word -> letters removed) and each form's other-seat form."""
        return dict(self._stripped), dict(self._other_seat)

    def clitic_tables(self) -> dict[str, dict[str, int]]:
        """Lone-proclitic decisions by shard: {shard key: {word: letters removed}}."""
        if self._tables is None:
            by_prefix: dict[str, dict[str, int]] = {}
            for word, removed in sorted(self._stripped.items()):
                by_prefix.setdefault(word[:2], {})[word] = removed
            # (A shard's key named once per prefix rather than once per word: 69,000 in the 31k archive.)
            self._tables = {shard_key(prefix): table for prefix, table in by_prefix.items()}
        return self._tables

    def clitic_shards(self) -> list[str]:
        """The shard keys of the tables, in order, without making the tables (the search page's
        data, worked out with the pages' fingerprints on the way to rendering: sorting and sharding
        the 31k archive's decisions took 0.28 s there, where writing them is done beside the index)."""
        if self._tables is not None:
            return sorted(self._tables)
        return sorted({hex_name(prefix) for prefix in {word[:2] for word in self._stripped}})

    def write_clitic_tables(self, site: SiteWriter) -> int:
        """Write the tables into the site; returns how many files were written."""
        tables = self.clitic_tables()
        for key, table in tables.items():
            site.write(f"{CLITICS_DIR}/{key}.json", json.dumps(table, ensure_ascii=False, separators=(",", ":")))
        return len(tables)


def article_text(article) -> str:
    """The text of an article that search indexes: kicker, title and body."""
    return "\n".join(part for part in (article.kicker, article.title, article.body) if part)
