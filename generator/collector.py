"""The cycle collector while a build runs.

A build holds tens of millions of objects (articles, the link memo, the page list, the caches of
the build state) that live until it ends, and it makes few reference cycles. With the collector
on, each of its full collections walked all of them: on the 31k archive a rebuild after 10 new
articles spent about 10 s of its 75 s in 12 full collections and thousands of younger ones.
Objects are still freed by their reference counts as soon as they are unused; only garbage held in
cycles waits until the build ends.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

_HELD: list[object] | None = None  # what held() keeps, once hold_until_exit() was called


@contextmanager
def paused() -> Iterator[None]:
    """The collector off inside the block, and as it was before after it."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


@contextmanager
def inherited_frozen() -> Iterator[None]:
    """For forking workers inside the block: what the parent holds is moved out of the collector's
    reach (gc.freeze), so that a worker, which collects its own cycles (see in_worker), never
    writes to the objects it inherited and shares their memory pages with the parent instead of
    copying them. (Objects frozen before, by the caller or an outer block, stay frozen: gc can
    only thaw everything at once.)"""
    frozen_before = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        yield
    finally:
        if not frozen_before:
            gc.unfreeze()


def in_worker() -> None:
    """Set up a forked worker: it renders or reads item after item, and cycles it makes
    (templates' contexts, exceptions' tracebacks) must not pile up."""
    gc.enable()


def hold_until_exit() -> None:
    """For a command that ends its process without Python's teardown (cli.run): from now on,
    held() keeps a build's objects until the process ends, rather than letting them be freed one by
    one as the build's functions return (0.11-0.14 s at the end of a 31k rebuild, with nothing left
    to do)."""
    global _HELD
    if _HELD is None:
        _HELD = []


def held(*objects: object) -> None:
    """Keep `objects` alive until the process ends, once hold_until_exit() was called; otherwise
    nothing (a caller in a longer process, the tests, has them freed as usual)."""
    if _HELD is not None:
        _HELD.append(objects)
