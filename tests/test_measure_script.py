"""scripts/measure.py on real processes: a stage's memory is read at its start and end however short
it is, and between those the PSS (whose reading walks every page of every process) is read only as
often as its cost allows, while the CPU times are read every interval."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import measure  # noqa: E402

# A stage of 0.05 s that holds 200 MB at its end, then 1.5 s of nothing.
SHORT_STAGE = """
import sys, time
print("hold: started", file=sys.stderr, flush=True)
held = bytearray(200 * 1024 * 1024)
for i in range(0, len(held), 4096):
    held[i] = 1
time.sleep(0.05)
print("hold: done in 0.05 s", file=sys.stderr, flush=True)
time.sleep(1.5)
del held
print("idle: started", file=sys.stderr, flush=True)
time.sleep(1.5)
print("idle: done in 1.5 s", file=sys.stderr, flush=True)
"""


def test_a_short_stage_is_read_at_its_end_and_the_run_between_stages_is_not_charged_with_it():
    run = measure.measure([sys.executable, "-c", SHORT_STAGE], interval=1.0)
    assert run.ok
    assert run.stage_seconds == {"hold": 0.05, "idle": 1.5}
    assert run.stage_peak_mb["hold"] >= 200
    # The idle stage starts after the 200 MB are freed: its own peak is the interpreter's.
    assert run.stage_peak_mb["idle"] < 100
    assert run.peak_mb >= 200


# 20 MB more every 0.1 s for 2 s, then held for 2.5 s.
GROWING = """
import time
held = []
for _ in range(20):
    block = bytearray(20 * 1024 * 1024)
    for i in range(0, len(block), 4096):
        block[i] = 1
    held.append(block)
    time.sleep(0.1)
time.sleep(2.5)
"""


def _own_children_mb() -> float:
    # What measure() asks of the machine's memory, asked of the measured process alone: other
    # processes on a loaded machine would make these tests' counts their own.
    return measure.tree_resident_mb(measure._descendants(os.getpid())[1:])


def _counted(monkeypatch, cost: float = 0.0) -> tuple[list[float], list[float]]:
    reads, cpu_reads = [], []
    real_memory, real_cpu = measure.tree_memory_mb, measure.tree_cpu_times

    def costly_memory(pids):
        reads.append(time.perf_counter())
        time.sleep(cost)  # as a large process's pages take to walk
        return real_memory(pids)

    def counted_cpu(pids):
        cpu_reads.append(time.perf_counter())
        return real_cpu(pids)

    monkeypatch.setattr(measure, "tree_memory_mb", costly_memory)
    monkeypatch.setattr(measure, "tree_cpu_times", counted_cpu)
    monkeypatch.setattr(measure, "mapped_mb", _own_children_mb)
    return reads, cpu_reads


def test_growing_memory_is_read_only_as_often_as_the_cost_of_reading_it_allows(monkeypatch):
    reads, cpu_reads = _counted(monkeypatch, cost=0.02)
    run = measure.measure([sys.executable, "-c", GROWING], interval=0.05, memory_share=0.008)
    assert run.ok and run.peak_mb >= 380
    # 0.02 s a reading, at 4 % of the time as the memory passes the run's peak (five times the
    # share): at least 0.5 s apart (a slower machine spaces them more), while the CPU times are
    # read every 0.05 s.
    assert 2 <= len(reads) <= 10, len(reads)
    assert min(b - a for a, b in zip(reads, reads[1:])) >= 0.45
    assert len(cpu_reads) >= 3 * len(reads)


def test_growing_memory_is_read_at_every_round_when_the_share_allows(monkeypatch):
    reads, _ = _counted(monkeypatch)
    run = measure.measure([sys.executable, "-c", GROWING], interval=0.05, memory_share=1.0)
    assert run.ok and run.peak_mb >= 380 and len(reads) >= 8, len(reads)


def test_memory_that_does_not_grow_is_not_read_again(monkeypatch):
    reads, cpu_reads = _counted(monkeypatch)
    run = measure.measure([sys.executable, "-c", "import time; time.sleep(2)"], interval=0.05, memory_share=1.0)
    assert run.ok and run.peak_mb > 0
    assert len(reads) <= 2 and len(cpu_reads) >= 10, (len(reads), len(cpu_reads))


def test_a_run_past_the_limit_is_stopped_even_where_the_machine_does_not_say_its_memory(monkeypatch):
    monkeypatch.setattr(measure, "mapped_mb", lambda: None)
    run = measure.measure([sys.executable, "-c", GROWING], interval=0.05, limit_mb=150)
    assert run.stopped and run.stopped.startswith("stopped at") and "(limit 150 MB)" in run.stopped
    assert run.returncode == -9 and run.wall < 4


def test_the_run_ends_when_the_process_does_not_at_the_samplers_next_round():
    run = measure.measure([sys.executable, "-c", "import time; time.sleep(0.3)"], interval=5.0)
    assert run.ok and 0.3 <= run.wall < 2.0, run.wall
    failing = measure.measure([sys.executable, "-c", "raise SystemExit(3)"], interval=5.0)
    assert failing.returncode == 3 and failing.wall < 2.0


def test_a_share_out_of_range_is_refused():
    for share in (0, -0.1, 1.5):
        with pytest.raises(ValueError, match="memory_share"):
            measure.measure([sys.executable, "-c", "pass"], memory_share=share)
