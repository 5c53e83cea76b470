"""Pagefind's own search, run at build time on a bundle it wrote.

The search page asks Pagefind's WebAssembly module (in each bundle, `wasm.<lang>.pagefind`) for
results. The same module runs here under wasmtime, with the bundle's files read from disk, so the
build can know exactly what the page would find and in which order (search_head.py). Its
interface is that of Pagefind 1.5's `pagefind-worker.js`: the metadata index starts an instance,
`request_indexes` names the word chunks a query needs, which are loaded before `search`.
"""

from __future__ import annotations

import atexit
import gzip
import hashlib
import json
from pathlib import Path

_SIGNATURE = b"pagefind_dcd"
_GLUE = "./pagefind_web_bg.js"


class PagefindSearchError(Exception):
    """The bundle or its search module cannot be used here."""


def _unpacked(data: bytes) -> bytes:
    if not data.startswith(_SIGNATURE):
        data = gzip.decompress(data)
    if not data.startswith(_SIGNATURE):
        raise PagefindSearchError("not a Pagefind file (no signature)")
    return data[len(_SIGNATURE):]


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


_COMPILED: dict[bytes, tuple] = {}  # every part of an index carries the same module: compiled once
atexit.register(_COMPILED.clear)  # while wasmtime can still free them (at exit it no longer can)


def _compiled(module_bytes: bytes):
    import wasmtime

    key = hashlib.sha256(module_bytes).digest()
    if key not in _COMPILED:
        engine = wasmtime.Engine()
        try:
            _COMPILED[key] = engine, wasmtime.Module(engine, module_bytes)
        except wasmtime.WasmtimeError as error:
            raise PagefindSearchError(f"Pagefind's search module cannot run here ({error})") from None
    return _COMPILED[key]


class BundleSearch:
    """One Pagefind bundle (a folder with pagefind-entry.json), searchable from Python."""

    def __init__(self, folder: Path):
        import wasmtime

        self.folder = folder
        try:
            entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
            language = next(iter(entry["languages"].values()))
            module_bytes = _unpacked((folder / f"wasm.{language.get('wasm') or 'unknown'}.pagefind").read_bytes())
            meta = _unpacked((folder / f"pagefind.{language['hash']}.pf_meta").read_bytes())
        except (OSError, ValueError, KeyError, StopIteration, EOFError) as error:
            raise PagefindSearchError(f"{folder}: {error}") from None
        engine, module = _compiled(module_bytes)
        self._store = wasmtime.Store(engine)
        linker = wasmtime.Linker(engine)
        def init_externref_table() -> None:
            # The only import: wasm-bindgen's table of JavaScript values, which a search never reads.
            self._exports["__wbindgen_externrefs"].grow(self._store, 4, None)

        linker.define_func(_GLUE, "__wbindgen_init_externref_table", wasmtime.FuncType([], []), init_externref_table)
        try:
            instance = linker.instantiate(self._store, module)
            self._exports = instance.exports(self._store)
            self._memory = self._exports["memory"]
            self._exports["__wbindgen_start"](self._store)
            self._pointer = self._exports["init_pagefind"](self._store, *self._pass(meta))
        except (wasmtime.WasmtimeError, wasmtime.Trap, KeyError) as error:
            raise PagefindSearchError(f"{folder}: Pagefind's search module cannot run here ({error})") from None
        self._loaded: set[str] = set()

    def _pass(self, data: bytes) -> tuple[int, int]:
        pointer = self._exports["__wbindgen_malloc"](self._store, len(data), 1)
        self._memory.write(self._store, data, pointer)
        return pointer, len(data)

    def _text(self, returned) -> str:
        pointer, length = returned
        try:
            return self._memory.read(self._store, pointer, pointer + length).decode("utf-8")
        finally:
            self._exports["__wbindgen_free"](self._store, pointer, length, 1)

    def search(self, term: str) -> dict:
        """Pagefind's answer to `term` (already in the form the page sends: lower case, no
        punctuation or diacritics), without filters or sorting: {"results": [{"p": page id,
        "s": score, "l": [{"l": word location, ...}]}, ...], ...} in Pagefind's order."""
        import wasmtime

        query = term.encode("utf-8")
        chunk = None
        try:
            chunks = json.loads(self._text(self._exports["request_indexes"](self._store, self._pointer, *self._pass(query))))
            for chunk in chunks:
                if chunk and chunk not in self._loaded:
                    data = _unpacked((self.folder / "index" / f"{chunk}.pf_index").read_bytes())
                    self._pointer = self._exports["load_index_chunk"](self._store, self._pointer, *self._pass(data))
                    self._loaded.add(chunk)
            chunk = None
            arguments = (*self._pass(query), *self._pass(query), *self._pass(b"{}"), *self._pass(b""), 0, 0)
            return json.loads(self._text(self._exports["search"](self._store, self._pointer, *arguments)))
        except (OSError, EOFError, ValueError, PagefindSearchError, wasmtime.WasmtimeError, wasmtime.Trap) as error:
            where = self.folder / "index" / f"{chunk}.pf_index" if chunk else self.folder
            raise PagefindSearchError(f"{where}: cannot search it for {term!r} ({error})") from None
