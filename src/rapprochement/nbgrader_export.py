"""Turn exercise sets into nbgrader source assignments, for courses that grade with nbgrader on their JupyterHub.

    python -m rapprochement.nbgrader_export --course my-course 00_start_here 01_sino_soviet_split
    cd my-course && nbgrader generate_assignment 00_start_here    # then release, collect, autograde as usual

From ``solutions/NN_slug.ipynb`` it writes ``<course>/source/NN_slug/NN_slug.ipynb`` with nbgrader's cell metadata:

* each answer cell is a solution region (nbgrader's own ``### BEGIN SOLUTION`` markers, which the solutions use);
  a written answer is a manually graded answer with its rubric's points;
* each check cell is a locked autograder test worth the question's points: the student still sees
  ``check(...)``'s feedback, and a hidden test asserts that the same hashed check says *correct*;
* every other cell is read-only. The ``question(...)`` declarations are removed (the key is the package's).

nbgrader runs these tests in the student's own kernel, as it does every test: a student who replaces ``check`` in
their notebook can fool it. ``python -m rapprochement.grade`` is the route that cannot be fooled that way.
An existing source notebook is never overwritten unless ``--force`` is given.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import nbformat

from .authoring import BLOCK, ROOT, without_hidden
from .exercises import _key_path

CHECK = re.compile(r"""^\s*check\(\s*["'](q\d+_\d+)["']""", re.M)
ANSWER = re.compile(r"^\s*answer_(\d+)_(\d+)\s*=", re.M)
CONFIG = '''# nbgrader settings for this course, written by python -m rapprochement.nbgrader_export
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "{course_id}"
c.CourseDirectory.root = "."
'''


def _meta(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False,
          points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if grade:
        meta["points"] = points
    return meta


def source_assignment(solution: Path) -> nbformat.NotebookNode:
    """The nbgrader source notebook for ``solutions/NN_slug.ipynb``."""
    assignment = solution.stem
    key = json.loads(_key_path(assignment).read_text(encoding="utf-8"))["questions"]
    nb = nbformat.read(solution, as_version=4)
    for index, cell in enumerate(nb.cells):
        cell.source = without_hidden(cell.source)
        cell.metadata.pop("tags", None)
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        answer = ANSWER.search(cell.source) if any(m.group(1) == "SOLUTION" for m in BLOCK.finditer(cell.source)) else None
        asked = CHECK.search(cell.source) if cell.cell_type == "code" else None
        if answer:
            qid = f"q{answer.group(1)}_{answer.group(2)}"
            spec = key[qid]
            written = spec["kind"] == "text"
            cell.metadata["nbgrader"] = _meta(f"answer_{qid}", solution=True, grade=written,
                                              points=spec.get("rubric_points") if written else None)
        elif asked and key.get(asked.group(1), {}).get("points") is not None:
            qid = asked.group(1)
            name = "answer_" + qid[1:]
            cell.source = (f"{cell.source}\n### BEGIN HIDDEN TESTS\n"
                           f"assert check({qid!r}, {name}).correct, {qid + ' is not right yet'!r}\n"
                           "### END HIDDEN TESTS")
            cell.metadata["nbgrader"] = _meta(f"test_{qid}", grade=True, locked=True, points=key[qid]["points"])
        else:
            cell.metadata["nbgrader"] = _meta(f"cell_{index:02d}", locked=True)
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("rapprochement", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    return nb


def export(assignments: list[str], course: Path, force: bool = False) -> list[Path]:
    """Write each assignment's source notebook (and a minimal nbgrader_config.py if the course has none)."""
    written = []
    course.mkdir(parents=True, exist_ok=True)
    config = course / "nbgrader_config.py"
    if not config.exists():
        config.write_text(CONFIG.format(course_id=course.resolve().name), encoding="utf-8")
    for assignment in assignments:
        solution = ROOT / "solutions" / f"{assignment}.ipynb"
        target = course / "source" / assignment / f"{assignment}.ipynb"
        if target.exists() and not force:
            raise FileExistsError(f"{target} exists (your edits may be in it); pass --force to replace it")
        nb = source_assignment(solution)
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    available = sorted(p.stem for p in (ROOT / "solutions").glob("*.ipynb"))
    parser = argparse.ArgumentParser(prog="python -m rapprochement.nbgrader_export", description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", help=f"exercise sets (default: all: {', '.join(available)})")
    parser.add_argument("--course", type=Path, required=True, help="the nbgrader course folder")
    parser.add_argument("--force", action="store_true", help="replace source notebooks that already exist")
    args = parser.parse_args(argv)
    unknown = [a for a in args.assignments if a not in available]
    if unknown:
        print(f"no exercise set called {', '.join(unknown)}; the sets are {', '.join(available)}", file=sys.stderr)
        return 2
    try:
        written = export(args.assignments or available, args.course, args.force)
    except FileExistsError as error:
        print(error, file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
    print(f"next: cd {args.course} && nbgrader generate_assignment {written[0].parent.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
