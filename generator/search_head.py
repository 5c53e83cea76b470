"""The first page of results for the archive's most frequent words, worked out at build time.

Pagefind's time for a word grows with the pages that hold it: its worker scores every match in
every part of the index and hands all of them to the page (about 40 µs a match in Chromium), so a
word in 10,000 of 31,000 articles took about a second. For each search form that at least
`[search] first_page_min_articles` articles hold (1,500 by default: each match costs the build
about as much as it costs the page), the build asks Pagefind itself (pagefind_search.py, the search module
the page runs) for each part's answer, ranks the parts' results together exactly as the search
page does (`rankAcrossParts` in search.js), and writes the count and the first page of results to
`search/head/<hex>.json`, with what the page shows of each (its fragment without the hidden
search forms). The page shows those at once and asks Pagefind only when the reader wants more,
or filters or sorts.

Each part's answers, and what each result shows, are kept in the build state by the part's name
and key (search.py): a part that was not indexed again or renamed is not searched again.
"""

from __future__ import annotations

import json
import math
import threading
import unicodedata
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from generator import pagefind_search, parallel
from generator.search import PAGEFIND_DIR, PARTS_FILE, part_keys, word_offsets_file
from generator.search_text import FORMS_MARKER, SearchForms, hex_name

if TYPE_CHECKING:  # imported where the searching is done (numpy, 60 ms): not by every build
    from generator import pagefind_ranking

HEAD_RESULTS = 20         # the search page's first page (PAGE_SIZE in search.js)
HEAD_DIR = "search/head"
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def head_file(form: str) -> str:
    """The file of one form's first page, relative to the site: its code points in hex."""
    return f"{HEAD_DIR}/{hex_name(form)}.json"


def head_forms(forms: SearchForms, min_articles: int) -> list[str]:
    """The search forms held by at least `min_articles` articles (counted by the archive's words;
    the words that share a form are added up), that the page sends to Pagefind unchanged. Function
    words (في، من، على) are left to Pagefind: nearly every article holds them, so they would cost the
    build the most, and they are seldom what a reader looks for. So are single letters (a proclitic
    written apart, و or ب, or an initial): Pagefind matches a query word as a prefix, so a letter
    stands for every word that starts with it, and its search cost the build more than all the
    other frequent forms together (3 of 4 s of a part's 12 slowest forms, 31k articles)."""
    # (Imported here: the searching processes, which import this module, need none of the lists.)
    from generator.stopwords import FUNCTION_WORDS

    return sorted(form for form, n in forms.form_frequency().items()
                  if n >= min_articles and len(form) > 1 and form not in FUNCTION_WORDS
                  and _as_pagefind_reads(form) == form)


def _as_pagefind_reads(term: str) -> str:
    # pagefind-worker.js: lower case, then diacritics dropped (NFD, every mark removed).
    return "".join(ch for ch in unicodedata.normalize("NFD", term.lower()) if not unicodedata.category(ch).startswith("M"))


@dataclass(frozen=True)
class PartAnswer:
    """Pagefind's answer to one form in one part: how many pages, and the best HEAD_RESULTS."""
    count: int
    best: tuple[tuple[str, float, tuple[int, ...]], ...]   # (page id, score, word locations)


@dataclass
class HeadState:
    """Answers by (part, form), and what the first pages show of each result by (part, page id),
    for the next build; a part is known by its name and key (its pages): the same pages under
    another name (a span halved) have other page ids."""
    answers: dict[tuple[tuple[str, str], str], PartAnswer] = field(default_factory=dict)
    shown: dict[tuple[tuple[str, str], str], str] = field(default_factory=dict)  # encoded by _shown

    # Kept entry by entry in the build state (BuildState.save_parts): a rebuild changes the answers
    # of the parts it indexed, and saving the 31k archive's 4,400 answers and 39 MB of results
    # whole took 0.14 s at its end.
    ENTRIES = ("answers", "shown")


def _identity(part: dict) -> tuple[str, str]:
    return part["name"], part["key"]


def _answer(found: tuple[int, list[dict]]) -> PartAnswer:
    count, results = found
    return PartAnswer(count, tuple((r["p"], float(r["s"]), tuple(loc["l"] for loc in r.get("l", [])))
                                   for r in results[:HEAD_RESULTS]))


def _idf(pages: int, containing: int) -> float:
    # BM25's inverse document frequency, as Pagefind and search.js compute it.
    return math.log((pages - containing + 0.5) / (containing + 0.5) + 1)


def ranked_first_page(parts: list[dict], answers: list[PartAnswer]) -> tuple[int, list[tuple[str, tuple[int, ...]]]]:
    """The count and first page of results as the search page ranks them: each part's scores
    weighed by the ratio of the form's archive-wide to in-part rarity, pages of equal score in
    the order of their ids (`rankAcrossParts` in search.js). Each part's first results are
    enough: the weight is the same for all of a part's pages."""
    total = sum(answer.count for answer in answers)
    factors = [1.0] * len(answers)
    if len(parts) > 1:
        archive = _idf(sum(part["pages"] for part in parts), total)
        for number, (part, answer) in enumerate(zip(parts, answers)):
            own = _idf(part["pages"], answer.count)
            factors[number] = archive / own if own > 0 else 1.0
    ranked = sorted(((score * factors[number], page, locations)
                     for number, answer in enumerate(answers) for page, score, locations in answer.best),
                    key=lambda item: (-item[0], item[1]))
    return total, [(page, locations) for _, page, locations in ranked[:HEAD_RESULTS]]


def _search_chunk(tasks: list[tuple[Path, list[dict], int, list[str]]]) -> list[tuple[int, str, PartAnswer]]:
    return [found for site_dir, parts, number, forms in tasks for found in _searched(site_dir, parts, [(number, forms)])]


def _searched(site_dir: Path, parts: list[dict], tasks: list[tuple[int, list[str]]]) -> list[tuple[int, str, PartAnswer]]:
    done = []
    for number, forms in tasks:
        done += [(number, form, answer)
                 for form, answer in _search_part((str(site_dir / PAGEFIND_DIR / parts[number]["name"]), forms))]
    return done


def _search_part(task: tuple) -> list[tuple[str, PartAnswer]]:
    """Each form's answer as a search page just opened gets it: with only the word chunks that
    Pagefind loads for it (a short form such as ال matches, as a prefix, the words of every chunk
    loaded before, so an answer would depend on the forms searched before it in the same task).
    The task: the part's folder, the forms, and maybe the file of its words' offsets and the
    folder where the compiled search module is kept (pagefind_search._compiled)."""
    from generator import pagefind_ranking

    folder, forms, *rest = task
    offsets = rest[0] if rest else None
    compiled = rest[1] if len(rest) > 1 and rest[1] else None
    engine = pagefind_search.BundleSearch(Path(folder), Path(compiled) if compiled else None)
    try:
        ranking: pagefind_ranking.PartRanking | None = pagefind_ranking.PartRanking(
            Path(folder), Path(offsets) if offsets else None)
    except Exception:  # noqa: BLE001 - the module reads what it can: it scores every page, or says what is wrong
        ranking = None
    by_chunks: dict[tuple[str, ...], list[str]] = {}
    for form in forms:
        by_chunks.setdefault(engine.chunks_for(form), []).append(form)
    answers = {}
    for chunks, group in by_chunks.items():  # the forms of a group load the same chunks
        engine.fresh()
        answers.update((form, _first_page(engine, ranking, form, chunks)) for form in group)
    return [(form, answers[form]) for form in forms]


def _first_page(engine: pagefind_search.BundleSearch, ranking: pagefind_ranking.PartRanking | None,
                form: str, chunks: tuple[str, ...]) -> PartAnswer:
    """Pagefind's first results for `form`: scored by its module only for the pages whose score
    can be among them (pagefind_ranking.py) when its scores confirm the bounds worked out there,
    else from its whole answer."""
    contenders = ranking.contenders(form, chunks, HEAD_RESULTS) if ranking is not None else None
    if contenders is not None:
        answer = engine.scored(form, sorted(contenders.bounds))
        results = answer.get("results")
        if isinstance(results, list) and ranking.confirms(contenders, answer.get("unfiltered_total"), results):
            return _answer((contenders.count, pagefind_search.best_first(results, HEAD_RESULTS)))
    return _answer(engine.first_results(form, HEAD_RESULTS))


def _in_tasks(todo: list[str], jobs: int) -> list[list[str]]:
    """A part's forms to search in one task per core, so that both cores work when one part
    changed: each task reads the part's word index and starts the search module afresh (0.06 s of
    CPU a task, for 0.4 s of searching a rebuild's part of 3,500 pages in each)."""
    step = max(1, -(-len(todo) // jobs))
    return [todo[start:start + step] for start in range(0, len(todo), step)]


def prefork_searchers(jobs: int) -> None:
    """Fork the processes of a PartSearches ahead (parallel.prefork), with the searching's imports
    (numpy, wasmtime: 0.2 s of CPU each) done in them at once."""
    parallel.prefork(_search_part, max(1, jobs), preload=("generator.pagefind_ranking", "wasmtime"))


class PartSearches:
    """The parts' answers, searched while the index is still being written: `part_written(name,
    key)` (from any thread) starts searching that part in new processes as soon as it is in place,
    beside the parts still being indexed and the site's other files being written; in a rebuild
    the searches otherwise waited for the whole index (7-8 s of a 31k rebuild after it). Used as a
    context manager; write_head_results takes the answers."""

    def __init__(self, site_dir: Path, forms: list[str], previous: HeadState | None, jobs: int,
                 word_offsets_dir: Path | None = None, compiled_dir: Path | None = None):
        """`word_offsets_dir`: build_index's, where a part it merged has its words' offsets;
        `compiled_dir`: where the compiled search module is kept from one build to the next."""
        self._folder = site_dir / PAGEFIND_DIR
        self._word_offsets_dir = word_offsets_dir
        self._compiled = str(compiled_dir) if compiled_dir is not None else None
        self._forms = forms
        self.previous = previous if isinstance(previous, HeadState) else HeadState()
        self._jobs = max(1, jobs)
        self._workers = parallel.Workers(_search_part, self._jobs)
        self._lock = threading.Lock()
        self._started: dict[tuple[str, str], list[Future]] = {}

    def warm_up(self, published: Path) -> None:
        """Start the searching processes now, each searching nothing in a part of the `published`
        site's index (when it has one) so that its imports are done and the search module compiled,
        or read back as the last build compiled it, before the first part is written: a rebuild
        starts them as it lists and fingerprints its pages, with a core to spare, instead of beside
        the merges of the parts that changed. No thread waits for them, so the build may still fork
        its renderers."""
        folder = next((published / PAGEFIND_DIR / name for name in part_keys(published)), None)
        found = folder is not None and folder.is_dir()
        self._workers.prestart((str(folder), [], None, self._compiled) if found else None)

    def part_written(self, name: str, key: str) -> None:
        identity = (name, key)
        todo = [form for form in self._forms if (identity, form) not in self.previous.answers]
        with self._lock:
            if identity in self._started:
                return
            started = self._started[identity] = []
            for forms in _in_tasks(todo, self._jobs):
                if self._workers.closed:
                    break  # write_head_results searches what was not started
                offsets = self._word_offsets_dir and str(word_offsets_file(self._word_offsets_dir, name))
                started.append(self._workers.submit((str(self._folder / name), forms, offsets, self._compiled)))

    def searching(self) -> bool:
        """Whether any search was started (in threads that wait for its processes)."""
        with self._lock:
            return any(self._started.values())

    def answers(self, identity: tuple[str, str]) -> list[tuple[str, PartAnswer]] | None:
        """The answers searched for the part (None when it was not started); waits for them."""
        with self._lock:
            futures = self._started.get(identity)
        if futures is None:
            return None
        try:
            return [found for future in futures for found in future.result()]
        except BaseException as error:
            with self._lock:  # the first pages are given up: what waits is not searched
                for started in self._started.values():
                    for future in started:
                        future.cancel()
            if isinstance(error, parallel.WorkerError):
                raise pagefind_search.PagefindSearchError(str(error)) from None
            raise

    def __enter__(self) -> "PartSearches":
        self._workers.__enter__()
        return self

    def __exit__(self, *exc_info) -> None:
        self._workers.__exit__(*exc_info)


def write_head_results(site_dir: Path, forms: list[str], previous: HeadState | None,
                       write: Callable[[str, str], None], jobs: int = 1,
                       searches: PartSearches | None = None) -> HeadState:
    """Work out and write (through `write(relative path, text)`) the first page of every form in
    `forms`, from the index in `site_dir/pagefind`, searching in `jobs` processes, or with
    `searches` (whose `previous` is then the one used, and which searches the parts not handed to
    it yet). Returns the state to keep. Raises PagefindSearchError when Pagefind's search module
    cannot run here."""
    if searches is not None:
        if previous is not None:
            raise ValueError("the previous state is the searches' own")
        previous = searches.previous
    previous = previous if isinstance(previous, HeadState) else HeadState()
    state = HeadState()
    if not forms:
        return state
    parts = json.loads((site_dir / PAGEFIND_DIR / PARTS_FILE).read_text(encoding="utf-8"))["parts"]
    if searches is not None:
        for part in parts:
            searches.part_written(*_identity(part))  # (nothing new for a part handed on already)
    missing: list[tuple[int, list[str]]] = []
    for number, part in enumerate(parts):
        identity = _identity(part)
        for form in forms:
            answer = previous.answers.get((identity, form))
            if answer is not None:
                state.answers[(identity, form)] = answer
        found = searches.answers(identity) if searches is not None else None
        state.answers.update(((identity, form), answer) for form, answer in found or ())
        missing += [(number, todo)
                    for todo in _in_tasks([form for form in forms if (identity, form) not in state.answers], jobs)]
    if jobs > 1 and len(missing) > 1:
        tasks = [(site_dir, parts, number, forms) for number, forms in missing]
        searched = (item for chunk in parallel.in_new_processes(_search_chunk, tasks, jobs, chunk=1) for item in chunk)
    else:
        searched = iter(_searched(site_dir, parts, missing))
    try:
        for number, form, answer in searched:
            state.answers[(_identity(parts[number]), form)] = answer
    except parallel.WorkerError as error:
        raise pagefind_search.PagefindSearchError(str(error)) from None
    identities = {part["name"]: _identity(part) for part in parts}
    for form in forms:
        total, first = ranked_first_page(parts, [state.answers[(_identity(part), form)] for part in parts])
        results = []
        for page, locations in first:
            key = (identities[_part_name(page)], page)
            shown = state.shown.get(key)
            if shown is None:
                # Reading and unpacking the first pages' 10,000 fragments took 1.5 s of a 31k rebuild.
                shown = state.shown[key] = previous.shown.get(key) or _shown(_fragment(site_dir, page))
            results.append(_result(page, locations, shown))
        write(head_file(form), head_json(total, results))
    return state


def head_json(total: int, results: list[str]) -> str:
    """A first page's file, from its results as _result encodes them: what json.dumps(..., ensure_ascii=False,
    separators=(",", ":")) makes of {"total": total, "results": [...]}."""
    return f'{{"total":{_ENCODE(total)},"results":[{",".join(results)}]}}'


def _result(page: str, locations: tuple[int, ...], shown: str) -> str:
    return f'{{"id":{_ENCODE(page)},"locations":{_ENCODE(list(locations))},{shown}}}'


def _part_name(page: str) -> str:
    return page[:page.index("_")]  # the merged bundle's page ids (pagefind_bundle._page_ids)


def _fragment(site_dir: Path, page: str) -> dict:
    return pagefind_search.read_fragment(site_dir / PAGEFIND_DIR / _part_name(page), page)


def _shown(fragment: dict) -> str:
    """What the page shows of a result: its URL, title and filters, and its own text (before the
    hidden search forms, which excerpts never show), so that one file serves the whole first page.
    Kept encoded, as the members of the result's JSON object after its id and locations: the 558
    first pages of the 31k archive hold 11,000 results, 39 MB of JSON encoded again in each build."""
    content = fragment.get("content", "")
    marker = content.rfind(FORMS_MARKER)
    return _ENCODE({"url": fragment.get("url", ""), "content": content[:marker] if marker >= 0 else content,
                    "meta": fragment.get("meta", {}), "filters": fragment.get("filters", {})})[1:-1]
