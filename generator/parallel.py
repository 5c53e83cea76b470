"""Work spread over forked processes, for the stages whose items are independent.

Forked workers inherit what the parent holds (the model, the templates, the reading
configuration) instead of receiving it pickled; they send back only what the function returns.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Callable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")

CHUNK = 100
MINIMUM = 400  # items below which starting processes costs more than it saves
_WORK: object = None


def default_jobs() -> int:
    """Processes to use: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def work() -> object:
    """What the parent handed to in_forked_processes, as seen inside a worker."""
    return _WORK


def in_forked_processes(function: Callable[[list[T]], R], shared: object, items: list[T], jobs: int,
                        chunk: int = CHUNK) -> Iterator[R]:
    """function(chunk of items) in `jobs` forked processes, results as they come (in no fixed
    order: callers put them in order). Inside a worker, `work()` returns `shared`."""
    global _WORK
    _WORK = shared
    chunks = [items[start:start + chunk] for start in range(0, len(items), chunk)]
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            yield from pool.imap_unordered(function, chunks)
    finally:
        _WORK = None
