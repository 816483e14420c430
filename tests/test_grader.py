"""The grading command on a folder of good and broken submissions, graded once for all the tests here."""

from __future__ import annotations

import csv
import hashlib
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from rapprochement import grade
from rapprochement.authoring import BLOCK

ROOT = Path(__file__).resolve().parents[1]
NAME = "00_start_here.ipynb"
AUTO_POINTS = 5  # q0_1 to q0_5; q0_6 is a written answer marked by hand


def _filled() -> nbformat.NotebookNode:
    """The student edition with every answer cell filled in as the solution has it."""
    solution = nbformat.read(ROOT / "solutions" / NAME, as_version=4)
    answers = {}
    for cell in solution.cells:
        for match in BLOCK.finditer(cell.source):
            if match.group(1) == "SOLUTION":
                name = re.match(r"\s*(answer_\d+_\d+)", match.group(2)).group(1)
                answers[name] = match.group(2).strip()
    nb = nbformat.read(ROOT / "exercises" / NAME, as_version=4)
    for cell in nb.cells:
        name = cell.source.split(" = ...")[0]
        if cell.source.endswith(" = ...") and name in answers:
            cell.source = answers[name]
    return nb


def _cell(nb, start: str) -> int:
    return next(n for n, c in enumerate(nb.cells) if c.source.startswith(start))


def _submissions(folder: Path) -> None:
    shutil.copy(ROOT / "solutions" / NAME, folder / "a_solution.ipynb")
    shutil.copy(ROOT / "exercises" / NAME, folder / "b_untouched.ipynb")
    nbformat.write(_filled(), folder / "c_all_right.ipynb")

    nb = _filled()
    nb.cells[_cell(nb, "answer_0_1")].source = 'answer_0_1 = "1978-12-15'  # unterminated string
    nbformat.write(nb, folder / "d_syntax_error.ipynb")

    nb = _filled()
    nb.cells.insert(2, nbformat.v4.new_code_cell("while True:\n    pass"))
    nbformat.write(nb, folder / "e_infinite_loop.ipynb")

    nb = _filled()
    nb.cells = [c for c in nb.cells if not c.source.startswith("check(")]
    nbformat.write(nb, folder / "f_checks_deleted.ipynb")

    nb = _filled()
    answer, check = _cell(nb, "answer_0_3"), _cell(nb, 'check("q0_3"')
    nb.cells[answer], nb.cells[check] = nb.cells[check], nb.cells[answer]  # check now runs before the answer
    nbformat.write(nb, folder / "g_reordered.ipynb")

    nb = _filled()
    nb.cells[_cell(nb, "answer_0_5")].source = 'premier = "Zhou Enlai"'
    nb.cells[_cell(nb, 'check("q0_5"')].source = 'check("q0_5", premier)'
    nbformat.write(nb, folder / "h_renamed.ipynb")

    nb = _filled()
    nb.cells[_cell(nb, "answer_0_1")].source = 'answer_0_1 = "1978-12-16"'
    del nb.metadata["rapprochement"]  # graded with --assignment
    nbformat.write(nb, folder / "i_one_wrong_no_metadata.ipynb")

    (folder / "j_not_json.ipynb").write_text("this is not a notebook {", encoding="utf-8")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submissions")
    _submissions(folder)
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    out = folder.parent / "grades.csv"
    assert grade.main([str(folder), "--csv", str(out), "--assignment", "00_start_here", "--timeout", "10"]) == 0
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    return before, after, rows


def _rows(rows, file):
    return [r for r in rows if r["student_file"] == file]


def _points(rows, file) -> float:
    return sum(float(r["points"] or 0) for r in _rows(rows, file) if r["question_id"] != "-")


def test_submissions_are_never_modified(graded):
    before, after, _ = graded
    assert before == after


def test_csv_has_a_row_per_question_and_submission(graded):
    _, _, rows = graded
    assert list(rows[0]) == grade.COLUMNS
    for file in ["a_solution.ipynb", "b_untouched.ipynb", "c_all_right.ipynb"]:
        assert sorted(r["question_id"] for r in _rows(rows, file)) == [f"q0_{n}" for n in range(1, 7)]


def test_the_solution_gets_full_marks_and_its_written_answer_is_kept(graded):
    _, _, rows = graded
    assert _points(rows, "a_solution.ipynb") == AUTO_POINTS
    written = next(r for r in _rows(rows, "a_solution.ipynb") if r["question_id"] == "q0_6")
    assert written["points"] == "" and written["max_points"] == "" and "Washington" in written["answer"]


def test_the_untouched_exercise_scores_zero_without_crashing(graded):
    _, _, rows = graded
    assert _points(rows, "b_untouched.ipynb") == 0
    assert all("Not answered yet" in r["feedback"] for r in _rows(rows, "b_untouched.ipynb") if r["question_id"] != "q0_6")
    assert not [r for r in _rows(rows, "b_untouched.ipynb") if r["question_id"] == "-"]


@pytest.mark.parametrize(
    "file, points, note",
    [
        ("c_all_right.ipynb", AUTO_POINTS, None),
        ("d_syntax_error.ipynb", AUTO_POINTS - 1, "SyntaxError"),
        ("e_infinite_loop.ipynb", AUTO_POINTS, "longer than 10 s"),
        ("f_checks_deleted.ipynb", AUTO_POINTS, None),
        ("g_reordered.ipynb", AUTO_POINTS, "NameError"),
        ("h_renamed.ipynb", AUTO_POINTS, None),
        ("i_one_wrong_no_metadata.ipynb", AUTO_POINTS - 1, None),
    ],
)
def test_broken_submissions_are_graded_with_a_clear_note(graded, file, points, note):
    _, _, rows = graded
    assert _points(rows, file) == points
    notes = " ".join(r["feedback"] for r in _rows(rows, file) if r["question_id"] == "-")
    if note:
        assert note in notes
    else:
        assert notes == ""


def test_time_zone_mistake_is_explained_in_the_feedback(graded):
    _, _, rows = graded
    q1 = next(r for r in _rows(rows, "i_one_wrong_no_metadata.ipynb") if r["question_id"] == "q0_1")
    assert q1["points"] == "0.0" and "Beijing" in q1["feedback"]


def test_a_file_that_is_not_a_notebook_is_one_clear_line(graded):
    _, _, rows = graded
    (row,) = _rows(rows, "j_not_json.ipynb")
    assert row["question_id"] == "-" and "not a readable notebook" in row["feedback"]


def test_summary_and_errors_for_the_instructor(tmp_path, capsys):
    assert grade.main([str(tmp_path / "missing")]) == 2
    results = [grade.Result("x.ipynb", rows=[dict(student_file="x.ipynb", question_id="q0_1", points=1.0, max_points=1,
                                                  feedback="", answer=""),
                                             dict(student_file="x.ipynb", question_id="q0_6", points="", max_points="",
                                                  feedback="", answer="text")])]
    assert grade.summary(results) == "x.ipynb: 1/1 points, 1 written answer(s) to mark"


def test_the_exercise_set_is_found_without_metadata():
    nb = nbformat.read(ROOT / "solutions" / NAME, as_version=4)  # solutions carry no assignment metadata
    assert grade._assignment_of(nb, None) == "00_start_here"
    nb.cells = [c for c in nb.cells if "start(" not in c.source]
    assert grade._assignment_of(nb, None) is None and grade._assignment_of(nb, "x") == "x"
