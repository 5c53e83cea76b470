"""Search decisions about words, made once per word and kept with the archive's content.

Whether a word's first letter is a proclitic (لبغداد = ل + بغداد) or part of the word (لجنة) is
decided from the archive's own word counts (see search_text.py). Counts move with every batch of
new articles, so a decision made afresh at each build would flip now and then for some rare word,
changing the indexed text of old articles all over the archive: every part of the search index
holding one of them would be built again, and a search that found an article yesterday might not
today. So a word is decided when it first enters the archive and the decision is kept in
`content/search-words.tsv`, like an event id once given: later builds read it back and decide
only the words that are new. A clean build of the same content makes the same decisions.

The file is the archive's to keep under version control and an archivist may correct a line (the
build never rewrites a line, it only appends the words it decides). One word per line:
`<word><TAB><letters removed>`, the word in its folded search spelling, `#` starts a comment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from generator import parallel
from generator.article import Article, Problems
from generator.search_text import (MAX_PROCLITICS, SearchForms, TextWords, WordCounts, article_text, strip_article,
                                   text_words)

SEARCH_WORDS_FILENAME = "search-words.tsv"
_HEADER = ("# Search decisions, one word per line: <word><TAB><proclitic letters search removes>.\n"
           "# Written by the build for each new word of the archive; a corrected line is kept as it is.\n")


def search_words_path(content_dir: Path) -> Path:
    return content_dir / SEARCH_WORDS_FILENAME


def load_search_words(content_dir: Path, root: Path, problems: Problems) -> dict[str, int]:
    """The recorded decisions (word -> proclitic letters removed); a line that cannot be read is
    reported and left out, so its word is decided again."""
    path = search_words_path(content_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        problems.warn(_name(path, root), f"cannot be read ({error}); its words are decided again")
        return {}
    decisions: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        word, _, letters = line.partition("\t")
        if not word or word != word.strip() or not letters.strip().isdigit() \
                or int(letters) > min(MAX_PROCLITICS, len(word) - 1):
            problems.warn(f"{_name(path, root)}:{number}",
                           f"expected <word><TAB><0 to {MAX_PROCLITICS}>, found {line[:60]!r}; line ignored")
            continue
        decisions.setdefault(word, int(letters))  # the first line of a word counts
    return decisions


def record_search_words(content_dir: Path, root: Path, decided: dict[str, int], problems: Problems) -> None:
    """Append the words decided in this build (in word order), never touching what is there."""
    if not decided:
        return
    path = search_words_path(content_dir)
    block = "".join(f"{word}\t{letters}\n" for word, letters in sorted(decided.items()))
    try:
        exists = path.exists()
        ends_in_newline = True
        if exists and path.stat().st_size:
            with open(path, "rb") as stream:  # only its last byte: a hand edit may have left no newline
                stream.seek(-1, os.SEEK_END)
                ends_in_newline = stream.read(1) == b"\n"
        with open(path, "a", encoding="utf-8", newline="\n") as stream:
            stream.write(("" if exists else _HEADER) + ("" if ends_in_newline else "\n") + block)
            stream.flush()
            os.fsync(stream.fileno())
    except OSError as error:
        # The decisions still hold for this build; the next one makes them again.
        problems.warn(_name(path, root), f"cannot record {len(decided)} new search words ({error.strerror or error})")


def _name(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


# -- the archive's search forms, worked out again only where an article changed ------------------

@dataclass
class SearchWordsState:
    """What one build knew of its articles' words, kept in the build state for the next."""
    words: dict[str, tuple[str, TextWords]] = field(default_factory=dict)  # article id -> (text digest, its words)
    forms: dict[str, tuple[str, str]] = field(default_factory=dict)        # article id -> (text digest, its index forms)
    stripped: dict[str, int] = field(default_factory=dict)                 # the decisions those forms were made with
    other_seat: dict[str, str] = field(default_factory=dict)
    counts: WordCounts | None = None  # the words above counted (None: count them)

    ENTRIES = ("words", "forms")  # kept entry by entry in the build state (BuildState.save_parts)


def _words_chunk(indices: list[int]) -> list[tuple[int, TextWords]]:
    texts = parallel.work()
    return [(i, text_words(texts[i])) for i in indices]


def archive_search_forms(articles: list[Article], content_dir: Path, root: Path, problems: Problems,
                         previous: SearchWordsState | None, jobs: int = 1,
                         record: bool = True) -> tuple[SearchForms, SearchWordsState]:
    """The search forms of the archive, with the decisions recorded in content/ (new words are
    decided and recorded), and the index forms of every article whose text and words' decisions
    are those of the previous build. Returns the state to keep for the next build. With `record`
    false, the new words' decisions (the forms' `decided`) are the caller's to record
    (record_search_words), once it changes content/ (a build records nothing before its articles
    are written)."""
    previous = previous if isinstance(previous, SearchWordsState) else SearchWordsState()
    by_id = {article.id: article for article in articles}
    digests = {article.id: article.text_digest for article in articles}
    state = SearchWordsState()
    missing = []
    for key, digest in digests.items():
        known = previous.words.get(key)
        if known is not None and known[0] == digest:
            state.words[key] = known
        else:
            missing.append(key)
    if jobs > 1 and len(missing) >= parallel.MINIMUM:
        pending = [article_text(by_id[key]) for key in missing]
        for done in parallel.in_forked_processes(_words_chunk, pending, list(range(len(missing))), jobs):
            for i, words in done:
                state.words[missing[i]] = (digests[missing[i]], words)
    else:
        for key in missing:
            state.words[key] = (digests[key], text_words(article_text(by_id[key])))

    # The words counted: the previous build's counts, less the texts gone or changed, plus the new.
    if previous.counts is None:
        state.counts = WordCounts()
        for key in sorted(state.words):
            state.counts.add(state.words[key][1])
    else:
        state.counts = previous.counts.copy()
        for key, known in previous.words.items():
            if state.words.get(key) is not known:
                state.counts.remove(known[1])
        for key, known in state.words.items():
            if previous.words.get(key) is not known:
                state.counts.add(known[1])
    forms = SearchForms((), load_search_words(content_dir, root, problems), counted=state.counts)
    if record:
        record_search_words(content_dir, root, forms.decided, problems)
    state.stripped, state.other_seat = forms.decisions()

    # An article's index forms hold while its text does and no word of it was decided otherwise.
    changed = {word for word in previous.stripped.keys() | state.stripped.keys()
               if previous.stripped.get(word) != state.stripped.get(word)}
    seat_changed = {form for form in previous.other_seat.keys() | state.other_seat.keys()
                    if previous.other_seat.get(form) != state.other_seat.get(form)}
    if seat_changed:
        changed |= {word for word in forms.document_frequency if forms.form(word) in seat_changed}
    changed = _held_before(changed, previous.counts)
    for key, (digest, words) in state.words.items():
        known = previous.forms.get(key)
        if known is None or known[0] != digest:
            continue
        if changed and _touches(words, changed):
            continue
        state.forms[key] = known
    return forms, state


def index_forms(articles: list[Article], forms: SearchForms, state: SearchWordsState) -> dict[str, str]:
    """Every article's index forms (article id -> the forms its page's hidden search element
    holds): those `state` kept, the others worked out (all of them in a full build)."""
    found = {key: known for key, (_, known) in state.forms.items()}
    for article in articles:
        if article.id not in found:
            found[article.id] = forms.article_forms(article)
    return found


def _held_before(changed: set[str], counts: WordCounts | None) -> set[str]:
    """The words of `changed` that a text of the build that counted `counts` held. An article whose
    text is unchanged holds no other: a batch's new words are decided without looking at the words
    of every article (splitting them took 1.6 s of a 31k rebuild)."""
    if counts is None or not changed:
        return changed
    held = {word for word in changed if word in counts.words}
    if len(held) < len(changed):
        seated = {strip_article(token) for pair in counts.seated for token in pair}
        held |= {word for word in changed if word in seated}
    return held


def _touches(words: TextWords, changed: set[str]) -> bool:
    return not changed.isdisjoint(words.word_set()) or any(
        strip_article(token) in changed for pair in words.seated for token in pair)
