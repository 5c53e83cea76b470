"""Work spread over processes, for the stages whose items are independent.

Forked workers inherit what the parent holds (the model, the templates, the reading
configuration) instead of receiving it pickled; they send back only what the function returns.
Work that needs only its items runs in new processes instead, which hold nothing of the parent, or
in processes forked ahead while the parent was still small (prefork).
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import pickle
import queue
import select
import signal
import subprocess
import sys
import threading
import traceback
from concurrent.futures import Future
from typing import BinaryIO, Callable, Iterator, TypeVar

from generator import collector

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
        with collector.inherited_frozen(), \
                multiprocessing.get_context("fork").Pool(jobs, initializer=collector.in_worker) as pool:
            yield from pool.imap_unordered(function, chunks)
    finally:
        _WORK = None


class WorkerError(RuntimeError):
    """A worker process could not start, died, or sent back what cannot be read."""


class AnswerFirst:
    """What a ForkedCall's function returns to answer with `value` at once and then do `then()`:
    the caller goes on with the value while the child finishes (saving what it made, say), and
    `finish()` waits for that part. A `then()` that returns an AnswerFirst answers again: the
    caller takes each later value with next_result()."""

    def __init__(self, value: object, then: Callable[[], object]):
        self.value, self.then = value, then


class ForkedCall:
    """function(*arguments) in a forked process while the caller goes on with other work: for a
    long step whose result is small, beside Python work of the parent that does not need it (two
    processes, where threads would take turns with one interpreter lock). The child shares the
    memory pages of what the parent held when it forked until either writes to them, and ends
    as soon as it has sent its result (no exit handlers run in it). It inherits the parent's open
    files: fork none while processes that the parent feeds through pipes are running (Workers),
    since the child would hold their input open, unless the parent waits for the child before
    it ends them (workers forked ahead, by prefork, excepted: a child closes its copies of theirs).

    result() waits for the result; what the function raised is raised there (with the child's
    traceback as a note), and a child that died raises WorkerError. With `fork` false (a build
    asked to use one process), without fork, or when no process can be had, the call is made by
    result() itself. A function that returns AnswerFirst(value, then) answers `value`, then does
    `then()`; finish() waits for that and raises what it raised. A `then` that returns an
    AnswerFirst answers again, and so on: next_result() waits for the next answer. Used as a
    context manager: leaving the block ends a child whose result was not asked for, or whose wait
    was interrupted, or whose `then` was not waited for."""
    # The child sends each answer as two pickles: whether another part follows, then the answer.

    def __init__(self, function: Callable[..., R], *arguments, fork: bool = True):
        self._call = (function, arguments)
        self.pid: int | None = None     # the child's, when one was forked
        self._read: int | None = None   # the pipe's end the child's answer comes through, until read
        self._answer: tuple | None = None
        self._then: Callable[[], object] | None = None  # the part after the answer, made by next_result() or finish()
        self._stream = None  # the pipe's end as a file, while the child still has a part to tell of
        self._reaped = False  # once the child's process is waited for
        if not fork or not hasattr(os, "fork"):
            return
        read, write = os.pipe()
        with collector.inherited_frozen():  # the child's collections must not write to what it shares
            try:
                pid = os.fork()
            except OSError:  # a limit on processes reached: result() makes the call
                os.close(read)
                os.close(write)
                return
            if pid == 0:  # (it never leaves this block)
                os.close(read)
                try:
                    with os.fdopen(write, "wb") as stream:
                        answer = _answer_of(function, arguments)
                        while True:
                            answer, then = _split(answer)
                            more = pickle.dumps(then is not None)
                            stream.write(more + _pickled_answer(function.__qualname__, answer))
                            if then is None:
                                break
                            stream.flush()  # (the answer goes now; the rest is told when done)
                            answer = _answer_of(then, ())
                finally:
                    os._exit(0)
        os.close(write)  # (else the parent's own copy would keep the pipe open: no end of file)
        self.pid, self._read = pid, read

    def result(self):
        if self._answer is None:
            if self.pid is None:
                self._answer, self._then = _split(_answer_of(*self._call))
            elif self._read is None:
                raise WorkerError(f"the process of {self._call[0].__qualname__} was ended before it answered")
            else:
                self._stream = os.fdopen(self._read, "rb")
                self._read = None  # closed with the stream, whatever happens
                self._answer = self._next_answer()
        return _returned(self._answer)

    def next_result(self):
        """The next answer of an AnswerFirst's `then` (after result()), which the child sends when
        it has it; WorkerError when no further answer was to come."""
        self.result()
        if self._then is not None:
            answer, self._then = _split(_answer_of(self._then, ()))
        elif self._stream is not None:
            answer = self._next_answer()
        else:
            raise WorkerError(f"the process of {self._call[0].__qualname__} has no further answer")
        return _returned(answer)

    def finish(self) -> None:
        """Wait for what the function does after its answers (AnswerFirst), and raise what that
        raised; nothing when it answered without one. Waits for the answer first."""
        self.result()
        while self._then is not None or self._stream is not None:
            self.next_result()

    def _next_answer(self) -> tuple:
        """The child's next answer; the pipe closed and the child reaped once it has no more."""
        try:
            more = self._next_frame()
            answer = self._next_frame() if more is not None else None
        except BaseException:  # interrupted while waiting: the child is ended, not left behind
            self._end()
            raise
        if answer is None:
            return self._died()
        if not more:
            self._close()
        return answer

    def _next_frame(self):
        """The child's next message (a pickle on the pipe), or None when it died before sending it."""
        try:
            return pickle.load(self._stream)
        except (EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, IndexError):
            return None

    def _died(self) -> tuple:
        # It died before it could tell (killed, out of memory): its exit code says how.
        self._stream.close()
        self._stream = None
        _, status = os.waitpid(self.pid, 0)
        self._reaped = True
        return (False, WorkerError(f"the process of {self._call[0].__qualname__} died "
                                   f"(exit code {os.waitstatus_to_exitcode(status)})"))

    def _close(self) -> None:
        """The child has told all: its pipe closed, the process reaped."""
        if self._stream is not None:
            self._stream.close()
            self._stream = None
        if not self._reaped:
            os.waitpid(self.pid, 0)
            self._reaped = True

    def busy(self) -> bool:
        """Whether result() would wait for the child (it has not answered yet). False when no
        child was forked: result() then makes the call itself, and nothing runs meanwhile."""
        if self._answer is not None or self.pid is None or self._read is None:
            return False
        poll = select.poll()  # (not select(): a build may hold descriptors past 1024)
        poll.register(self._read, select.POLLIN)
        return not poll.poll(0)

    def _end(self) -> None:
        if self._read is not None:
            os.close(self._read)
            self._read = None
        if self._stream is not None:
            self._stream.close()
            self._stream = None
        if self.pid is not None and not self._reaped:  # it has not told all it had to (or was never asked)
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass  # reaped already
            self._reaped = True
        self._then = None

    def __enter__(self) -> "ForkedCall":
        return self

    def __exit__(self, *exc_info) -> None:
        self._end()


def _split(answer: tuple) -> tuple[tuple, Callable[[], object] | None]:
    """An answer, and what is to be done after it (an AnswerFirst's `then`), if anything."""
    if answer[0] and isinstance(answer[1], AnswerFirst):
        return (True, answer[1].value), answer[1].then
    return answer, None


def _returned(answer: tuple):
    ok, value, *where = answer
    if not ok:
        if where and where[0] not in getattr(value, "__notes__", ()):
            value.add_note(where[0])
        raise value
    return value


def _answer_of(function: Callable, arguments: tuple) -> tuple:
    try:
        return True, function(*arguments)
    except BaseException as error:  # noqa: BLE001 - raised again by the caller
        return False, error, f"in the process of {function.__qualname__}: {traceback.format_exc()}"


def _pickled_answer(name: str, answer: tuple) -> bytes:
    """The answer pickled; an exception whose pickle cannot be read back is sent as text, and so
    is a result that cannot be pickled."""
    try:
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        if not answer[0]:
            pickle.loads(data)
        return data
    except Exception as error:  # noqa: BLE001
        if answer[0]:
            return pickle.dumps((False, WorkerError(f"{name}: its result cannot be sent back ({error!r})")))
        return pickle.dumps((False, WorkerError(f"{name}: {answer[1]!r} ({error})"), answer[2]))


def in_new_processes(function: Callable[[list[T]], R], items: list[T], jobs: int, chunk: int = CHUNK) -> Iterator[R]:
    """function(chunk of items) in `jobs` new Python processes, results as they come (in no fixed
    order), for work that needs nothing but its items; `function` must be importable by its module
    and name, and items and results picklable. An exception raised by `function` is raised here
    (with the worker's traceback as a note); a worker that fails otherwise raises WorkerError.

    A forked worker shares the parent's pages only until it writes to them, and its cycle
    collections write to every object it inherited: searching the first pages of 100 forms in two
    workers forked from a 3.8 GB parent added 990 MB (on a 100,000-article archive the index stage
    passed 9 GB); in new processes, 200 MB. They are started as `python -m generator.parallel`
    rather than by multiprocessing's spawn, which would import the caller's main module again."""
    pending = [items[start:start + chunk] for start in range(0, len(items), chunk)]
    pending.reverse()
    lock = threading.Lock()
    answers: queue.Queue = queue.Queue()

    def drive() -> None:
        worker = None
        try:
            worker = _start_worker(function)
            while True:
                with lock:
                    if not pending:
                        break
                    work = pending.pop()
                pickle.dump(work, worker.stdin)
                worker.stdin.flush()
                answers.put(pickle.load(worker.stdout))
        except BaseException as error:  # noqa: BLE001 - handed to the caller's thread
            answers.put((False, WorkerError(f"a worker process of {function.__qualname__} failed: {error!r}")))
        finally:
            if worker is not None:
                _stop_worker(worker)
            answers.put(None)

    threads = [threading.Thread(target=drive, daemon=True) for _ in range(max(1, min(jobs, len(pending))))]
    for thread in threads:
        thread.start()
    running = len(threads)
    try:
        while running:
            answer = answers.get()
            if answer is None:
                running -= 1
                continue
            ok, value, *where = answer
            if not ok:
                if where:
                    value.add_note(where[0])
                raise value
            yield value
    finally:
        with lock:
            pending.clear()  # on an error, the workers stop after their current chunk
        for thread in threads:
            thread.join()


class Workers:
    """New Python processes (started as in_new_processes starts them, or forked ahead: prefork) that run `function(item)`
    for items submitted one at a time, from any thread, each answered through a Future: for work
    that arrives while the parent is busy with other Python work, which threads of the parent
    could only do in turn with it (they share one interpreter lock). No process starts before the
    first item, or `prestart`; at most `jobs` run. An exception raised by `function` is the
    Future's (with the worker's traceback as a note); a worker that fails otherwise fails its items
    with WorkerError. Used as a context manager: leaving it waits for the items submitted (on an
    error, for those under way only: the others are cancelled)."""

    def __init__(self, function: Callable[[T], R], jobs: int):
        self._function = function
        self._jobs = max(1, jobs)
        self._tasks: queue.Queue = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._closed = False
        self._lock = threading.Lock()
        self._started: list[tuple[subprocess.Popen, bool]] = []  # by prestart: (process, given a warm-up)

    def prestart(self, warm_up: T | None = None) -> None:
        """Start the processes now, each given `warm_up` (an item whose answer, or exception, is
        dropped) if any, while the parent has a core to spare: a worker's imports and first call
        are then done by the time items come. No thread is started, so the parent may still fork."""
        with self._lock:
            while not self._closed and len(self._started) + len(self._threads) < self._jobs:
                try:
                    worker = _start_worker(self._function)
                except Exception:  # noqa: BLE001 - the first item starts one again, and is told why it cannot
                    return
                try:
                    if warm_up is not None:
                        pickle.dump(warm_up, worker.stdin)
                        worker.stdin.flush()
                except OSError:
                    _stop_worker(worker)  # gone already: the first item starts another
                    return
                self._started.append((worker, warm_up is not None))

    @property
    def closed(self) -> bool:
        """Whether the block was left: no item can be submitted."""
        return self._closed

    def submit(self, item: T) -> Future:
        if self._closed:
            raise RuntimeError("no item can be submitted to workers that were closed")
        future: Future = Future()
        self._tasks.put((item, future))
        with self._lock:
            if len(self._threads) < self._jobs:
                thread = threading.Thread(target=self._drive, daemon=True)
                thread.start()
                self._threads.append(thread)
        return future

    def _drive(self) -> None:
        worker, broken = None, None
        with self._lock:
            worker, warming = self._started.pop() if self._started else (None, False)
        try:
            if warming:
                try:
                    pickle.load(worker.stdout)  # the warm-up's answer
                except Exception:  # noqa: BLE001 - the process is gone: another is started
                    _stop_worker(worker)
                    worker = None
            if worker is None:
                worker = _start_worker(self._function)
        except BaseException as error:  # noqa: BLE001 - each item is told
            broken = error
        try:
            while True:
                task = self._tasks.get()
                if task is None:
                    return
                item, future = task
                if not future.set_running_or_notify_cancel():
                    continue
                if broken is None:
                    try:
                        pickle.dump(item, worker.stdin)
                        worker.stdin.flush()
                        ok, value, *where = pickle.load(worker.stdout)
                    except BaseException as error:  # noqa: BLE001 - the worker is gone: its items fail
                        broken = error
                        code = worker.wait()  # reaped now; what it was given is named
                        future.set_exception(WorkerError(
                            f"a worker process of {self._function.__qualname__} failed (exit code {code}) "
                            f"on {_shown(item)}: {error!r}"))
                        continue
                    if ok:
                        future.set_result(value)
                    else:
                        if where:
                            value.add_note(where[0])
                        future.set_exception(value)
                    continue
                future.set_exception(WorkerError(f"a worker process of {self._function.__qualname__} had "
                                                 f"failed before this item: {broken!r}"))
        finally:
            if worker is not None:
                _stop_worker(worker)

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc_info) -> None:
        self._closed = True
        if exc_info[0] is not None:
            while True:  # on an error, what has not started does not start
                try:
                    task = self._tasks.get_nowait()
                except queue.Empty:
                    break
                if task is not None:
                    task[1].cancel()
        for _ in self._threads:
            self._tasks.put(None)
        for thread in self._threads:
            thread.join()
        with self._lock:
            unused, self._started = self._started, []
        for worker, _ in unused:  # (a warm-up under way is answered first: its process then reads the end)
            _stop_worker(worker)


class _ForkedWorker:
    """A worker forked by prefork, with what the users of _start_worker's workers take of a Popen."""

    def __init__(self, pid: int, stdin: BinaryIO, stdout: BinaryIO):
        self.pid, self.stdin, self.stdout = pid, stdin, stdout
        self.returncode: int | None = None

    def wait(self) -> int:
        if self.returncode is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def alive(self) -> bool:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode is None


# Workers forked ahead, by (module, name) of the function they serve, until _start_worker takes them.
_PREFORKED: dict[tuple[str, str], list[_ForkedWorker]] = {}
_FORKED_ALIVE: set[_ForkedWorker] = set()  # until _stop_worker ends them
_LEFT_BEHIND: list[_ForkedWorker] = []  # a child's copies of its parent's workers, never used nor freed


def _close_preforked_pipes() -> None:
    # In every process forked from this one: a copy of a worker's input held open elsewhere would
    # keep it from seeing the end of its input, and this process waiting for it to end. The child
    # then knows none of them: their descriptors' numbers are free for its own files, which its
    # own hook, or its copies' files when freed, would otherwise close.
    for worker in _FORKED_ALIVE:
        for stream in (worker.stdin, worker.stdout):
            with contextlib.suppress(OSError, ValueError):
                os.close(stream.fileno())  # (not the file's close(): nothing of the parent's is flushed)
    _LEFT_BEHIND.extend(_FORKED_ALIVE)
    _FORKED_ALIVE.clear()
    _PREFORKED.clear()


os.register_at_fork(after_in_child=_close_preforked_pipes)


def prefork(function: Callable, count: int, preload: tuple[str, ...] = ()) -> None:
    """Fork `count` workers of `function` now, which import the modules of `preload` at once, for
    _start_worker to hand out instead of starting new Python processes (Workers, in_new_processes):
    forked while this process is small (before a build reads its state), they share the modules
    it imported, where each new process started its interpreter and imported them again (0.1 s of
    CPU for an index worker, 0.3 s for a searching one, five of them in a 31k rebuild whose cores
    were busy then), and their own imports are done while the build reads, with a core to spare.
    Those left unused are ended by end_preforked()."""
    key = (function.__module__, function.__qualname__)
    sys.stdout.flush()  # (else each worker would write out what is buffered again as it ends)
    sys.stderr.flush()
    for _ in range(count):
        to_child, from_parent = os.pipe()
        to_parent, from_child = os.pipe()
        with collector.inherited_frozen():
            try:
                pid = os.fork()
            except OSError:  # a limit on processes: _start_worker starts them as usual
                for descriptor in (to_child, from_parent, to_parent, from_child):
                    os.close(descriptor)
                return
            if pid == 0:  # (it never leaves this block)
                code = 0
                try:
                    os.close(from_parent)
                    os.close(to_parent)
                    collector.in_worker()
                    os.dup2(2, 1)  # whatever the work prints goes to stderr
                    sys.stdout = sys.stderr
                    for module in preload:
                        with contextlib.suppress(Exception):  # (the work that needs it says what fails)
                            importlib.import_module(module)
                    _serve_on(os.fdopen(to_child, "rb"), os.fdopen(from_child, "wb"), function)
                except KeyboardInterrupt:  # Ctrl-C reaches the workers too: the parent reports it
                    code = 130
                except BaseException:  # noqa: BLE001 - its items fail in the parent, which names it
                    traceback.print_exc()
                    code = 1
                finally:
                    sys.stderr.flush()
                    os._exit(code)
        os.close(to_child)
        os.close(from_child)
        worker = _ForkedWorker(pid, os.fdopen(from_parent, "wb"), os.fdopen(to_parent, "rb"))
        _PREFORKED.setdefault(key, []).append(worker)
        _FORKED_ALIVE.add(worker)


def end_preforked() -> None:
    """End the workers forked ahead that no one took: their inputs closed first, so that each ends
    on its own even if waiting for one is cut short."""
    workers = [worker for pool in _PREFORKED.values() for worker in pool]
    _PREFORKED.clear()
    for worker in workers:
        _FORKED_ALIVE.discard(worker)
        with contextlib.suppress(OSError):
            worker.stdin.close()
    for worker in workers:
        _stop_worker(worker)


def _start_worker(function: Callable) -> subprocess.Popen | _ForkedWorker:
    """A process serving calls of `function` (see _serve): one forked ahead for it (prefork), or a
    new Python process, given the parent's module path, and not the working folder (-P): it
    imports the very modules the parent did."""
    preforked = _PREFORKED.get((function.__module__, function.__qualname__), [])
    while preforked:
        try:
            worker = preforked.pop()  # (another thread may have taken the last one meanwhile)
        except IndexError:
            break
        if worker.alive():
            return worker
        _stop_worker(worker)  # (it failed as it started, and said why on stderr: a new one instead)
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in sys.path if path)}
    worker = subprocess.Popen([sys.executable, "-P", "-m", __name__], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, env=environment)
    try:
        pickle.dump((function.__module__, function.__qualname__), worker.stdin)
        # Sent now, not with the first item: a worker started ahead (prestart) imports its module
        # meanwhile, and a process forked later holds no copy of the unsent bytes.
        worker.stdin.flush()
    except BaseException:
        _stop_worker(worker)
        raise
    return worker


def _stop_worker(worker: subprocess.Popen | _ForkedWorker) -> None:
    """End a worker (no more work: it returns) and reap it."""
    if isinstance(worker, _ForkedWorker):
        _FORKED_ALIVE.discard(worker)  # (before its descriptors are closed, and their numbers used again)
    try:
        worker.stdin.close()
    except OSError:
        pass  # it is gone already
    worker.wait()
    if isinstance(worker, _ForkedWorker):
        worker.stdout.close()


def _serve() -> None:
    """A worker of in_new_processes: the function's name, then chunks, from stdin; for each,
    (True, result) or (False, exception, traceback) to stdout."""
    source = sys.stdin.buffer
    sink = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # whatever the work prints goes to stderr, not into the answers
    sys.stdout = sys.stderr
    module, name = pickle.load(source)
    function = importlib.import_module(module)
    for part in name.split("."):
        function = getattr(function, part)
    _serve_on(source, sink, function)


def _serve_on(source: BinaryIO, sink: BinaryIO, function: Callable) -> None:
    while True:
        try:
            work = pickle.load(source)
        except EOFError:
            return
        try:
            answer = (True, function(work))
        except Exception as error:  # noqa: BLE001 - raised again in the parent
            answer = (False, error, f"in the worker process: {traceback.format_exc()}")
        sink.write(_pickled_answer(function.__qualname__, answer))
        sink.flush()


def _shown(item: object) -> str:
    text = repr(item)
    return text if len(text) <= 200 else text[:200] + "…"


if __name__ == "__main__":
    try:
        _serve()
    except KeyboardInterrupt:  # Ctrl-C reaches the workers too: the parent reports it
        sys.exit(130)
    # Every answer is sent: the process ends without Python's teardown, which the parent waits
    # for (60-70 ms a worker at the end of a 31k rebuild's index stage, three times on its way).
    sys.stderr.flush()
    os._exit(0)
