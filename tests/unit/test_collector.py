"""The cycle collector during a build (generator.collector) and in forked workers."""

import gc

import pytest

from generator import collector
from generator.parallel import in_forked_processes, work


def test_paused_turns_the_collector_off_and_restores_it_even_after_an_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with collector.paused():
            assert not gc.isenabled()
            with collector.paused():  # nested: the inner block must not turn it on again
                pass
            assert not gc.isenabled()
            raise RuntimeError("a failed build")
    assert gc.isenabled()


def test_paused_leaves_a_collector_that_was_off_off():
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def _collector_in_worker(chunk: list[int]) -> list[tuple[bool, int]]:
    assert work() is not None
    return [(gc.isenabled(), gc.get_freeze_count()) for _ in chunk]


def test_forked_workers_collect_their_own_cycles_but_never_walk_what_they_inherited():
    held = [[n] for n in range(1000)]  # the parent's objects, as a build's model would be
    before = gc.get_freeze_count()
    with collector.paused():  # as in a build
        seen = [row for rows in in_forked_processes(_collector_in_worker, held, list(range(6)), jobs=2, chunk=2)
                for row in rows]
        assert not gc.isenabled()
    assert len(seen) == 6
    assert all(enabled for enabled, _ in seen)                 # a worker's own garbage is collected
    assert all(frozen >= len(held) for _, frozen in seen)      # the parent's objects are frozen there
    assert gc.get_freeze_count() == before                        # and no longer in the parent
    assert gc.isenabled()


def test_what_the_caller_froze_stays_frozen():
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector.inherited_frozen():
            pass
        assert gc.get_freeze_count() >= frozen
    finally:
        gc.unfreeze()


def test_held_objects_live_until_the_process_ends_only_once_the_command_asked_for_it():
    import subprocess
    import sys

    # In a process of its own: hold_until_exit() lasts for the rest of the process.
    script = """
import weakref
from generator import collector
class Thing: pass
before = Thing()
collector.held(before)            # nothing held yet: freed as usual
first = weakref.ref(before); del before
collector.hold_until_exit()
after = Thing()
collector.held({"after": after})  # a build's locals()
second = weakref.ref(after); del after
print(first() is None, second() is not None)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "True"]


def test_a_process_that_did_not_ask_frees_what_a_build_holds():
    import weakref

    class Thing:
        pass

    thing = Thing()
    collector.held(thing)
    gone = weakref.ref(thing)
    del thing
    assert gone() is None
