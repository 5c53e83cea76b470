"""Work in other processes (generator.parallel.in_new_processes, Workers and ForkedCall): real processes."""

import os
import signal
import sys
import time

import pytest

from concurrent.futures import CancelledError, ThreadPoolExecutor

from generator.parallel import AnswerFirst, ForkedCall, WorkerError, Workers, in_new_processes

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


def square_and_where(n: int) -> tuple[int, int, object]:
    time.sleep(0.05)
    if n == 7:
        raise ValueError("seven")
    if n == 13:
        os._exit(3)
    return n, n * n, (os.getpid(), SET_BY_THE_PARENT)


def test_workers_answer_items_submitted_from_several_threads_each_through_its_future():
    global SET_BY_THE_PARENT
    SET_BY_THE_PARENT = "a value of the parent's memory"
    try:
        items = [n for n in range(20) if n not in (7, 13)]  # (those fail: see below)
        with Workers(square_and_where, jobs=2) as workers, ThreadPoolExecutor(4) as threads:
            answers = list(threads.map(lambda n: workers.submit(n).result(), items))
    finally:
        SET_BY_THE_PARENT = None
    assert [(n, square) for n, square, _ in answers] == [(n, n * n) for n in items]
    where = {where for _, _, where in answers}
    assert len(where) == 2 and os.getpid() not in {pid for pid, _ in where}  # two new processes
    assert {seen for _, seen in where} == {None}


def test_a_workers_error_is_its_items_and_the_others_are_answered():
    with Workers(square_and_where, jobs=1) as workers:
        failing, after = workers.submit(7), workers.submit(8)
        with pytest.raises(ValueError, match="seven") as raised:
            failing.result()
        assert any("in the worker process" in note for note in raised.value.__notes__)
        assert after.result()[:2] == (8, 64)
        dying, next_one = workers.submit(13), workers.submit(2)
        with pytest.raises(WorkerError, match="square_and_where"):
            dying.result()
        with pytest.raises(WorkerError):  # its process is gone: what it was given fails, and is not lost
            next_one.result()


def test_workers_start_no_process_before_an_item_and_leaving_on_an_error_cancels_what_waits():
    workers = Workers(square_and_where, jobs=2)
    with workers:
        pass
    assert workers._threads == []
    with pytest.raises(KeyError):
        with Workers(square_and_where, jobs=1) as workers:
            futures = [workers.submit(n) for n in range(30)]
            assert futures[0].result()[:2] == (0, 0)
            raise KeyError("the caller failed")
    assert futures[-1].cancelled()  # 50 ms each, one at a time: the last had not started
    with pytest.raises(CancelledError):
        futures[-1].result()
    with pytest.raises(RuntimeError):
        workers.submit(1)



def test_prestarted_workers_take_the_items_after_their_warm_up_and_an_unused_one_is_stopped():
    """prestart starts the processes (no thread: the parent may still fork) and gives each the
    warm-up item, whose answer is dropped (here an error, 7): the items are then answered by those
    very processes, and one never given an item is stopped on leaving."""
    with Workers(square_and_where, jobs=2) as workers:
        workers.prestart(7)
        workers.prestart(7)  # (two at most: nothing more starts)
        started = {worker.pid for worker, _ in workers._started}
        assert len(started) == 2 and workers._threads == []
        answers = [workers.submit(n) for n in (2, 3, 4, 5)]
        assert [future.result()[:2] for future in answers] == [(2, 4), (3, 9), (4, 16), (5, 25)]
        assert {future.result()[2][0] for future in answers} <= started
    with Workers(square_and_where, jobs=2) as unused:
        unused.prestart()
        processes = [worker for worker, _ in unused._started]
    assert [worker.poll() for worker in processes] == [0, 0] and unused._started == []
    with Workers(square_and_where, jobs=1) as dying:
        dying.prestart(13)  # the warm-up ends its process: the first item starts another
        assert dying.submit(3).result()[:2] == (3, 9)


_IMPORT_MARK = os.environ.get("ARCHIVE_TEST_IMPORT_MARK")
if _IMPORT_MARK:  # imported by a worker of the test below: the import leaves a mark named by its process
    open(os.path.join(_IMPORT_MARK, str(os.getpid())), "w").close()


def test_a_worker_started_ahead_without_a_warm_up_imports_its_function_before_any_item(tmp_path, monkeypatch):
    monkeypatch.setenv("ARCHIVE_TEST_IMPORT_MARK", str(tmp_path))
    with Workers(square_and_where, jobs=1) as workers:
        workers.prestart()
        mark = tmp_path / str(workers._started[0][0].pid)
        deadline = time.monotonic() + 20
        while not mark.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert mark.exists()  # its module imported while no item was given
        assert workers.submit(2).result()[:2] == (2, 4)


def test_a_worker_that_cannot_be_prestarted_leaves_the_error_to_the_first_item(monkeypatch):
    import generator.parallel as parallel

    def cannot_start(function):
        raise OSError("no Python here")

    monkeypatch.setattr(parallel, "_start_worker", cannot_start)
    with Workers(square_and_where, jobs=2) as workers:
        workers.prestart(1)
        assert workers._started == []
        with pytest.raises(WorkerError, match="no Python here"):
            workers.submit(2).result()

def _where_and_what(items: list[int]) -> tuple[int, int, object]:
    return os.getpid(), sum(items), SET_BY_THE_PARENT


def test_a_forked_call_runs_in_another_process_beside_the_caller_and_sees_what_the_parent_held():
    global SET_BY_THE_PARENT
    SET_BY_THE_PARENT = "held when it forked"
    try:
        with ForkedCall(_where_and_what, list(range(10))) as call:
            SET_BY_THE_PARENT = "changed after"  # the child's memory is its own from the fork on
            pid, total, seen = call.result()
    finally:
        SET_BY_THE_PARENT = None
    assert pid == call.pid != os.getpid() and total == 45 and seen == "held when it forked"
    assert call.result() == (pid, 45, "held when it forked")  # asked again: the same answer, not run again


def _fails(message: str) -> None:
    raise ValueError(message)


def test_a_forked_calls_error_is_raised_by_result_with_where_it_arose():
    with ForkedCall(_fails, "no such event") as call:
        with pytest.raises(ValueError, match="no such event") as raised:
            call.result()
    assert any("in the process of _fails" in note and "raise ValueError" in note for note in raised.value.__notes__)


def _killed() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_forked_call_whose_process_dies_is_an_error_not_a_wait():
    with ForkedCall(_killed) as call:
        with pytest.raises(WorkerError, match="_killed died"):
            call.result()


def _sleeps_then_writes(path: str) -> None:
    time.sleep(2)
    with open(path, "w", encoding="utf-8") as stream:
        stream.write("still ran")


def test_leaving_the_block_before_the_result_ends_the_forked_process(tmp_path):
    marker = tmp_path / "marker"
    with pytest.raises(KeyError):
        with ForkedCall(_sleeps_then_writes, str(marker)):
            raise KeyError("the caller failed meanwhile")
    time.sleep(2.5)
    assert not marker.exists()


def _sleeps(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def test_a_wait_interrupted_ends_the_forked_process_and_the_call_is_not_made_again():
    def interrupt(signum, frame):
        raise TimeoutError("interrupted")

    before = signal.signal(signal.SIGALRM, interrupt)
    try:
        call = ForkedCall(_sleeps, 30)  # (no block to leave: result() itself ends it)
        signal.alarm(1)
        with pytest.raises(TimeoutError):
            call.result()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)
    with pytest.raises(ChildProcessError):
        os.waitpid(call.pid, os.WNOHANG)  # ended and reaped: no process left behind, not even a zombie
    with pytest.raises(WorkerError, match="ended before it answered"):
        call.result()  # and not made here instead


def _unpicklable() -> object:
    return lambda: None


def test_a_result_that_cannot_be_sent_back_is_a_clear_error():
    with ForkedCall(_unpicklable) as call:
        with pytest.raises(WorkerError, match="_unpicklable: its result cannot be sent back"):
            call.result()


def test_without_fork_the_call_is_made_by_result(monkeypatch):
    assert ForkedCall(_where_and_what, [1, 2], fork=False).result()[:2] == (os.getpid(), 3)  # one process asked for
    monkeypatch.delattr(os, "fork")
    call = ForkedCall(_where_and_what, [1, 2])
    assert call.result()[:2] == (os.getpid(), 3)


def _waits_for(path: str) -> str:
    while not os.path.exists(path):
        time.sleep(0.01)
    return "answered"


def test_a_forked_call_is_busy_until_its_child_has_answered(tmp_path):
    go = tmp_path / "go"
    with ForkedCall(_waits_for, str(go)) as call:
        assert call.busy() and call.busy()  # asking does not wait, nor read the answer
        go.touch()
        deadline = time.monotonic() + 30
        while call.busy() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not call.busy()  # answered: result() will not wait
        assert call.result() == "answered"
        assert not call.busy()


def test_a_call_not_forked_is_never_busy():
    call = ForkedCall(_where_and_what, [1, 2], fork=False)
    assert not call.busy()  # nothing runs meanwhile: result() makes the call
    assert call.result()[1] == 3


def _wait_for(go: str, how: str, step: str, error: str) -> None:
    """Wait until `go` exists; then fail with `error` or die when `how` says so for this `step`."""
    deadline = time.monotonic() + 30  # (the answer never reached the caller: it never says go)
    while not os.path.exists(go) and time.monotonic() < deadline:
        time.sleep(0.01)
    if how == f"{step}fails":
        raise ValueError(error)
    if how == f"{step}dies":
        os.kill(os.getpid(), signal.SIGKILL)


def _answers_then_waits_for(go: str, done: str, how: str = "writes") -> AnswerFirst:
    def then() -> None:
        _wait_for(go, how, "", "could not save")
        with open(done, "w", encoding="utf-8") as stream:
            stream.write(str(os.getpid()))
    return AnswerFirst(("answered", os.getpid()), then)


@pytest.mark.parametrize("fork", [True, False])
def test_an_answer_first_reaches_the_caller_before_the_rest_is_done_and_finish_waits_for_the_rest(tmp_path, fork):
    go, done = tmp_path / "go", tmp_path / "done"
    with ForkedCall(_answers_then_waits_for, str(go), str(done), fork=fork) as call:
        answer, where = call.result()
        assert answer == "answered" and not done.exists()  # told before its rest (which waits for go)
        go.touch()
        call.finish()
        assert done.read_text(encoding="utf-8") == str(where)  # the rest made where the answer was
        call.finish()  # (once is enough: nothing more to wait for)
    assert (where != os.getpid()) == fork


@pytest.mark.parametrize("how, error", [("fails", "could not save"), ("dies", "died")])
def test_what_goes_wrong_after_an_answer_first_is_raised_by_finish(tmp_path, how, error):
    go = tmp_path / "go"
    go.touch()
    with ForkedCall(_answers_then_waits_for, str(go), str(tmp_path / "done"), how) as call:
        assert call.result()[0] == "answered"
        with pytest.raises((ValueError, WorkerError), match=error):
            call.finish()
        assert call.result()[0] == "answered"  # the answer stands


def test_leaving_the_block_before_the_rest_of_an_answer_first_ends_the_process(tmp_path):
    go, done = tmp_path / "go", tmp_path / "done"
    with ForkedCall(_answers_then_waits_for, str(go), str(done)) as call:
        _, pid = call.result()
    go.touch()  # too late: the process was ended with the block
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    time.sleep(0.5)
    assert not done.exists()


def _answers_three_times(go: str, done: str, how: str = "writes", go_on: str | None = None) -> AnswerFirst:
    # answers ("first", pid) at once, then ("second", pid) once `go` exists, then does the rest
    # (once `go_on` exists, when given)
    def second() -> AnswerFirst:
        return AnswerFirst(("second", os.getpid()), _answers_then_waits_for(go_on or go, done, how).then)

    def first_then() -> AnswerFirst:
        _wait_for(go, how, "second ", "could not relate")
        return second()
    return AnswerFirst(("first", os.getpid()), first_then)


@pytest.mark.parametrize("fork", [True, False])
def test_an_answer_first_whose_rest_answers_again_gives_each_answer_in_turn(tmp_path, fork):
    go, go_on, done = tmp_path / "go", tmp_path / "go-on", tmp_path / "done"
    with ForkedCall(_answers_three_times, str(go), str(done), "writes", str(go_on), fork=fork) as call:
        first, where = call.result()
        assert first == "first" and not done.exists()
        go.touch()
        if fork:  # the second answer comes before the rest, which waits for go-on
            assert call.next_result() == ("second", where) and not done.exists()
            go_on.touch()
        else:  # (made by next_result() itself: the rest is made by finish())
            go_on.touch()
            assert call.next_result() == ("second", where) and not done.exists()
        call.finish()  # the rest after the second answer
        assert done.read_text(encoding="utf-8") == str(where)
        assert call.result() == ("first", where)  # result() keeps the first answer
        with pytest.raises(WorkerError, match="no further answer"):
            call.next_result()
        call.finish()  # (nothing more to wait for)
    assert (where != os.getpid()) == fork


@pytest.mark.parametrize("how, error, fork", [("second fails", "could not relate", True),
                                              ("second fails", "could not relate", False),
                                              ("second dies", "died", True),
                                              ("fails", "could not save", True), ("fails", "could not save", False)])
def test_what_goes_wrong_after_each_answer_is_raised_by_the_call_that_waits_for_it(tmp_path, how, error, fork):
    go = tmp_path / "go"
    go.touch()
    with ForkedCall(_answers_three_times, str(go), str(tmp_path / "done"), how, fork=fork) as call:
        assert call.result()[0] == "first"
        if how == "fails":  # the second answer comes; the rest after it fails
            assert call.next_result()[0] == "second"
            with pytest.raises(ValueError, match=error):
                call.finish()
        else:
            with pytest.raises((ValueError, WorkerError), match=error):
                call.next_result()
        call.finish()  # nothing more to wait for


@pytest.mark.parametrize("how", ["writes", "fails"])
def test_finish_waits_for_every_answer_not_taken_and_raises_what_failed(tmp_path, how):
    go, done = tmp_path / "go", tmp_path / "done"
    go.touch()
    with ForkedCall(_answers_three_times, str(go), str(done), how) as call:
        if how == "fails":  # the second answer, not asked for, is read on the way to the rest's failure
            with pytest.raises(ValueError, match="could not save"):
                call.finish()
        else:
            call.finish()  # the first answer, the second (not asked for) and the rest
            assert done.exists()


def test_finish_after_a_call_without_answer_first_waits_for_nothing():
    with ForkedCall(_where_and_what, [1, 2]) as call:
        call.finish()
        assert call.result()[1] == 3


# -- workers forked ahead (prefork) ----------------------------------------------------------------

PRELOADED = "archive_test_preloaded_module"


def preloaded_and_where(n: int) -> tuple[int, bool, object, int]:
    if n == 7:
        raise ValueError("seven")
    if n == 13:
        os._exit(3)
    return n * n, PRELOADED in sys.modules, SET_BY_THE_PARENT, os.getpid()


def _preforked_pids() -> set[int]:
    import generator.parallel as parallel
    return {worker.pid for pool in parallel._PREFORKED.values() for worker in pool}


@pytest.fixture
def module_folder(tmp_path, monkeypatch):
    """A folder on the module path, for modules that only the workers import."""
    monkeypatch.syspath_prepend(str(tmp_path))
    (tmp_path / f"{PRELOADED}.py").write_text("", encoding="utf-8")
    (tmp_path / "archive_test_dies_on_import.py").write_text("import os\nos._exit(5)\n", encoding="utf-8")
    yield tmp_path
    sys.modules.pop(PRELOADED, None)


def test_workers_forked_ahead_serve_the_items_with_their_modules_imported_and_the_parents_memory(module_folder):
    import generator.parallel as parallel
    global SET_BY_THE_PARENT
    SET_BY_THE_PARENT = "held when they forked"
    try:
        parallel.prefork(preloaded_and_where, 2, preload=(PRELOADED,))
    finally:
        SET_BY_THE_PARENT = None
    try:
        forked = _preforked_pids()
        assert len(forked) == 2 and os.getpid() not in forked
        with Workers(preloaded_and_where, jobs=2) as workers:
            answers = [workers.submit(n) for n in (2, 3, 4, 5)]
            results = [future.result() for future in answers]
            failed = workers.submit(7)
            with pytest.raises(ValueError, match="seven") as raised:
                failed.result()
        assert [square for square, *_ in results] == [4, 9, 16, 25]
        assert {(imported, seen) for _, imported, seen, _ in results} == {(True, "held when they forked")}
        assert {pid for *_, pid in results} <= forked  # no new process was started
        assert any("in the worker process" in note for note in raised.value.__notes__)
        assert _preforked_pids() == set() and parallel._FORKED_ALIVE == set()
        for pid in forked:  # each ended and reaped by the block
            with pytest.raises(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
    finally:
        parallel.end_preforked()
    assert PRELOADED not in sys.modules  # imported by the workers alone


def test_workers_forked_ahead_and_left_unused_are_ended_and_others_start_as_new_processes():
    import generator.parallel as parallel
    parallel.prefork(preloaded_and_where, 1)
    forked = _preforked_pids()
    parallel.end_preforked()
    assert _preforked_pids() == set() and parallel._FORKED_ALIVE == set()
    with pytest.raises(ChildProcessError):
        os.waitpid(forked.pop(), os.WNOHANG)
    with Workers(preloaded_and_where, jobs=1) as workers:  # none left: a new process, as before
        assert workers.submit(3).result()[:3] == (9, False, None)


def test_a_worker_forked_ahead_that_dies_fails_its_item_and_the_next_item_gets_another_process():
    import generator.parallel as parallel
    parallel.prefork(preloaded_and_where, 1)
    forked = _preforked_pids()
    try:
        with Workers(preloaded_and_where, jobs=1) as workers:
            with pytest.raises(WorkerError, match="exit code 3"):
                workers.submit(13).result()
        with Workers(preloaded_and_where, jobs=1) as workers:
            assert workers.submit(2).result()[3] not in forked
    finally:
        parallel.end_preforked()
    assert parallel._FORKED_ALIVE == set()


def _ended(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_a_worker_forked_ahead_that_died_as_it_started_is_passed_over_for_a_new_process(module_folder):
    import generator.parallel as parallel
    parallel.prefork(preloaded_and_where, 1, preload=("archive_test_dies_on_import",))
    dead = _preforked_pids()
    try:
        deadline = time.monotonic() + 20
        while not all(map(_ended, dead)) and time.monotonic() < deadline:
            time.sleep(0.02)
        with Workers(preloaded_and_where, jobs=1) as workers:
            assert workers.submit(4).result()[0] == 16 and workers.submit(5).result()[3] not in dead
        assert parallel._FORKED_ALIVE == set() and _preforked_pids() == set()
    finally:
        parallel.end_preforked()


def _holds(descriptor: int, pipe: tuple[int, int]) -> bool:
    try:
        status = os.fstat(descriptor)
    except OSError:
        return False
    return (status.st_dev, status.st_ino) == pipe


def test_a_process_forked_later_holds_no_copy_of_a_forked_workers_pipes_nor_knows_the_worker():
    """Else a worker would not see the end of its input while that process lives, the build,
    ending it, would wait for that process too, and that process could close descriptors of its
    own that took the same numbers."""
    import generator.parallel as parallel
    parallel.prefork(preloaded_and_where, 1)
    try:
        worker = next(iter(parallel._FORKED_ALIVE))
        ends = [(stream.fileno(), (os.fstat(stream.fileno()).st_dev, os.fstat(stream.fileno()).st_ino))
                for stream in (worker.stdin, worker.stdout)]
        assert all(_holds(*end) for end in ends)
        with ForkedCall(lambda: ([_holds(*end) for end in ends], len(parallel._FORKED_ALIVE),
                                 len(parallel._PREFORKED))) as call:
            assert call.result() == ([False, False], 0, 0)
        assert parallel._FORKED_ALIVE == {worker}  # (the parent's own are untouched)
    finally:
        parallel.end_preforked()
