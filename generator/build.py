"""The build pipeline: ingest -> store -> link -> model -> render -> export -> index -> publish.

Each stage reads only what the one before it produced. Content is gathered and linked in full
before anything renders, and the site is written to a staging folder that replaces site/ only
when every stage has succeeded.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, TypeVar

from generator import collector, output, pagefind_search, parallel
from generator.article import Article, Problems
from generator.build_state import BuildState, SiteRecord, code_version, folder_identity
from generator.config import Config
from generator.content import ArticleWriter, article_path, load_articles
from generator.curated_events import CuratedEvent, load_curated_events, resolve_merges
from generator.content_pages import load_pages
from generator.export import EXPORT_PATH, export_text
from generator.feeds import write_feeds
from generator.file_cache import FileCache
from generator.ingest import ingest_seeds
from generator.gazetteer import Gazetteer, load_gazetteer
from generator.inferred_dates import infer_dates
from generator.link import LinkMemo, Linking, link_events
from generator.link_statistics import LinkStatistics, load_link_statistics, save_link_statistics
from generator.model import Archive, build_archive
from generator.output import SiteWriter
from generator.parallel import default_jobs
from generator.progress import Progress
from generator.raw_text import collect_raw_texts, write_raw_texts
from generator.render import Renderer, render_articles_ahead
from generator.render.urls import UrlScheme
from generator.render.markdown import forget_rendered_ahead
from generator.search import PAGEFIND_DIR, IndexSummary, IndexWorkers, PiecePages, build_index, prefork_index_workers
from generator.search_head import HeadState, PartSearches, head_forms, prefork_searchers, write_head_results
from generator.search_text import SearchForms
from generator.search_words import SearchWordsState, archive_search_forms, index_forms, record_search_words
from generator.sitemap import write_sitemap
from generator.sources import SourceRegistry, load_sources

T = TypeVar("T")
# From how many files a site's rebuild forks its workers ahead (parallel.prefork): 10,000 is a
# site of about 3,000 articles; a smaller one (the demo's, the tests') may search nothing at all.
PREFORKED_FROM_FILES = 10_000


@dataclass
class IngestSummary:
    articles: list[Article]
    problems: Problems
    related_events: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sources: SourceRegistry = field(default_factory=lambda: SourceRegistry({}))
    written: list[str] = field(default_factory=list)      # content files (re)generated
    kept_edited: list[str] = field(default_factory=list)  # hand-edited files left untouched


@dataclass
class BuildSummary:
    articles: int
    events: int
    pages: int
    problems: Problems
    seconds: float
    rendered: int = 0  # pages rendered; the others were unchanged since the previous build (or another
                       # page wrote their file)


def _relative(config: Config, path) -> str:
    return path.relative_to(config.root).as_posix()


@dataclass
class _Read:
    """The archive's articles as read from seeds/ and content/, before linking."""
    chosen: dict[str, Article]                      # article id -> the article the build uses
    stored: dict[str, tuple[Article, bool]]         # article id -> (its content file's article, machine-written)
    machine_owned: set[str]                         # ids whose content files the generator (re)writes
    kept_edited: list[str]                          # hand-edited files left untouched
    problems: Problems
    registry: SourceRegistry
    state: BuildState
    seed_cache: FileCache
    content_cache: FileCache

    def articles(self) -> list[Article]:
        return sorted(self.chosen.values(), key=lambda a: a.id)


@collector.paused()  # see collector.py: a build's objects live until it ends
def ingest(config: Config, progress: Progress, force: frozenset[str] = frozenset(), jobs: int = 1) -> IngestSummary:
    """Read seeds/, reconcile with content/articles/, assign events and write generator-owned files.

    `force` names article ids whose hand-edited files should be regenerated from their seeds.
    Files unchanged since the last build are not read again (the caches in the build state).
    """
    read = _read(config, progress, force, jobs, BuildState(config.paths.output))
    with progress.stage("link"):
        events = _linked(read.state, read.articles(), *_link_inputs(config, read))
        related = events.then()
        related.then()  # the memo saved
    return _settled(config, read, replace(events.value, related=related.value), force, jobs)


def _read(config: Config, progress: Progress, force: frozenset[str], jobs: int, state: BuildState) -> _Read:
    registry = load_sources(config.paths.content)
    problems = Problems()
    seed_cache, content_cache = _load_file_caches(state)
    stored = load_articles(config.paths.content, config.root, problems, cache=content_cache)
    with progress.stage("ingest") as advance:
        result = ingest_seeds(config.paths.seeds, config.root, registry, on_file=advance,
                              dump_fields=config.dump_fields, cache=seed_cache, jobs=jobs,
                              recorded_seeds={key: a.seed for key, (a, _) in stored.items() if a.seed})
    problems.extend(result.problems)

    chosen: dict[str, Article] = {}
    machine_owned: set[str] = set()
    kept_edited = []
    for article in result.articles:
        previous = stored.get(article.id)
        if previous is None or previous[1] or article.id in force:
            # Keep an assigned event: event ids never change once given.
            # A curated seed may name its event (a pin); otherwise the one given before is kept.
            event = article.event or (previous[0].event if previous else None)
            # The stored article itself where it is the seed's given its event, as nearly every one
            # of a rebuild is: no copy made, and none compared again once linked (_settled).
            chosen[article.id] = previous[0] if previous is not None and previous[0].is_with_event(article, event) \
                else article.with_changes(event=event)
            machine_owned.add(article.id)
        else:
            chosen[article.id] = previous[0]
            kept_edited.append(_relative(config, article_path(config.paths.content, article.id)))
    for article_id, (article, machine_written) in stored.items():
        if article_id not in chosen:
            chosen[article_id] = article  # curated article, or its seed was removed: keep it
            if machine_written and article.seed and not (config.root / article.seed).exists():
                problems.warn(_relative(config, article_path(config.paths.content, article_id)),
                              f"its seed {article.seed} is gone; the article is kept "
                              "(delete this file to remove it from the archive)")
    return _Read(chosen, stored, machine_owned, sorted(kept_edited), problems, registry, state, seed_cache,
                 content_cache)


# The seed and content caches are kept in one record: a machine-written article's file holds the
# body its seed gave, and kept together the two caches hold it once where two records held a copy
# each (53 million characters of the 31k archive's 110 and 114 MB). The bodies are kept apart and
# read when asked for (BuildState.save's `texts`): loaded, the stored article and the one made again
# from its seed share their unread body, so that telling them equal (_settled) reads neither.
_FILE_CACHES = "file_caches"
_SEEDS, _CONTENT = "seeds", "content"
_FORMER_RECORDS = ("seeds.base", "seeds.delta", "content.base", "content.delta")


def _load_file_caches(state: BuildState) -> tuple[FileCache, FileCache]:
    caches: dict[str, dict] = {_SEEDS: {}, _CONTENT: {}}
    for key, entry in (state.load_entries(_FILE_CACHES) or {}).items():
        if isinstance(key, tuple) and len(key) == 2 and key[0] in caches:  # (a record of another shape: ignored)
            caches[key[0]][key[1]] = entry
    return FileCache(caches[_SEEDS]), FileCache(caches[_CONTENT])


def _save_file_caches(read: _Read) -> None:
    entries = {(_SEEDS, name): entry for name, entry in read.seed_cache.entries().items()}
    entries.update(((_CONTENT, name), entry) for name, entry in read.content_cache.entries().items())
    read.state.save_entries(_FILE_CACHES, entries, texts=True)
    for name in _FORMER_RECORDS:  # kept apart by earlier versions
        read.state.discard(name)


def _save_memos(state: BuildState, read: _Read, words: SearchWordsState, index: IndexSummary,
                previous: SiteRecord) -> None:
    """What this build worked out for the next: words by their articles' digests, pages and input
    files by their files', the index's pieces (whole once the index is written); and the record
    of the version of the site that this build's replaces, its spare once it is published (until
    then that folder is not the spare's, whose record names it: BuildState.site_record trusts a
    record only for the folder it names, and a failed build leaves no spare to trust)."""
    state.save_parts("search_words", words, SearchWordsState.ENTRIES)
    state.save("indexed_pages", index.read)
    state.save("search_pieces", index.kept)
    _save_file_caches(read)  # (long after the content files were written: see FileCache.put)
    state.save("spare", SiteRecord(previous.identity, previous.outputs, written_at=previous.written_at))


def _save_first_pages(state: BuildState, first_pages: HeadState | None) -> None:
    if first_pages is None:
        state.discard("search_head")
    else:
        state.save_parts("search_head", first_pages, HeadState.ENTRIES)


def _link_inputs(config: Config, read: _Read) -> tuple[Gazetteer, LinkStatistics | None]:
    # Read here, not by the linking process: their problems are the build's to report.
    return (load_gazetteer(config.paths.content),
            load_link_statistics(config.paths.content, config.root, read.problems))


def _linked(state: BuildState, articles: list[Article], gazetteer: Gazetteer,
            kept_statistics: LinkStatistics | None) -> parallel.AnswerFirst:
    """The events (a Linking without related events), then the related events, then the link memo
    kept for the next build: the build settles the articles while a full build's events are
    related (7 s), and goes on while the linking process saves the memo (0.3 s of a 31k rebuild,
    more than a second of a full build). `statistics` is None when the kept counts were used (a
    Linking small enough to send from another process: no memo)."""
    events, relate = link_events(articles, gazetteer, state.load_parts("link", LinkMemo.ENTRIES), kept_statistics)
    counted = None if events.statistics is kept_statistics else events.statistics

    def related() -> parallel.AnswerFirst:
        linking = relate()
        return parallel.AnswerFirst(linking.related, lambda: state.save_parts("link", linking.memo, LinkMemo.ENTRIES))

    return parallel.AnswerFirst(Linking(events.events, {}, counted), related)


def _settled(config: Config, read: _Read, linking: Linking, force: frozenset[str] = frozenset(),
             jobs: int = 1, save_caches: bool = True) -> IngestSummary:
    """The linked articles, their dates inferred, and the generator's content files written; the
    seed and content caches saved, unless the caller saves them later (`save_caches`; see
    FileCache.put: saved within a moment of writing the files, their entries are racily clean)."""
    chosen, problems, state = read.chosen, read.problems, read.state
    if linking.statistics is not None:
        save_link_statistics(config.paths.content, config.root, linking.statistics, problems)
    assignments = linking.events
    inferred = infer_dates(list(chosen.values()), assignments)
    for article_id, day in inferred.items():
        chosen[article_id] = chosen[article_id].with_changes(date=day, date_precision="day", date_inferred=True)
    for article_id, event_id in assignments.items():
        if chosen[article_id].event != event_id:
            chosen[article_id] = chosen[article_id].with_changes(event=event_id)
            if article_id not in read.machine_owned:
                problems.warn(_relative(config, article_path(config.paths.content, article_id)),
                              f"hand-edited file has no event; linked to {event_id} for this build "
                              f"(add 'event: {event_id}' to keep it)")

    for article_id, article in chosen.items():
        # The stored article wherever it is the same: it carries its digest from the cache's pickle,
        # which the content writer and the pages' fingerprints then need not work out again. Unless
        # its body is another string than its seed's (both read from their files, as after a state of
        # an earlier version): then the seed's article takes its digests, and the content writer
        # records it for the file, so that the caches are saved holding that body once.
        previous = read.stored.get(article_id)
        if previous is not None and previous[0] is not article and previous[0] == article:
            chosen[article_id] = previous[0] if previous[0].shares_body(article) else article.adopt_digests(previous[0])
    writer = ArticleWriter(config.paths.content, config.root, read.content_cache, state.load("serialised"))
    written = [_relative(config, article_path(config.paths.content, article_id)) for article_id in
               writer.write_all([chosen[article_id] for article_id in sorted(read.machine_owned)], force, jobs)]
    if save_caches:
        _save_file_caches(read)
    state.save("serialised", writer.table)
    return IngestSummary(read.articles(), problems, linking.related, read.registry, written, read.kept_edited)


def _trusted_pieces(state: BuildState) -> dict[str, tuple[str, PiecePages]]:
    # The search index's pieces recorded by the last build whose index was written whole (see
    # search.build_index: a build that fails while writing it leaves the record of the one before).
    kept = state.load("search_pieces")
    return kept if isinstance(kept, dict) else {}


@collector.paused()
def build(config: Config, progress: Progress, jobs: int | None = None) -> BuildSummary:
    started = time.perf_counter()
    jobs = jobs or default_jobs()
    state = BuildState(config.paths.output)
    previous = state.site_record()
    staged = state.site_record("spare", output.staging_dir(config.paths.output))
    # The spare version is brought up to date, or made when there is none, while the build reads and links.
    sweep = None if not previous.outputs else \
        output.SpareSweep(config.paths.output, previous.outputs, staged.outputs, staged.written_at) \
        if staged.identity else output.SpareMaking(config.paths.output, previous.outputs, folders=(PAGEFIND_DIR,))
    try:
        if jobs > 1 and len(previous.outputs) >= PREFORKED_FROM_FILES:
            # A rebuild of a large site: its index workers and searching processes forked now, while
            # this process is small and its reading leaves a core idle (see parallel.prefork).
            prefork_index_workers()
            if config.search.first_page_min_articles:
                prefork_searchers(jobs)
        with contextlib.ExitStack() as background:  # (processes the build may leave working for a while)
            return _build(config, progress, jobs, started, state, previous, staged, sweep, background)
    finally:
        forget_rendered_ahead()
        try:
            parallel.end_preforked()
        finally:
            if sweep is not None:
                sweep.wait()  # a build that failed before using it leaves no process working on the spare


def _linked_and_search_forms(config: Config, progress: Progress, jobs: int, state: BuildState,
                             sweep: output.SpareWork | None, meanwhile: Callable[[_Read], T],
                             background: contextlib.ExitStack) \
        -> tuple[_Read, Linking, tuple[SearchForms, SearchWordsState, list[str], dict[str, str]], T,
                 parallel.ForkedCall]:
    """The articles as read and linked (not settled yet: _settled), and the archive's search forms,
    its frequent forms and each article's index forms: worked out while another process links (they
    need only the articles' text), instead of after it (1-2 s of a 31k rebuild; the index forms of a
    full build's 31k articles, 9 s of CPU, were worked out while rendering). Then `meanwhile(the
    articles as read)`, for the rest of what needs no events; then, until the linking answers, the
    bodies that pages and feeds will render are rendered (render_articles_ahead), unless the spare
    version's process (`sweep`) still wants the other core. The Linking returned holds no related
    events: the linking process then relates the events and saves the link memo. Its call is
    returned last, for the caller's next_result() (the related events) and finish(); leaving
    `background` ends it (a save cut short is not read back: BuildState.load_parts)."""
    # Its own state object, as `ingest` has: what it loads (the seed and content caches, whose
    # bases the state holds until they are saved, at the index stage's end) is not kept in the
    # build's own state.
    read = _read(config, progress, frozenset(), jobs, BuildState(config.paths.output))
    articles = read.articles()
    gazetteer, kept_statistics = _link_inputs(config, read)
    linking = background.enter_context(
        parallel.ForkedCall(_linked, read.state, articles, gazetteer, kept_statistics, fork=jobs > 1))
    with progress.stage("link"):
        search_forms, words = archive_search_forms(articles, config.paths.content, config.root, read.problems,
                                                   state.load_parts("search_words", SearchWordsState.ENTRIES),
                                                   jobs, record=False)
        heads = head_forms(search_forms, config.search.first_page_min_articles) \
            if config.search.first_page_min_articles and pagefind_search.available() else []
        forms_of = index_forms(articles, search_forms, words)
        early = meanwhile(read)
        render_articles_ahead(articles, until=lambda: not linking.busy() or (sweep is not None and sweep.busy()))
        linked = linking.result()
    return read, linked, (search_forms, words, heads, forms_of), early, linking


@dataclass
class _Unlinked:
    """What the build reads and prepares while the articles are linked (none of it depends on their
    events): in a 31k rebuild the linking process answers 1.5 s after the build's own search forms
    are done."""
    curated: dict[str, CuratedEvent]
    raw_texts: dict[str, str]
    content_pages: dict
    duplicates: object
    trusted: bool  # whether the spare version's record can be trusted (output.start)
    started: tuple[Path, set[str]] | None  # what output.start answered, when it was called here
    # The index stage's records, loaded here rather than on the way to the index: 0.2 s of a 31k rebuild.
    head_state: object = None
    indexed_pages: object = None
    trusted_pieces: dict = field(default_factory=dict)


def _build(config: Config, progress: Progress, jobs: int, started: float, state: BuildState, previous: SiteRecord,
           staged: SiteRecord, sweep: output.SpareWork | None, background: contextlib.ExitStack) -> BuildSummary:
    def unlinked(read: _Read) -> _Unlinked:
        curated = load_curated_events(config.paths.content, config.root, read.problems)
        raw_texts = collect_raw_texts(config.root, read.articles())
        content_pages, duplicates = load_pages(config.paths.content), state.load("duplicates")
        # The folder is about to change: a killed build must not leave it trusted (and when its
        # record cannot be dropped, the folder is made afresh rather than trusted).
        trusted = state.discard("spare") and staged.identity is not None
        # Here, while the linking runs, unless the spare is being made afresh (after a full build:
        # 158,000 links): then just before the rendering, so that its process has the core that the
        # settling, the model and the page list leave idle, rather than this process waiting for it.
        started = None if isinstance(sweep, output.SpareMaking) else start_output(trusted)
        return _Unlinked(curated, raw_texts, content_pages, duplicates, trusted, started,
                         state.load_parts("search_head", HeadState.ENTRIES), state.load("indexed_pages"),
                         _trusted_pieces(state))

    def start_output(trusted: bool) -> tuple[Path, set[str]]:
        output_started.append(True)
        return output.start(config.paths.output, reuse=previous.outputs,
                            staged=staged.outputs if trusted else None, swept=sweep)

    output_started: list[bool] = []  # once output.start was called
    staging = output.staging_dir(config.paths.output)
    try:
        read, linked, (search_forms, words, heads, forms_of), early, linking = _linked_and_search_forms(
            config, progress, jobs, state, sweep, unlinked, background)
        # The merged parts' words' offsets, for their searches only (build_index, PartSearches).
        # (Removed as the build ends, after the site is published: a failure to remove it is not the build's.)
        word_offsets = Path(background.enter_context(tempfile.TemporaryDirectory(prefix="archive-word-offsets-",
                                                                                  ignore_cleanup_errors=True)))
        searches = background.enter_context(PartSearches(staging, heads, early.head_state, jobs, word_offsets,
                                                         state.folder / "search-module"))
        if heads:
            # Now, beside the settling and the model, which leave a core idle, rather than beside the
            # page list and the fingerprints, where the export's process wants it too (a search
            # process takes 0.3 s of CPU to start, 0.75 s when it compiles the search module).
            searches.warm_up(config.paths.output)
        ingested = _settled(config, read, linked, jobs=jobs, save_caches=False)
        record_search_words(config.paths.content, config.root, search_forms.decided, read.problems)
        merges = resolve_merges(early.curated, ingested.problems)
        # (A full build's, worked out while the articles were settled.)
        ingested = replace(ingested, related_events=linking.next_result())
        archive: Archive = build_archive(ingested.articles, ingested.sources, early.curated, merges,
                                         ingested.related_events, frozenset(early.raw_texts), early.content_pages,
                                         early.duplicates)
        state.save("duplicates", archive.duplicates)
        # Made from the model alone: in another process while this one lists and fingerprints the
        # pages with a core to spare, rather than beside the index, where both cores are busy.
        exported = background.enter_context(parallel.ForkedCall(
            export_text, archive, UrlScheme(config.site.base_url, config.site.default_language),
            config.site.default_language, fork=jobs > 1))
    except BaseException:
        if output_started:  # (a build that fails before leaves the site's folders as they were)
            output.abandon(config.paths.output)
        raise
    raw_texts = early.raw_texts
    replaced: list[Path | None] = []  # the index's parts put aside, until their removal is started
    try:
        renderer = Renderer(config, archive, search_forms, forms_of, heads, state.folder / "templates")
        pages = renderer.pages()
        staging, present = early.started or start_output(early.trusted)
        site = SiteWriter(staging, previous.outputs, present)
        # Started now, as the rendering's first steps leave a core idle: they are not the build's to
        # wait for when the index starts (see IndexWorkers).
        index_workers = background.enter_context(IndexWorkers())
        index_workers.start()
        with progress.stage("render", total=len(pages)) as advance:
            rendered = renderer.write(site, pages, previous.pages, on_pages=advance, jobs=jobs)
        fingerprinted: dict[str, str] = {}  # feeds and sitemaps -> the fingerprint of what each was made from

        def write_the_rest(running: bool) -> None:
            # While Pagefind indexes the new pages, in processes of its own: the feeds then in this
            # one (forking beside the threads that wait for Pagefind or for searches is not safe), in
            # `jobs` when nothing runs (a build after the generator changed re-renders every feed).
            site.write(EXPORT_PATH, exported.result())
            write_raw_texts(site, raw_texts, renderer.urls)
            titles = {lang: config.site.title(lang) for lang in config.interface_languages}
            fingerprinted.update(write_feeds(
                site, archive, renderer.urls, titles, config.interface_languages, config.site.default_language,
                previous.pages, jobs=1 if running or searches.searching() else jobs,
                article_fingerprint=renderer.article_fingerprint, event_fingerprint=renderer.event_fingerprint))
            forget_rendered_ahead()  # the feeds were the last to ask for bodies
            fingerprinted.update(write_sitemap(site, pages, renderer.urls, rendered.by_page, previous.pages))
            renderer.search_forms.write_clitic_tables(site)

        with progress.stage("index"):
            # Each part of the index is searched for the first pages as soon as it is written.
            # The parts it replaces are removed once the new ones are written: beside the merges,
            # the removal of their thousands of files doubled the time of each merge's file
            # creations (0.37-0.43 s in open() for 600 chunk files, 0.17-0.24 s after them).
            index = build_index(staging, previous_site=config.paths.output, known=early.indexed_pages,
                                file_digests=site.written, pieces_dir=state.folder / "search-pieces",
                                stamp=code_version(), trusted=early.trusted_pieces,
                                discard=lambda folder: replaced.append(output.put_aside(folder,
                                                                                        config.paths.output)),
                                meanwhile=write_the_rest, on_part=searches.part_written,
                                word_offsets_dir=word_offsets, workers=index_workers)
            for folder in filter(None, replaced):
                output.start_removal(folder)
            replaced.clear()  # (their removal is started: a failure from here leaves them to it)
            kept_forms = renderer.article_forms()
            # The entries kept from the last build stay the same objects: only the others are saved again.
            words.forms = {key: known if (known := words.forms.get(key)) == (digest, kept_forms[key])
                           else (digest, kept_forms[key]) for key, (digest, _) in words.words.items()
                           if key in kept_forms}
            # What this build worked out for the next (_save_memos), saved in a forked process
            # while this one waits for the last part's searches and writes the first pages of
            # results, which leave a core idle: 0.45 s of pickling in a 31k rebuild. (The child
            # only pickles and writes files, taking no lock that the threads waiting for the
            # searches hold; it holds copies of the pipes of search processes started anew,
            # unlike those forked ahead: the build waits for it before they are closed.) Not in a
            # site's first build: pickling everything whole, the child would copy the pages of all
            # it pickles (the 100k archive's index stage: 5.0 GB against 3.4 GB), for 1 s of 540.
            memos = background.enter_context(parallel.ForkedCall(_save_memos, state, read, words, index, previous,
                                                                 fork=jobs > 1 and previous.identity is not None))
            try:
                first_pages = write_head_results(staging, heads, None, site.write, jobs, searches)
            except pagefind_search.PagefindSearchError as error:
                first_pages = None
                ingested.problems.warn("search", f"the first page of frequent words' results is left to the "
                                                 f"search page ({error})")
            # Their answers saved in another forked process, while this one saves the site's
            # record (0.2 and 0.1 s in a 31k rebuild).
            head_saved = background.enter_context(parallel.ForkedCall(_save_first_pages, state, first_pages,
                                                                      fork=jobs > 1))
            # Last: the first pages of results are written again by now (removed before, each
            # would be written again; unchanged, none is).
            site.remove_stale()
            memos.result()
        linking.finish()  # the link memo saved (long since, beside the rendering)
        state.save("site", SiteRecord(folder_identity(staging), site.written,
                                      {**rendered.fingerprints, **fingerprinted}, time.time_ns()))
        head_saved.result()
        output.publish(config.paths.output)
    except OSError as error:
        if output_started:
            output.abandon(config.paths.output, replaced)
        raise output.OutputError(f"cannot write the site ({error.filename or staging}): "
                                 f"{error.strerror or error}; the previous site is unchanged") from None
    except BaseException:
        if output_started:
            output.abandon(config.paths.output, replaced)
        raise
    if previous.identity is None:
        # The first version of this site (or the first since its record was lost): its spare is
        # made now, so that the next build has one to bring up to date. The site is published: an
        # interruption here leaves the spare to the next build, as a failure does (make_spare).
        with contextlib.suppress(KeyboardInterrupt):
            made = output.make_spare(config.paths.output, site.written, folders=(PAGEFIND_DIR,))
            if made is not None:
                folder, present = made
                state.save("spare", SiteRecord(folder_identity(folder), {
                    name: digest for name, digest in site.written.items() if name in present}, written_at=time.time_ns()))
    # (the build's objects, its arguments among them: freed one by one here, 0.1 s of a 31k rebuild)
    collector.held(locals())
    return BuildSummary(len(archive.articles), len(archive.events), len(pages), ingested.problems,
                        time.perf_counter() - started, rendered.pages)
