"""Benchmark: how long each notebook takes to run headless, against a notebook that only imports the stack.

    python tools/benchmark.py [--runs 3]

Each run starts a fresh kernel, as a student's Run All on a new session does. Target: at most 1.5x the baseline.
Also reports the size of every committed notebook (target: under 300 KB) and of data/.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tools.lessons import all_notebooks  # noqa: E402

BASELINE = "import altair, ipywidgets, pandas, rapprochement"


def seconds(nb: nbformat.NotebookNode, folder: Path) -> float:
    """Wall time from kernel start to the last cell's end."""
    start = time.perf_counter()
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return time.perf_counter() - start


def median_time(make, folder: Path, runs: int) -> float:
    return statistics.median(seconds(make(), folder) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    folder = ROOT / "notebooks"
    baseline = median_time(lambda: nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(BASELINE)]), folder, runs)
    print(f"baseline (imports only): {baseline:.2f} s, median of {runs} fresh-kernel runs\n")
    print(f"{'notebook':45} {'time':>7} {'ratio':>6} {'size':>8}")
    for name in all_notebooks():
        path = ROOT / name
        took = median_time(lambda: nbformat.read(path, as_version=4), path.parent, runs)
        size = path.stat().st_size / 1000
        flag = "" if took / baseline <= 1.5 and size < 300 else "  <- over target"
        print(f"{name:45} {took:6.2f}s {took / baseline:5.2f}x {size:6.0f} KB{flag}")
    data = sum(p.stat().st_size for p in (ROOT / "data").rglob("*") if p.is_file()) / 1000
    print(f"\ndata/: {data:.0f} KB in {sum(1 for p in (ROOT / 'data').rglob('*') if p.is_file())} files")


if __name__ == "__main__":
    main()
