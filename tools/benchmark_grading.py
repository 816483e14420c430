"""Benchmark: grading throughput, serial against parallel, with peak memory.

    python tools/benchmark_grading.py [--count 100] [--jobs N] [--assignment 00_start_here]

Generates ``--count`` submissions of one exercise set (a quarter each: the solution, the untouched edition, one
wrong answer, a syntax error), grades them in the sandbox once with one job and once with ``--jobs`` (default: the
number of cores), checks that both give the same rows, and reports submissions per minute and the peak memory of
the grader with all its sandboxes (resident set size, summed over the process tree, sampled every 0.2 s).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from rapprochement import grade, sandbox

ROOT = Path(__file__).resolve().parents[1]


def make_submissions(folder: Path, assignment: str, count: int) -> None:
    solution = (ROOT / "solutions" / f"{assignment}.ipynb").read_text(encoding="utf-8")
    untouched = (ROOT / "exercises" / f"{assignment}.ipynb").read_text(encoding="utf-8")
    kinds = [solution, untouched,
             solution.replace('answer_0_1 = \\"1978-12-15\\"', 'answer_0_1 = \\"1978-12-16\\"'),
             solution.replace('answer_0_1 = \\"1978-12-15\\"', 'answer_0_1 = \\"1978-12-15')]
    for n in range(count):
        (folder / f"student_{n:03d}.ipynb").write_text(kinds[n % len(kinds)], encoding="utf-8")


class PeakMemory:
    """The largest total RSS of this process and all its descendants, sampled in a thread."""

    def __init__(self):
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for process in [me, *me.children(recursive=True)]:
                try:
                    total += process.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(0.2)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def measure(folder: Path, assignment: str, jobs: int, box: sandbox.Sandbox):
    with PeakMemory() as memory:
        start = time.perf_counter()
        results = grade.grade(folder, assignment, box, sandbox.Limits(), jobs=jobs, progress=True)
        seconds = time.perf_counter() - start
    return results, seconds, memory.peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--assignment", default="00_start_here")
    args = parser.parse_args()
    box = sandbox.choose()
    print(f"isolation: {box.description}; {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_submissions(folder, args.assignment, args.count)
        runs = {}
        for jobs in dict.fromkeys([1, args.jobs]):
            results, seconds, peak = measure(folder, args.assignment, jobs, box)
            runs[jobs] = [row for result in results for row in result.rows]
            print(f"jobs={jobs}: {args.count} submissions in {seconds:.0f} s = "
                  f"{args.count / seconds * 60:.1f} submissions/minute; peak memory {peak / 2**20:.0f} MB", flush=True)
        same = len({str(rows) for rows in runs.values()}) == 1
        print("serial and parallel rows identical:", same)
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
