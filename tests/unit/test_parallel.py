"""Work in new processes (generator.parallel.in_new_processes): real worker processes."""

import os
import sys
import time

import pytest

from generator.parallel import WorkerError, in_new_processes

SET_BY_THE_PARENT = None


def squares_and_where(chunk: list[int]) -> list[tuple[int, int, object]]:
    print("a worker's own output must not disturb its answers")
    time.sleep(0.05)  # long enough that the second worker has started before the work runs out
    return [(n, n * n, (os.getpid(), SET_BY_THE_PARENT)) for n in chunk]


def dies(chunk: list[int]) -> list[int]:
    os._exit(3)


def fails_on_seven(chunk: list[int]) -> list[int]:
    if 7 in chunk:
        raise ValueError(f"seven in {chunk}")
    return chunk


def test_every_chunk_is_answered_once_in_new_processes_that_inherit_nothing():
    global SET_BY_THE_PARENT
    SET_BY_THE_PARENT = "a value of the parent's memory"
    try:
        answers = [row for chunk in in_new_processes(squares_and_where, list(range(50)), jobs=2, chunk=3)
                   for row in chunk]
    finally:
        SET_BY_THE_PARENT = None
    assert sorted((n, square) for n, square, _ in answers) == [(n, n * n) for n in range(50)]
    workers = {where for _, _, where in answers}
    assert {pid for pid, _ in workers} - {os.getpid()} == {pid for pid, _ in workers}
    assert len(workers) == 2                                  # two processes shared the chunks
    assert {seen for _, seen in workers} == {None}            # a new process, not a fork of this one


def test_an_error_in_the_work_is_raised_in_the_parent_with_its_type_and_where_it_arose():
    with pytest.raises(ValueError, match="seven") as raised:
        list(in_new_processes(fails_on_seven, list(range(20)), jobs=2, chunk=2))
    assert any("in the worker process" in note and "fails_on_seven" in note for note in raised.value.__notes__)


def test_a_worker_that_cannot_start_is_an_error_not_a_wait(monkeypatch):
    monkeypatch.setattr(sys, "executable", "/nonexistent/python")
    with pytest.raises(WorkerError, match="squares_and_where"):
        list(in_new_processes(squares_and_where, list(range(10)), jobs=2, chunk=2))


def test_a_worker_that_dies_is_an_error():
    with pytest.raises(WorkerError, match="dies"):
        list(in_new_processes(dies, [1, 2, 3], jobs=1, chunk=1))
