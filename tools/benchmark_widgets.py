"""Benchmark: how long each explorer takes to redraw when a control moves (target: under 100 ms).

    python tools/benchmark_widgets.py

Each explorer is built once, then every control value it offers is set in turn, in process, as a student's click
would set it; the time is from setting the value to the new chart and status being ready to send.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import rapprochement as rp  # noqa: E402


def _times(control, values, rounds: int = 2) -> list[float]:
    out = []
    for value in list(values) * rounds:
        start = time.perf_counter()
        control.value = value
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    triangle = rp.triangle_explorer()
    history = rp.triangle_history()
    sensitivity = rp.triangle_sensitivity()
    cases = {
        "triangle_explorer (US–PRC menu)": _times(triangle.controls["us_prc"], ["amity", "enmity"] * 5),
        "triangle_history (year slider)": _times(history.year, range(1949, 1981)),
        "triangle_sensitivity (decision menu)": _times(sensitivity.decision, [v for _, v in sensitivity.decision.options]),
    }
    for name, times in cases.items():
        ms = sorted(t * 1000 for t in times)
        print(f"{name:40s} median {statistics.median(ms):6.1f} ms   max {ms[-1]:6.1f} ms   ({len(ms)} redraws)")


if __name__ == "__main__":
    main()
