"""Pagefind's own search, run at build time on a bundle it wrote.

The search page asks Pagefind's WebAssembly module (in each bundle, `wasm.<lang>.pagefind`) for
results. The same module runs here under wasmtime, with the bundle's files read from disk, so the
build can know exactly what the page would find and in which order (search_head.py). Its
interface is that of Pagefind 1.5's `pagefind-worker.js`: the metadata index starts an instance,
`request_indexes` names the word chunks a query needs, which are loaded before `search`.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import re
import weakref
from pathlib import Path
from typing import Callable

from generator import pagefind_bundle

_GLUE = "./pagefind_web_bg.js"


class PagefindSearchError(Exception):
    """The bundle or its search module cannot be used here."""


def _unpacked(data: bytes) -> bytes:
    signature = pagefind_bundle.HEADER
    if not data.startswith(signature):
        data = pagefind_bundle.gunzipped(data)
    if not data.startswith(signature):
        raise PagefindSearchError("not a Pagefind file (no signature)")
    return data[len(signature):]


def available() -> bool:
    try:
        import wasmtime  # noqa: F401
    except ImportError:
        return False
    return True


def read_fragment(folder: Path, page: str) -> dict:
    """A result's fragment in a bundle (url, content, meta, filters...), as the page loads it."""
    try:
        return json.loads(_unpacked((folder / "fragment" / f"{page}.pf_fragment").read_bytes()))
    except (OSError, ValueError, EOFError) as error:
        raise PagefindSearchError(f"{folder}: fragment {page}: {error}") from None


FRESH_GROWTH = 64 << 20  # bytes an instance may grow by (loading word chunks) before fresh() makes a new one

_COMPILED: dict[bytes, tuple] = {}  # every part of an index carries the same module: compiled once
atexit.register(_COMPILED.clear)  # while wasmtime can still free them (at exit it no longer can)
_INHERITED: list[tuple] = []  # a forked process's copies of its parent's, left unused and unfreed


def _own_engines() -> None:
    # A process forked from one that ran the module (parallel.prefork, in a longer process such as
    # the tests') makes its own engine rather than use a copy of its parent's runtime.
    _INHERITED.extend(_COMPILED.values())
    _COMPILED.clear()


os.register_at_fork(after_in_child=_own_engines)


COMPILED_SUFFIX = ".cwasm"


def _compiled(module_bytes: bytes, kept: Path | None = None):
    """The module compiled, once a process. With `kept` (a folder of the build state), as compiled
    by an earlier process into that folder, when there: each searching process of a rebuild
    compiled it again (0.26 s of CPU each, beside the page list), where reading it back takes none.
    What cannot be read back (another wasmtime, a damaged file) is compiled and kept again."""
    import wasmtime

    key = hashlib.sha256(module_bytes).digest()
    if key not in _COMPILED:
        # Compiled on one thread: wasmtime compiles in a thread pool of the process, which a
        # process forked from this one (parallel.prefork) would find without its threads.
        config = wasmtime.Config()
        config.parallel_compilation = False
        engine = wasmtime.Engine(config)
        # (The file names the wasmtime that compiled it: another one's is not tried.)
        path = kept / f"{key.hex()}-{_wasmtime_version()}{COMPILED_SUFFIX}" if kept is not None else None
        module = None
        if path is not None and path.is_file():
            try:
                # (Read whole, not mapped: a file changed while mapped would crash the process.)
                module = wasmtime.Module.deserialize(engine, path.read_bytes())
            except (wasmtime.WasmtimeError, OSError):
                module = None
        if module is None:
            try:
                module = wasmtime.Module(engine, module_bytes)
            except wasmtime.WasmtimeError as error:
                raise PagefindSearchError(f"Pagefind's search module cannot run here ({error})") from None
            if path is not None:
                _keep_compiled(module, path)
        _COMPILED[key] = engine, module
    return _COMPILED[key]


def _wasmtime_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("wasmtime")
    except metadata.PackageNotFoundError:
        return "unknown"


def _keep_compiled(module, path: Path) -> None:
    # Written whole under another name, then renamed: processes compiling at once each leave a whole file.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(module.serialize())
        os.replace(temporary, path)
        for other in path.parent.glob(f"*{COMPILED_SUFFIX}"):  # of a module or a wasmtime no longer used
            if other != path:
                other.unlink(missing_ok=True)
    except OSError:  # a cache only: the next process compiles it again
        temporary.unlink(missing_ok=True)


UNCHECKED_CALLS = True  # whether _Exports may call through wasmtime's unchecked call (tests compare both)


class _Exports:
    """The instance's exported functions, each called as `exports(name, *i32 values)`.

    Through wasmtime's unchecked call where the installed wasmtime has it: its Python bindings'
    checked call builds the function's type and converts each argument through the C API on
    every call (38 us a call against 4; the 6,700 calls of a part's search for its first pages,
    a quarter of that search's time). Each function is checked once to take and give only i32
    values, which is all the unchecked call then assumes. The checked call otherwise."""

    def __init__(self, store, exports) -> None:
        self._store, self._exports = store, exports
        self._callers: dict[str, Callable] = {}

    def __getitem__(self, name: str):
        return self._exports[name]

    def __call__(self, name: str, *arguments: int):
        caller = self._callers.get(name)
        if caller is None:
            function = self._exports[name]
            caller = self._callers[name] = (UNCHECKED_CALLS and _unchecked_caller(self._store, function)) or \
                (lambda *values: function(self._store, *values))
        return caller(*arguments)


def _unchecked_caller(store, function) -> Callable | None:
    """`function` called through wasmtime_func_call_unchecked, or None when this wasmtime's
    bindings do not have what that takes or the function takes or gives other than i32 values."""
    import ctypes

    import wasmtime

    try:
        from wasmtime import _ffi
        from wasmtime._func import enter_wasm

        kind = function.type(store)
        i32 = wasmtime.ValType.i32()
        if any(value != i32 for value in (*kind.params, *kind.results)):
            return None
        call, raw = _ffi.wasmtime_func_call_unchecked, _ffi.wasmtime_val_raw_t
        error_of = wasmtime.WasmtimeError._from_ptr
        context, reference = store._context, ctypes.byref(function._func)
    except (ImportError, AttributeError):
        return None
    taken, given = len(kind.params), len(kind.results)
    values = (raw * max(1, taken, given))()  # the arguments, then the results in their place

    def caller(*arguments: int):
        if len(arguments) != taken:
            raise wasmtime.WasmtimeError(f"{taken} arguments expected, {len(arguments)} given")
        for number, argument in enumerate(arguments):
            values[number].i32 = argument
        with enter_wasm(store) as trap:
            error = call(context(), reference, values, len(values), trap)
            if error:
                raise error_of(error)
        return values[0].i32 if given == 1 else [values[number].i32 for number in range(given)] if given else None
    return caller


def _externref_table_initialiser(search: "weakref.ref[BundleSearch]") -> Callable[[], None]:
    """The module's only import: it sets up wasm-bindgen's table of JavaScript values, which a search
    never reads. It holds the search weakly: the store holds it, and a store that held its search
    was freed only by the cycle collector, so the instances of a searching process's earlier tasks,
    each grown by the chunks it loaded, stayed in memory until then (80 MB more a part of the 31k
    archive; the 100k archive's index stage peaked at 5.1 GB instead of 3.6 GB)."""
    def initialise() -> None:
        found = search()
        if found is not None:
            found._exports["__wbindgen_externrefs"].grow(found._store, 4, None)
    return initialise


class BundleSearch:
    """One Pagefind bundle (a folder with pagefind-entry.json), searchable from Python.

    Like the page's Pagefind, an instance keeps the word chunks it loaded, and a word searched as a
    prefix also matches the words of chunks loaded for earlier searches: `fresh()` starts again with
    none loaded, as a search page just opened does."""

    def __init__(self, folder: Path, compiled: Path | None = None):
        """`compiled`: a folder where the compiled module is kept for other processes (_compiled)."""
        self.folder = folder
        self._compiled_dir = compiled
        try:
            entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
            language = next(iter(entry["languages"].values()))
            self._module_bytes = _unpacked((folder / f"wasm.{language.get('wasm') or 'unknown'}.pagefind").read_bytes())
            self._meta = _unpacked((folder / f"pagefind.{language['hash']}.pf_meta").read_bytes())
        except (OSError, ValueError, KeyError, StopIteration, EOFError) as error:
            raise PagefindSearchError(f"{folder}: {error}") from None
        self._chunks: dict[str, bytes] = {}  # word chunks read from disk, unpacked
        self._chunks_for: dict[str, tuple[str, ...]] = {}  # by term: they depend on the metadata alone
        self._started: tuple[bytes, int] | None = None  # the instance's memory and index just after init
        self.fresh()

    def fresh(self) -> None:
        """The search module as a search page just opened has it: its metadata read, no word chunk
        loaded. The instance's memory is put back as it was then (the module keeps all its state in
        its memory but for the stack pointer, which is where it started whenever no call is under
        way): reading the metadata again took 0.9 of the 1.2 ms of a new instance, made for each
        group of forms that load the same chunks (331 for the 567 first pages of a 3,900-page part
        of the 31k archive: 2.2-2.5 s of searching it instead of 2.7-2.8 s). Memory the instance
        grew since is left unused, so a new instance is made once it has grown by FRESH_GROWTH bytes."""
        if self._started is not None and self._memory.data_len(self._store) <= len(self._started[0]) + FRESH_GROWTH:
            memory, self._pointer = self._started
            self._memory.write(self._store, memory, 0)
            self._loaded = set()
            return
        self._instantiate()

    def _instantiate(self) -> None:
        import wasmtime

        engine, module = _compiled(self._module_bytes, self._compiled_dir)
        self._store = wasmtime.Store(engine)
        linker = wasmtime.Linker(engine)
        linker.define_func(_GLUE, "__wbindgen_init_externref_table", wasmtime.FuncType([], []),
                           _externref_table_initialiser(weakref.ref(self)))
        try:
            instance = linker.instantiate(self._store, module)
            self._exports = _Exports(self._store, instance.exports(self._store))
            self._memory = self._exports["memory"]
            self._exports("__wbindgen_start")
            self._pointer = self._exports("init_pagefind", *self._pass(self._meta))
            self._started = (self._memory.read(self._store, 0, self._memory.data_len(self._store)), self._pointer)
        except (wasmtime.WasmtimeError, wasmtime.Trap, KeyError) as error:
            raise PagefindSearchError(f"{self.folder}: Pagefind's search module cannot run here ({error})") from None
        self._loaded: set[str] = set()

    def chunks_for(self, term: str) -> tuple[str, ...]:
        """The word chunks that Pagefind loads to search `term`."""
        import wasmtime

        found = self._chunks_for.get(term)
        if found is None:
            try:
                found = self._chunks_for[term] = tuple(json.loads(self._text(self._exports(
                    "request_indexes", self._pointer, *self._pass(term.encode("utf-8"))))))
            except (ValueError, wasmtime.WasmtimeError, wasmtime.Trap) as error:
                self._started = None  # a call cut short may leave the stack pointer elsewhere: a new instance next
                raise PagefindSearchError(f"{self.folder}: cannot search it for {term!r} ({error})") from None
        return found

    def _pass(self, data: bytes) -> tuple[int, int]:
        pointer = self._exports("__wbindgen_malloc", len(data), 1)
        self._memory.write(self._store, data, pointer)
        return pointer, len(data)

    def _text(self, returned) -> str:
        pointer, length = returned
        try:
            return self._memory.read(self._store, pointer, pointer + length).decode("utf-8")
        finally:
            self._exports("__wbindgen_free", pointer, length, 1)

    def search(self, term: str) -> dict:
        """Pagefind's answer to `term` (already in the form the page sends: lower case, no
        punctuation or diacritics), without filters or sorting: {"results": [{"p": page id,
        "s": score, "l": [{"l": word location, ...}]}, ...], ...} in Pagefind's order."""
        return self._decoded(term, self._answer(term))

    def first_results(self, term: str, limit: int) -> tuple[int, list[dict]]:
        """How many pages Pagefind finds for `term`, and the first `limit` of its results (as
        `search` gives them) by score, then page id: Pagefind leaves pages of equal score in the
        order of its unstable sort, which the search page does not keep (search.js). Only those
        and the pages tied with the last of them are decoded: a frequent word's answer lists
        thousands of pages, each with its word locations (decoding them all was a fifth of the
        build's time spent on the first pages of results)."""
        text = self._answer(term)
        return _first_results(text, limit) or _all_results(self._decoded(term, text), limit)

    def scored(self, term: str, pages: list[int]) -> dict:
        """Pagefind's answer to `term` (as `search`) restricted to `pages` (page numbers of the
        bundle) by a filter of its own: those pages with their scores, which depend on the whole
        index and not on the filter, and the count of the whole search (`unfiltered_total`)."""
        import wasmtime

        chunk = pagefind_bundle.filter_chunk(_PAGES_FILTER, {"1": sorted(pages)})
        try:
            self._pointer = self._exports("load_filter_chunk", self._pointer, *self._pass(chunk))
        except (wasmtime.WasmtimeError, wasmtime.Trap) as error:
            self._started = None
            raise PagefindSearchError(f"{self.folder}: cannot search it for {term!r} ({error})") from None
        return self._decoded(term, self._answer(term, _PAGES_FILTER_QUERY))

    def _decoded(self, term: str, text: str) -> dict:
        try:
            answer = json.loads(text)
        except ValueError as error:
            raise PagefindSearchError(f"{self.folder}: cannot search it for {term!r} ({error})") from None
        if not isinstance(answer, dict):
            raise PagefindSearchError(f"{self.folder}: cannot search it for {term!r} (not an answer: {text[:80]!r})")
        return answer

    def _answer(self, term: str, filters: bytes = b"{}") -> str:
        import wasmtime

        query = term.encode("utf-8")
        chunks, chunk = self.chunks_for(term), None
        try:
            for chunk in chunks:
                if chunk and chunk not in self._loaded:
                    data = self._chunks.get(chunk)
                    if data is None:
                        path = self.folder / "index" / f"{chunk}.pf_index"
                        data = self._chunks[chunk] = _unpacked(path.read_bytes())
                    self._pointer = self._exports("load_index_chunk", self._pointer, *self._pass(data))
                    self._loaded.add(chunk)
            chunk = None
            arguments = (*self._pass(query), *self._pass(query), *self._pass(filters), *self._pass(b""), 0, 0)
            return self._text(self._exports("search", self._pointer, *arguments))
        except (OSError, EOFError, ValueError, PagefindSearchError, wasmtime.WasmtimeError, wasmtime.Trap) as error:
            self._started = None
            where = self.folder / "index" / f"{chunk}.pf_index" if chunk else self.folder
            raise PagefindSearchError(f"{where}: cannot search it for {term!r} ({error})") from None


# A filter no bundle has (the module reads its name as ASCII JSON), loaded by `scored`.
_PAGES_FILTER = "archive-build-pages"
_PAGES_FILTER_QUERY = json.dumps({_PAGES_FILTER: ["1"]}).encode("ascii")

_DECODER = json.JSONDecoder()
_RESULTS = '"results":['
_TOTAL = re.compile(r',"unfiltered_total":(\d+)\}\s*$')


def best_first(results: list[dict], limit: int) -> list[dict]:
    """The first `limit` of a bundle's results by score, then page id (the search page's order)."""
    return sorted(results, key=lambda result: (-result["s"], result["p"]))[:limit]


def _all_results(answer: dict, limit: int) -> tuple[int, list[dict]]:
    results = answer.get("results", [])
    return len(results), best_first(results, limit)


def _first_results(text: str, limit: int) -> tuple[int, list[dict]] | None:
    """The count and first results of an answer (as `best_first` orders them), decoding no other
    result but those tied with the last; None when the answer is not laid out as Pagefind 1.5
    writes it (its results by score, then their unfiltered total: without filters, the number of
    results)."""
    start = text.find(_RESULTS)
    total = _TOTAL.search(text)
    if start < 0 or total is None:
        return None
    position, results = start + len(_RESULTS), []
    try:
        while text[position] != "]":
            result, next_position = _DECODER.raw_decode(text, position)
            if len(results) >= limit and result["s"] != results[limit - 1]["s"]:
                break
            if results and result["s"] > results[-1]["s"]:
                return None  # not by score
            results.append(result)
            position = next_position + (text[next_position] == ",")
    except (ValueError, IndexError, KeyError, TypeError):
        return None
    count = int(total.group(1))
    if text[position] == "]" and (position + 1 != total.start() or count != len(results)):
        return None  # not the layout above
    return count, best_first(results, limit)
