"""Run a command and measure it: wall time, and memory of its whole process tree, per build stage.

Memory is sampled from /proc: the proportional set size (PSS, so pages shared by forked workers
count once) summed over the process and all its descendants, as the peak for the stage the process
is in (read from the `NAME: started` / `NAME: done in X s` lines that the archive's progress prints
on stderr). The kernel's own peak resident size of the largest single process is reported beside
it. A run whose tree passes `limit_mb` is killed and reported as such. Each run starts after
os.sync(), so that it does not pay for the writes of the run before it.

Reading a process's PSS makes the kernel walk all its pages: 30 ms for a 31k rebuild's seven
processes, 40 ms for a full build's (up to 140 ms), on a core the run wants too. Read every 0.25 s,
it took 22 s of CPU beside a 166 s full build and 1.3 s beside a 31k rebuild. So the PSS is read at
each stage's start and end, and between those only when the memory may have passed the stage's
peak so far, no more often than keeps the readings under `memory_share` of the run's time (five
times that when it may have passed the run's peak): the machine's memory mapped by processes
(/proc/meminfo, read at no cost, each page counted once however many forked processes share it)
tells how far the tree's PSS may have moved since the last reading. The CPU times, which cost
nothing to read either, are read every `interval`.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

STARTED = re.compile(r"^(\w[\w-]*): started")
DONE = re.compile(r"^(\w[\w-]*): done in ([\d.]+) s")
OUTSIDE = "other"  # time and memory outside the named stages (loading, writing content, publishing)


@dataclass
class Measurement:
    command: list[str]
    wall: float
    returncode: int | None
    stdout: str
    stderr: str
    peak_mb: float                 # sampled peak of the whole process tree (PSS)
    largest_process_mb: float      # kernel's peak RSS of the largest single process
    cpu_seconds: float             # user + system time of the process and its descendants
    stage_seconds: dict[str, float] = field(default_factory=dict)   # as the command reported them
    stage_peak_mb: dict[str, float] = field(default_factory=dict)   # sampled, per stage
    stage_cpu_seconds: dict[str, float] = field(default_factory=dict)  # sampled, per stage
    stopped: str | None = None     # why the run was killed, if it was
    # The kernel's share of stage_cpu_seconds (page faults, file writes, reclaim): a stage whose CPU
    # time jumps from run to run with the same code shows where it went.
    stage_system_seconds: dict[str, float] = field(default_factory=dict)
    memory_readings: int = 0              # PSS readings of the whole tree, and the time they took
    memory_reading_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.stopped is None and self.returncode == 0

    def outside_seconds(self) -> float:
        return max(0.0, self.wall - sum(self.stage_seconds.values()))


def _descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        parent = pending.pop()
        found.append(parent)
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{parent}/task/{task}/children").read_text().split()
            except OSError:
                continue
            pending.extend(int(child) for child in children)
    return found


def _memory_kb(pid: int) -> int:
    return _proc_field(pid, "smaps_rollup", "Pss:") or _proc_field(pid, "status", "VmRSS:")


def _proc_field(pid: int, name: str, field: str) -> int:
    """A kB field of /proc/PID/NAME, 0 when the process is gone or the field missing."""
    try:
        for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree_memory_mb(pids: list[int]) -> float:
    return sum(_memory_kb(p) for p in pids) / 1024


_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def tree_resident_mb(pids: list[int]) -> float:
    """The processes' resident sizes added up, read without a walk of their pages: at least their
    PSS (a page that forked processes share is counted in each)."""
    pages = 0
    for pid in pids:
        try:
            pages += int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return pages * _PAGE_KB / 1024


def mapped_mb() -> float | None:
    """The machine's memory mapped by processes: anonymous pages, and the file pages they map
    (AnonPages + Mapped); each page counted once, however many forked processes share it. None
    where /proc/meminfo does not say."""
    try:
        fields = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines() if ":" in line)
        return (int(fields["AnonPages"].split()[0]) + int(fields["Mapped"].split()[0])) / 1024
    except (OSError, ValueError, KeyError):
        return None


_TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu_times(pids: list[int]) -> tuple[int, int]:
    """User and system time (clock ticks) of the live processes, with their waited-for children's."""
    user = system = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        user += int(fields[11]) + int(fields[13])    # utime, cutime
        system += int(fields[12]) + int(fields[14])  # stime, cstime
    return user, system


MEMORY_SHARE = 0.02  # of a run's time, spent at most reading its memory between stages
MOVED_MB = 16  # memory that may have passed a stage's peak by this much is read (when the share allows)
SLACK_SECONDS = 5.0  # and read anyway after this long
PEAK_SHARE_FACTOR = 5  # memory that may have passed the run's peak is read with this many times the share


def measure(command: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None,
            limit_mb: float | None = None, interval: float = 0.25, echo: bool = False,
            memory_share: float = MEMORY_SHARE) -> Measurement:
    """`memory_share`: the share of the run's time that the sampler may spend reading PSS between
    stage boundaries, when the memory may have grown (1: at every round that it may have)."""
    if not 0 < memory_share <= 1:
        raise ValueError(f"memory_share must be more than 0 and at most 1, not {memory_share}")
    # The run before (a whole site: hundreds of MB to GB) may still sit in the page cache unwritten;
    # flushed during this run, it would throttle this run's own writes (a 31k rebuild took 51 s
    # with 2.2 GB left unwritten, 27 s without). Each run pays for its own writes only.
    os.sync()
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    stdout: list[str] = []
    stderr: list[str] = []
    stage_seconds: dict[str, float] = {}
    current = [OUTSIDE]
    left: list[str] = []  # the stages ended since the last PSS reading: the moment belongs to them too
    boundary = threading.Event()

    def read_stdout() -> None:
        stdout.extend(process.stdout)

    def read_stderr() -> None:
        for line in process.stderr:
            stderr.append(line)
            if echo:
                print(f"    {time.perf_counter() - started:7.1f} s  {line.rstrip()}", flush=True)
            if match := STARTED.match(line):
                left.append(current[0])
                current[0] = match.group(1)
                boundary.set()
            elif match := DONE.match(line):
                stage_seconds[match.group(1)] = float(match.group(2))
                left.append(current[0])
                current[0] = OUTSIDE
                boundary.set()

    exited: dict = {}

    def wait_for_exit() -> None:
        # In a thread of its own, so that the run's time ends when the process does, not at the
        # sampler's next round (up to `interval` later: 0.125 s on average added to every run
        # before stop 43). WNOWAIT: the process is left unreaped, so that its pid (and its group's)
        # cannot be another's while the sampler may still read or signal it.
        try:
            os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)
        except BaseException as error:  # raised again by the sampler, not lost with this thread
            exited["error"] = error
        finally:
            exited["at"] = time.perf_counter()
            boundary.set()

    readers = [threading.Thread(target=read_stdout, daemon=True), threading.Thread(target=read_stderr, daemon=True)]
    for reader in readers:
        reader.start()
    waiter = threading.Thread(target=wait_for_exit, daemon=True)
    waiter.start()

    peak = 0.0
    stage_peak: dict[str, float] = {}
    stage_cpu: dict[str, float] = {}
    stage_system: dict[str, float] = {}
    cpu_before = system_before = 0.0
    stopped = None
    read_at, read_cost = float("-inf"), 0.0
    readings, reading_seconds = 0, 0.0
    read_memory, read_mapped = 0.0, mapped_mb()
    while "at" not in exited:
        # (Cleared before the stage is taken: a boundary crossed from here on is read next round.)
        crossed = boundary.is_set()
        boundary.clear()
        stage = current[0]
        pids = _descendants(process.pid)
        now, mapped = time.perf_counter(), mapped_mb()
        # Where the tree's PSS may be now: as far from the last reading as the machine's mapped
        # memory moved (unknown without /proc/meminfo: then read as often as the share allows).
        likely = None if mapped is None or read_mapped is None else read_memory + mapped - read_mapped
        moved = likely is None or likely > stage_peak.get(stage, 0.0) + MOVED_MB
        # A new peak of the whole run (what the memory targets are about) is read for sooner.
        share = min(1.0, PEAK_SHARE_FACTOR * memory_share) if likely is None or likely > peak + MOVED_MB \
            else memory_share
        allowed = now - read_at >= max(interval, read_cost / share)
        # Near the limit, read every round: the resident sizes added up are at least the PSS (under
        # the limit, so is the PSS), but forked processes count their shared pages each, so the
        # machine's memory is asked as well.
        near_limit = limit_mb is not None and (likely is None or likely > 0.8 * limit_mb) \
            and tree_resident_mb(pids) > limit_mb
        if crossed or near_limit or (allowed and (moved or now - read_at >= SLACK_SECONDS)):
            closed = left[:]
            del left[:len(closed)]
            memory = tree_memory_mb(pids)
            read_at, read_memory, read_mapped = now, memory, mapped
            read_cost = time.perf_counter() - now
            readings, reading_seconds = readings + 1, reading_seconds + read_cost
            peak = max(peak, memory)
            for name in {stage, *closed}:
                stage_peak[name] = max(stage_peak.get(name, 0.0), memory)
            if limit_mb is not None and memory > limit_mb and stopped is None:
                stopped = f"stopped at {memory:.0f} MB (limit {limit_mb:.0f} MB) during {stage}"
                with contextlib.suppress(ProcessLookupError):  # (not reaped yet: the group is still its own)
                    os.killpg(process.pid, signal.SIGKILL)
        user, system = tree_cpu_times(pids)
        cpu, system = (user + system) / _TICKS, system / _TICKS
        # A child that ended between two samples takes its time out of the sum until its parent
        # waits for it; the time comes back then, so only growth is counted.
        if cpu > cpu_before:
            stage_cpu[stage] = stage_cpu.get(stage, 0.0) + cpu - cpu_before
            cpu_before = cpu
        if system > system_before:
            stage_system[stage] = stage_system.get(stage, 0.0) + system - system_before
            system_before = system
        boundary.wait(interval)  # (woken at a stage's start or end, to read its memory then)
    waiter.join()
    if "error" in exited:
        raise exited["error"]
    # wait4 rather than waitpid: it also returns the child's resource usage (its peak RSS).
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = exited["at"] - started
    for reader in readers:
        reader.join()
    return Measurement(command, wall, process.returncode, "".join(stdout), "".join(stderr), peak,
                       usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, stage_seconds, stage_peak,
                       stage_cpu, stopped, stage_system, readings, reading_seconds)
