"""Progress for long builds: a live counter on a terminal, plain lines otherwise (logs, CI)."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Callable, Iterator, TextIO


class Progress:
    def __init__(self, stream: TextIO | None = None, quiet: bool = False):
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.live = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.timings: dict[str, float] = {}

    def line(self, text: str) -> None:
        if not self.quiet:
            print(text, file=self.stream, flush=True)

    @contextmanager
    def stage(self, name: str, total: int | None = None) -> Iterator[Callable[..., None]]:
        started = time.perf_counter()
        done = 0
        last_draw = 0.0

        def advance(count: int = 1) -> None:
            nonlocal done, last_draw
            done += count
            now = time.perf_counter()
            if self.live and not self.quiet and (now - last_draw > 0.1 or done == total):
                last_draw = now
                of = f"/{total}" if total else ""
                print(f"\r{name}: {done}{of}", end="", file=self.stream, flush=True)

        if not self.live:
            self.line(f"{name}: started" + (f" ({total} items)" if total else ""))
        yield advance
        elapsed = time.perf_counter() - started
        self.timings[name] = elapsed
        if self.live and not self.quiet:
            print("\r\033[K", end="", file=self.stream)
        self.line(f"{name}: done in {elapsed:.2f} s" + (f" ({done} items)" if done else ""))
