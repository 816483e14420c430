"""One source, two editions: generate the student edition and the hashed key from a solution notebook.

``solutions/NN_slug.ipynb`` is the only place an exercise is written. In it:

* ``### BEGIN SOLUTION`` / ``### END SOLUTION`` (nbgrader's markers) enclose the answer; in the student edition
  each ``name = ...`` assignment inside stays as ``name = ...`` with the value replaced by ``...``;
* ``### BEGIN HIDDEN`` / ``### END HIDDEN`` enclose the ``question(...)`` declarations, removed entirely.

    python -m rapprochement.authoring            # every solution notebook (what `make exercises` runs)
    python -m rapprochement.authoring --check    # exit 1 if an edition or key is stale

The student edition is written without outputs, so the same solution always gives the same bytes. The key
(``src/rapprochement/keys/NN_slug.json``) is made by running the solution notebook, so computed answers stay
in step with the data.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

import nbformat

from .exercises import KEY_OUT, _key_path

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"^[ \t]*### BEGIN (SOLUTION|HIDDEN)[^\n]*\n(.*?)^[ \t]*### END \1[^\n]*(\n|$)", re.M | re.S)
ASSIGNMENT = re.compile(r"^([ \t]*)([A-Za-z_]\w*)\s*=(?!=)", re.M)


class AuthoringError(ValueError):
    """A solution notebook breaks the conventions above."""


def without_hidden(source: str) -> str:
    """A cell's source with the hidden ``question(...)`` declarations removed and the solutions kept."""
    return BLOCK.sub(lambda m: m.group(0) if m.group(1) == "SOLUTION" else "", source).rstrip("\n")


def student_source(source: str) -> str:
    """A cell's source with solutions replaced by ``...`` placeholders and hidden blocks removed."""
    def replace(match: re.Match) -> str:
        if match.group(1) == "HIDDEN":
            return ""
        names = list(dict.fromkeys((indent, name) for indent, name in ASSIGNMENT.findall(match.group(2))))
        return "".join(f"{indent}{name} = ...\n" for indent, name in names) or "...\n"

    text = BLOCK.sub(replace, source)
    if "### BEGIN" in text or "### END" in text:
        raise AuthoringError(f"unmatched solution or hidden marker in:\n{source[:200]}")
    return text.rstrip("\n")


def student_edition(solution: Path) -> str:
    """The student edition of ``solution`` as notebook JSON text (deterministic)."""
    nb = nbformat.read(solution, as_version=4)
    answers = [m.group(2) for c in nb.cells for m in BLOCK.finditer(c.source) if m.group(1) == "SOLUTION"]
    if not answers:
        raise AuthoringError(f"{solution.name} has no ### BEGIN SOLUTION blocks")
    for cell in nb.cells:
        cell.source = student_source(cell.source)
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        # the solution's stored outputs are what nbval compares; the student edition has none to compare
        tags = [t for t in cell.metadata.get("tags", []) if not t.startswith("nbval")]
        if tags:
            cell.metadata["tags"] = tags
        else:
            cell.metadata.pop("tags", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["language_info"] = {"name": "python"}  # not the version of whoever ran the solution last
    nb.metadata["rapprochement"] = {"assignment": solution.stem, "edition": "student"}
    text = nbformat.writes(nb) + "\n"
    for block in answers:  # the answers themselves must not survive anywhere in the student's file
        for literal in re.findall(r"=\s*(.+)", block):
            if len(literal.strip()) > 3 and literal.strip() in text:
                raise AuthoringError(f"answer text {literal.strip()!r} would appear in the student edition")
    return text


def make_key(solution: Path, key: Path, timeout: int = 120) -> None:
    """Run ``solution`` with key recording on, writing the hashed key to ``key``."""
    from nbclient import NotebookClient

    key.unlink(missing_ok=True)
    nb = nbformat.read(solution, as_version=4)
    previous = os.environ.get(KEY_OUT)
    os.environ[KEY_OUT] = str(key)  # the kernel inherits it
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(solution.parent)}}).execute()
    finally:
        if previous is None:
            os.environ.pop(KEY_OUT, None)
        else:
            os.environ[KEY_OUT] = previous
    if not key.is_file():
        raise AuthoringError(f"{solution.name} declared no question(...)")


def exercise_path(solution: Path) -> Path:
    return solution.parents[1] / "exercises" / solution.name


def stale(solution: Path) -> list[str]:
    """What is out of date for ``solution``: its student edition, its key, or nothing."""
    problems = []
    exercise = exercise_path(solution)
    if not exercise.is_file() or exercise.read_text(encoding="utf-8") != student_edition(solution):
        problems.append(f"{exercise} is stale: run `make exercises`")
    key = _key_path(solution.stem)
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / key.name
        make_key(solution, fresh)
        if not key.is_file() or key.read_text(encoding="utf-8") != fresh.read_text(encoding="utf-8"):
            problems.append(f"{key} is stale: run `make exercises`")
    return problems


def main(argv: list[str]) -> int:
    solutions = sorted((ROOT / "solutions").glob("*.ipynb"))
    if "--check" in argv:
        problems = [p for s in solutions for p in stale(s)]
        print("\n".join(problems) or "every student edition and key is up to date")
        return 1 if problems else 0
    for solution in solutions:
        make_key(solution, _key_path(solution.stem))
        exercise_path(solution).write_text(student_edition(solution), encoding="utf-8")
        print(f"{solution.name}: wrote {exercise_path(solution).relative_to(ROOT)} and its key")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
