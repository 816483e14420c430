"""Run one submitted notebook inside the grading sandbox and hand back its answers as plain data.

    python harvest.py --assignment 00_start_here --timeout 30 < submission.ipynb > report.json

The grader (``grade.py``) starts this file by its path, inside the sandbox, with the notebook on standard input.
It executes the student's cells in a fresh kernel in a private temporary folder, then asks the kernel for the values
of its ``answer_N_M`` variables, converted to JSON (text, numbers, True/False, None, lists of those). It writes one
JSON report on standard output and nothing else; the kernel's own output channels go nowhere.

It decides nothing: no verdict and no points are computed here. Everything in the report may have been shaped by the
student's code (the kernel runs as the same user, in the same sandbox), so the grader treats it as untrusted data
and compares the values with the key in its own process.

Standard library, nbformat and nbclient only: this runs before, and apart from, the collection's package.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile

MARKER = "RAPPROCHEMENT-ANSWERS:"
MAX_OUTPUT = 2_000_000  # characters of cell output kept in memory; the rest is dropped and counted
MAX_CONTEXT = 300  # characters of each check cell's printed feedback kept as context

START = "from rapprochement import exercises as _rapprochement_exercises\n" \
        "_rapprochement_exercises.start({assignment!r}, show_save=False)"

# Run in the student's kernel after their cells: whatever it prints is data the student could have chosen.
COLLECT = r'''
def _rapprochement_collect():
    import datetime, json, numbers, re
    def plain(value, depth=0):
        if value is Ellipsis:
            return {"unanswered": True}
        if isinstance(value, str):
            return value[:20000]
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, numbers.Integral):
            return int(value)
        if isinstance(value, numbers.Real):
            return float(value)
        if isinstance(value, (datetime.date, datetime.datetime)) or type(value).__name__ == "Timestamp":
            return str(value)[:10]
        if depth == 0 and (isinstance(value, (list, tuple, set, frozenset)) or type(value).__name__ == "Series"):
            items = list(value)
            if isinstance(value, (set, frozenset)):
                items = sorted(items, key=str)
            return [plain(item, 1) for item in items[:1000]]
        return {"unsupported": type(value).__name__}
    found = {name: plain(value) for name, value in list(globals().items())
             if isinstance(name, str) and re.fullmatch(r"answer_\d+_\d+", name)}
    print("%s" + json.dumps(found))
_rapprochement_collect()
''' % MARKER


def _client_class():
    from nbclient import NotebookClient

    class CappedClient(NotebookClient):
        """A notebook client that keeps at most MAX_OUTPUT characters of output in memory."""

        kept = 0
        dropped = 0

        def output(self, outs, msg, display_id, cell_index):
            size = len(json.dumps(msg.get("content", {}), default=str))
            if self.kept + size > MAX_OUTPUT:
                self.dropped += size
                return None
            self.kept += size
            return super().output(outs, msg, display_id, cell_index)

    return CappedClient


def _text(outputs) -> str:
    parts = []
    for out in outputs:
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        elif "data" in out:
            parts.append(out["data"].get("text/plain", ""))
    return "".join(parts)


def run(source: str, assignment: str, timeout: int) -> dict:
    """Execute the notebook JSON ``source``; return the report (see the module docstring)."""
    import nbformat
    from nbclient.exceptions import DeadKernelError

    report: dict = {"answers": None, "checks": {}, "errors": [], "timeouts": 0, "dropped_output": 0, "problem": ""}
    nb = nbformat.reads(source, as_version=4)
    student = [c for c in nb.cells if c.cell_type == "code"]
    nb.cells = [nbformat.v4.new_code_cell(START.format(assignment=assignment)), *student,
                nbformat.v4.new_code_cell(COLLECT)]
    with tempfile.TemporaryDirectory() as scratch:
        client = _client_class()(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                                 interrupt_on_timeout=True, resources={"metadata": {"path": scratch}})
        try:
            client.execute()
        except DeadKernelError:
            report["problem"] = "the kernel died (out of memory, or the notebook ended its own kernel)"
        except Exception as error:  # noqa: BLE001 - whatever went wrong, report it and hand back what ran
            report["problem"] = f"the notebook could not be run to the end ({type(error).__name__})"
        report["dropped_output"] = client.dropped
    for cell in student:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                name = str(out.get("ename", "Error"))[:80]
                if name == "KeyboardInterrupt":
                    report["timeouts"] += 1
                else:
                    report["errors"].append(name)
        asked = re.search(r"""\bcheck\(\s*["'](q[\d_]+)["']""", cell.source)
        if asked:
            report["checks"][asked.group(1)] = _text(cell.get("outputs", []))[:MAX_CONTEXT]
    for line in _text(nb.cells[-1].get("outputs", [])).splitlines():
        if line.startswith(MARKER):
            try:
                report["answers"] = json.loads(line[len(MARKER):])
            except ValueError:
                report["answers"] = None
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", required=True)
    parser.add_argument("--timeout", type=int, default=30, help="seconds allowed per cell")
    args = parser.parse_args()
    source = sys.stdin.read()
    # The report goes to a private copy of stdout; the kernel inherits /dev/null as its stdout and stderr.
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        report = run(source, args.assignment, args.timeout)
    except Exception as error:  # noqa: BLE001
        report = {"answers": None, "checks": {}, "errors": [], "timeouts": 0, "dropped_output": 0,
                  "problem": f"the notebook could not be read ({type(error).__name__})"}
    channel.write(json.dumps(report))
    channel.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
