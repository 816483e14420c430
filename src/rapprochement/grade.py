"""Grade a folder of submitted exercise notebooks, each in its own sandbox, with verdicts the grader computes itself.

    python -m rapprochement.grade submissions/ --csv grades.csv [--jobs 4] [--assignment 00_start_here]

How a submission is graded:

1. The grader reads the file (never writes it) and sends a copy to a sandbox (``sandbox.py``): no network, no view
   of the other submissions or of the grader's files, a private ``/tmp``, limits on time, memory and output.
2. Inside, ``harvest.py`` runs the student's cells in a fresh kernel and hands back only the values of the answer
   variables (``answer_0_1`` for ``q0_1``) as size-capped JSON data.
3. The grader, in its own process, compares each value with the hashed key it read itself, using the same
   :func:`rapprochement.exercises.verdict` that gives students their feedback. Nothing the student's kernel prints
   or writes is taken as a verdict: a renamed answer variable scores nothing, whatever the notebook's own
   ``check(...)`` said (that is shown as context only).

It writes ``grades.csv`` (one row per student and question) and ``grades-totals.csv`` (one row per student, with the
total: ready for a spreadsheet or a gradebook import) and prints one line per submission.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import sandbox as sandboxes
from .exercises import _key_path, verdict

COLUMNS = ["student_file", "question_id", "points", "max_points", "feedback", "answer", "isolation"]
MAX_NOTEBOOK = 20 * 2**20  # bytes; a larger file is not run
ANSWER = re.compile(r"answer_\d+_\d+")
QUESTION = re.compile(r"q\d+_\d+")


def _number(value: float | None) -> str:
    """Points as a spreadsheet reads them: ``1``, ``0``, ``0.5``; nothing for a written answer."""
    return "" if value is None else f"{float(value):g}"


@dataclass
class Result:
    """One submission's rows for the CSV and its notes for the summary."""

    file: str
    isolation: str = ""
    assignment: str | None = None
    rows: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def note(self, text: str) -> None:
        self.notes.append(text)
        self.rows.append(dict(student_file=self.file, question_id="-", points="", max_points="", feedback=text,
                              answer="", isolation=self.isolation))

    def add(self, qid: str, points: Any, maximum: Any, feedback: str, answer: str = "") -> None:
        self.rows.append(dict(student_file=self.file, question_id=qid, points=_number(points), max_points=_number(maximum),
                              feedback=feedback, answer=answer, isolation=self.isolation))


# --- reading what the sandbox handed back (untrusted) -----------------------------------------------------

def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float)) or (isinstance(value, str) and len(value) <= 20_000)


def _plain_value(value: Any) -> bool:
    if _scalar(value):
        return True
    if isinstance(value, list):
        return len(value) <= 1000 and all(_scalar(v) or _tagged(v) for v in value)
    return _tagged(value)


def _tagged(value: Any) -> bool:
    return isinstance(value, dict) and (value == {"unanswered": True} or (
        list(value) == ["unsupported"] and isinstance(value["unsupported"], str) and len(value["unsupported"]) <= 80))


def read_report(raw: bytes) -> dict | None:
    """The sandbox's report if it has exactly the expected shape of plain data, else None."""
    try:
        report = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(report, dict):
        return None
    answers, checks, errors = report.get("answers"), report.get("checks"), report.get("errors")
    if answers is not None and not (isinstance(answers, dict) and len(answers) <= 200 and all(
            isinstance(k, str) and ANSWER.fullmatch(k) and _plain_value(v) for k, v in answers.items())):
        return None
    if not (isinstance(checks, dict) and len(checks) <= 200 and all(
            isinstance(k, str) and QUESTION.fullmatch(k) and isinstance(v, str) and len(v) <= 300
            for k, v in checks.items())):
        return None
    if not (isinstance(errors, list) and len(errors) <= 10_000 and all(isinstance(e, str) and len(e) <= 80 for e in errors)):
        return None
    for name in ("timeouts", "dropped_output"):
        if not isinstance(report.get(name), int) or isinstance(report.get(name), bool) or report[name] < 0:
            return None
    if not isinstance(report.get("problem"), str) or len(report["problem"]) > 200:
        return None
    return report


def _decoded(value: Any) -> Any:
    """A handed-back value as the checks expect it: ``...`` for unanswered, a named stand-in for other types."""
    if isinstance(value, list):
        return [_decoded(v) for v in value]
    if isinstance(value, dict):
        if value.get("unanswered"):
            return Ellipsis
        name = re.sub(r"\W", "", value["unsupported"])[:40] or "object"
        return type(name if name[0].isalpha() else "object", (), {})()  # "you gave a DataFrame"
    return value


def _printable(text: str) -> str:
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text).strip()


# --- one submission ---------------------------------------------------------------------------------------

def _assignment_of(nb: dict, default: str | None) -> str | None:
    """The exercise set: from the notebook's metadata, else its ``start("...")`` call, else ``default``."""
    named = (nb.get("metadata") or {}).get("rapprochement", {}).get("assignment")
    if isinstance(named, str) and named:
        return named
    for cell in nb.get("cells", []):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        match = re.search(r"""\bstart\(\s*["']([\w-]+)["']""", source) if cell.get("cell_type") == "code" else None
        if match:
            return match.group(1)
    return default


def _load_key(assignment: str | None) -> dict | None:
    if not assignment or not re.fullmatch(r"[\w-]+", assignment) or not _key_path(assignment).is_file():
        return None
    return json.loads(_key_path(assignment).read_text(encoding="utf-8"))["questions"]


def grade_one(path: Path, default_assignment: str | None, sandbox: sandboxes.Sandbox,
              limits: sandboxes.Limits) -> Result:
    """Grade one submission; never raises."""
    import nbformat

    result = Result(path.name, isolation=sandbox.description)
    try:
        if path.stat().st_size > MAX_NOTEBOOK:
            result.note(f"the file is larger than {MAX_NOTEBOOK // 2**20} MB: nothing graded")
            return result
        raw = path.read_bytes()
        nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
    except Exception as error:  # noqa: BLE001 - not JSON, not a notebook, unreadable
        result.note(f"not a readable notebook ({type(error).__name__}): nothing graded")
        return result
    assignment = _assignment_of(nb, default_assignment)
    key = _load_key(assignment)
    if key is None:
        result.note(f"cannot tell which exercise set this is ({assignment!r}); pass --assignment")
        return result
    result.assignment = assignment
    run = sandboxes.run(sandbox, nbformat.writes(nb).encode("utf-8"), assignment, limits)
    report = None if run.too_large else read_report(run.stdout)
    if run.timed_out:
        result.note(f"stopped after {limits.notebook_seconds} s, the time limit per notebook")
    elif run.too_large:
        result.note(f"handed back more than {sandboxes.MAX_REPORT // 2**20} MB and was stopped")
    elif report is None:
        result.note("the sandbox handed back no readable report" + (f" ({_printable(run.stderr_tail)[-200:]})"
                                                                     if run.stderr_tail.strip() else ""))
    report = report or {"answers": None, "checks": {}, "errors": [], "timeouts": 0, "dropped_output": 0, "problem": ""}
    if report["problem"]:
        result.note(_printable(report["problem"]) + "; graded what had run")
    if report["timeouts"]:
        result.note(f"{report['timeouts']} cell(s) ran longer than {limits.cell_seconds} s and were stopped")
    if report["errors"]:
        names = sorted(set(report["errors"]))
        result.note(f"{len(report['errors'])} cell(s) raised errors ({', '.join(names[:8])})")
    if report["dropped_output"]:
        result.note("printed more than 2 MB of output; the rest was dropped")
    answers = report["answers"]
    if answers is None and not run.timed_out and not run.too_large:
        result.note("no answers could be read back from the notebook")
    for qid, spec in sorted(key.items()):
        name = "answer_" + qid[1:]
        maximum = spec.get("points")
        if answers is None or name not in answers:
            said = _printable(report["checks"].get(qid, ""))
            context = f" (its own check cell printed {said[:200]!r}: shown for context, not counted)" if said else ""
            result.add(qid, None if maximum is None else 0, maximum,
                       f"no answer: the notebook has no variable {name} (renamed or deleted?){context}")
            continue
        value = _decoded(answers[name])
        feedback = verdict(qid, spec, value)
        written = value if spec.get("kind") == "text" and isinstance(value, str) else ""
        result.add(qid, feedback.points, maximum, str(feedback), written)
    return result


# --- a folder ---------------------------------------------------------------------------------------------

def grade(folder: Path, assignment: str | None = None, sandbox: sandboxes.Sandbox | None = None,
          limits: sandboxes.Limits | None = None, jobs: int = 1, progress: bool = False) -> list[Result]:
    """Grade every ``*.ipynb`` in ``folder``; results come in file-name order whatever ``jobs`` is."""
    sandbox = sandbox or sandboxes.choose()
    limits = limits or sandboxes.Limits()
    paths = sorted(p for p in folder.glob("*.ipynb") if p.is_file())
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(paths), unit="notebook", desc="grading", file=sys.stderr)

    def one(path: Path) -> Result:
        result = grade_one(path, assignment, sandbox, limits)
        if bar is not None:
            bar.update(1)
        return result

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = list(pool.map(one, paths))
    if bar is not None:
        bar.close()
    return results


def write_csv(results: list[Result], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        for result in results:
            writer.writerows(result.rows)


def totals(result: Result) -> tuple[float, float, int]:
    """Auto-graded points, their maximum, and written answers left to mark."""
    scored = [r for r in result.rows if r["question_id"] != "-" and r["max_points"] != ""]
    manual = sum(1 for r in result.rows if r["question_id"] != "-" and r["max_points"] == "")
    return (sum(float(r["points"] or 0) for r in scored), sum(float(r["max_points"]) for r in scored), manual)


def write_totals(results: list[Result], path: Path) -> None:
    """One row per student: ``student`` (the file name without ``.ipynb``), then points and the maximum for each
    exercise set in the folder. Plain UTF-8 CSV with numbers only in the points columns, for a spreadsheet or a
    gradebook import (map ``student`` to the learners' username or ID)."""
    assignments = sorted({r.assignment for r in results if r.assignment})
    header = ["student"] + [c for a in assignments for c in (f"{a} points", f"{a} out of")] + \
             ["written answers to mark", "isolation", "notes"]
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for result in results:
            got, maximum, manual = totals(result)
            cells = []
            for assignment in assignments:
                mine = result.assignment == assignment
                cells += [_number(got) if mine else "", _number(maximum) if mine else ""]
            writer.writerow([Path(result.file).stem, *cells, manual, result.isolation, "; ".join(result.notes)])


def summary(results: list[Result]) -> str:
    """One line per submission: auto-graded points, questions left for the instructor, notes, isolation."""
    lines = []
    for result in results:
        got, maximum, manual = totals(result)
        scored = any(r["question_id"] != "-" and r["max_points"] != "" for r in result.rows)
        text = f"{result.file}: {got:g}/{maximum:g} points" if scored else f"{result.file}: not graded"
        if manual:
            text += f", {manual} written answer(s) to mark"
        if result.notes:
            text += " — " + "; ".join(result.notes)
        if result.isolation == sandboxes.NOT_ISOLATED:
            text += f" [{result.isolation}]"
        lines.append(text)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rapprochement.grade", description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="folder of submitted .ipynb files")
    parser.add_argument("--csv", type=Path, default=Path("grades.csv"), help="per-question grades (default grades.csv)")
    parser.add_argument("--totals", type=Path, help="one row per student (default: beside --csv, ending -totals.csv)")
    parser.add_argument("--assignment", help="exercise set, if the notebooks do not say (e.g. 00_start_here)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="submissions graded at once (default: cores)")
    parser.add_argument("--timeout", type=int, default=30, help="seconds allowed per cell (default 30)")
    parser.add_argument("--notebook-timeout", type=int, default=600, help="seconds allowed per notebook (default 600)")
    parser.add_argument("--memory", type=float, default=2, help="memory limit per submission, in GB (default 2)")
    parser.add_argument("--sandbox", choices=("auto", *sandboxes.BACKENDS), default="auto",
                        help="isolation to use (default: bubblewrap if it works, else docker/podman with --image)")
    parser.add_argument("--image", help="container image with the collection installed, for --sandbox docker/podman")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run student code WITHOUT isolation, with your rights (every report line says so)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        print(f"{args.folder} is not a folder of notebooks", file=sys.stderr)
        return 2
    if args.jobs < 1 or args.timeout < 1 or args.notebook_timeout < 1 or args.memory <= 0:
        print("--jobs, --timeout, --notebook-timeout and --memory must be positive", file=sys.stderr)
        return 2
    try:
        sandbox = sandboxes.choose(args.sandbox, args.image, args.no_sandbox)
    except sandboxes.SandboxUnavailable as error:
        print(error, file=sys.stderr)
        return 3
    limits = sandboxes.Limits(args.timeout, args.notebook_timeout, int(args.memory * 2**30))
    if not sandbox.isolated:
        print("WARNING: --no-sandbox: student code runs with your rights and can read and change your files.",
              file=sys.stderr)
    results = grade(args.folder, args.assignment, sandbox, limits, args.jobs, progress=not args.no_progress)
    totals_path = args.totals or args.csv.with_name(args.csv.stem + "-totals.csv")
    write_csv(results, args.csv)
    write_totals(results, totals_path)
    print(summary(results) or "no .ipynb files in the folder")
    print(f"\nisolation: {sandbox.description}\nwrote {args.csv} and {totals_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
