"""Grade a folder of submitted exercise notebooks.

    python -m rapprochement.grade submissions/ --csv grades.csv [--assignment 00_start_here] [--timeout 30]

Each submission runs in a fresh kernel, in a scratch folder, with a time limit per cell; the file itself is only
read, never written. After the student's cells, the grader checks every answer variable (``answer_0_1`` for
``q0_1``) itself; where a variable was renamed or removed it falls back to the student's last ``check(...)``.
Syntax errors, infinite loops, deleted or reordered cells and files that are not notebooks become lines in the
report, and the other submissions are graded as usual. Written answers are copied into the CSV for marking.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .exercises import GRADE_LOG, _key_path

COLUMNS = ["student_file", "question_id", "points", "max_points", "feedback", "answer"]

_FINAL_CHECK = """
import json as _json, os as _os
from rapprochement import exercises as _exercises
_exercises.start({assignment!r}, show_save=False)
for _q in _exercises.questions():
    _name = "answer_" + _q[1:]
    if _name in globals():
        with open(_os.environ[{log!r}], "a", encoding="utf-8") as _log:
            _log.write(_json.dumps({{"final": _q}}) + "\\n")
        _exercises.check(_q, globals()[_name])
"""


@dataclass
class Result:
    """One submission's rows for the CSV and its notes for the summary."""

    file: str
    rows: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        self.notes.append(text)
        self.rows.append(dict(student_file=self.file, question_id="-", points="", max_points="", feedback=text, answer=""))


def _read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)  # raises on anything that is not notebook JSON


def _assignment_of(nb: nbformat.NotebookNode, default: str | None) -> str | None:
    """The exercise set: from the notebook's metadata, else its ``start("...")`` call, else ``default``."""
    named = nb.metadata.get("rapprochement", {}).get("assignment")
    if named:
        return named
    for cell in nb.cells:
        match = re.search(r"""\bstart\(\s*["']([\w-]+)["']""", cell.get("source", "")) if cell.cell_type == "code" else None
        if match:
            return match.group(1)
    return default


def _records(log: Path) -> dict[str, dict]:
    """The record that decides each question: the grader's own final check, else the student's last check."""
    last, final, pending = {}, {}, None
    if not log.is_file():
        return {}
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if "final" in row:
            pending = row["final"]
        elif "question" in row:
            (final if row["question"] == pending else last)[row["question"]] = row
            pending = None
    return {**last, **final}


def grade_one(path: Path, default_assignment: str | None, timeout: int) -> Result:
    """Grade one submission; never raises."""
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    result = Result(path.name)
    try:
        nb = _read(path)
    except Exception as error:  # not JSON, not a notebook, unreadable
        result.note(f"not a readable notebook ({type(error).__name__}): nothing graded")
        return result
    assignment = _assignment_of(nb, default_assignment)
    if not assignment or not _key_path(assignment).is_file():
        result.note(f"cannot tell which exercise set this is ({assignment!r}); pass --assignment")
        return result
    key = json.loads(_key_path(assignment).read_text(encoding="utf-8"))["questions"]
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "checks.jsonl"
        nb.cells.insert(0, nbformat.v4.new_code_cell(f"from rapprochement import exercises\n"
                                                     f"exercises.start({assignment!r}, show_save=False)"))
        nb.cells.append(nbformat.v4.new_code_cell(_FINAL_CHECK.format(assignment=assignment, log=GRADE_LOG)))
        previous = os.environ.get(GRADE_LOG)
        os.environ[GRADE_LOG] = str(log)  # the kernel inherits it
        try:
            client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                                    interrupt_on_timeout=True, resources={"metadata": {"path": scratch}})
            client.execute()
        except DeadKernelError:
            result.note("the kernel died while running this notebook; graded what had run")
        except Exception as error:
            result.note(f"the notebook could not be run to the end ({type(error).__name__}); graded what had run")
        finally:
            if previous is None:
                os.environ.pop(GRADE_LOG, None)
            else:
                os.environ[GRADE_LOG] = previous
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
        timeouts = [e for e in errors if e.get("ename") == "KeyboardInterrupt"]
        if timeouts:
            result.note(f"{len(timeouts)} cell(s) ran longer than {timeout} s and were stopped")
        if len(errors) > len(timeouts):
            names = sorted({e.get("ename", "Error") for e in errors if e not in timeouts})
            result.note(f"{len(errors) - len(timeouts)} cell(s) raised errors ({', '.join(names)})")
        records = _records(log)
    for qid, spec in sorted(key.items()):
        record = records.get(qid)
        maximum = spec.get("points")
        if record is None:
            feedback = "no answer found: the answer variable was renamed or deleted and no check ran"
            result.rows.append(dict(student_file=path.name, question_id=qid, points="" if maximum is None else 0,
                                    max_points="" if maximum is None else maximum, feedback=feedback, answer=""))
            continue
        points = record.get("points")
        result.rows.append(dict(student_file=path.name, question_id=qid,
                                points="" if points is None else points, max_points="" if maximum is None else maximum,
                                feedback=record.get("feedback", ""), answer=record.get("answer", "")))
    return result


def grade(folder: Path, assignment: str | None = None, timeout: int = 30) -> list[Result]:
    """Grade every ``*.ipynb`` in ``folder`` (sorted by name)."""
    return [grade_one(path, assignment, timeout) for path in sorted(folder.glob("*.ipynb"))]


def write_csv(results: list[Result], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        for result in results:
            writer.writerows(result.rows)


def summary(results: list[Result]) -> str:
    """One line per submission: auto-graded points, questions left for the instructor, notes."""
    lines = []
    for result in results:
        scored = [r for r in result.rows if r["question_id"] != "-" and r["max_points"] != ""]
        manual = sum(1 for r in result.rows if r["question_id"] != "-" and r["max_points"] == "")
        got = sum(float(r["points"] or 0) for r in scored)
        total = sum(float(r["max_points"]) for r in scored)
        text = f"{result.file}: {got:g}/{total:g} points" if scored else f"{result.file}: not graded"
        if manual:
            text += f", {manual} written answer(s) to mark"
        if result.notes:
            text += " — " + "; ".join(result.notes)
        lines.append(text)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rapprochement.grade", description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="folder of submitted .ipynb files")
    parser.add_argument("--csv", type=Path, default=Path("grades.csv"), help="where to write the grades")
    parser.add_argument("--assignment", help="exercise set, if the notebooks do not say (e.g. 00_start_here)")
    parser.add_argument("--timeout", type=int, default=30, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"{args.folder} is not a folder of notebooks", file=sys.stderr)
        return 2
    results = grade(args.folder, args.assignment, args.timeout)
    write_csv(results, args.csv)
    print(summary(results) or "no .ipynb files in the folder")
    print(f"\nwrote {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
