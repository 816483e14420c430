"""The grading command on a folder of good, broken and hostile submissions, graded once for all the tests here.

The hostile ones are what students sometimes hand in: code that replaces the checker's hashing or ``check`` itself,
forges check records, writes outside its folder, reads other submissions or the solutions, allocates 3 GB, or talks
to a service on the grader's own machine. Each of them fooled or hurt the grader that ran student code in its own
kernel and trusted what that kernel wrote; here each must score only what its answer variables earn.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import socket
import sys
import threading
from pathlib import Path

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rapprochement import grade, sandbox
from rapprochement.authoring import BLOCK

ROOT = Path(__file__).resolve().parents[1]
NAME = "00_start_here.ipynb"
AUTO_POINTS = 5  # q0_1 to q0_5; q0_6 is a written answer marked by hand
WRONG = {"answer_0_1": '"1978-12-16"', "answer_0_2": '["ev141", "ev100", "ev090", "ev089", "ev059"]',
         "answer_0_3": '"taiwan-relations-act-1979"', "answer_0_4": "202", "answer_0_5": '"Deng Xiaoping"'}

# bubblewrap is Linux-only; on Linux `make test` installs it, and these tests fail (never skip) without it
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the grader's sandbox tests need Linux (bubblewrap)")


def _filled(answers: dict | None = None) -> nbformat.NotebookNode:
    """The student edition with every answer cell filled in as the solution has it (or with ``answers``)."""
    solution = nbformat.read(ROOT / "solutions" / NAME, as_version=4)
    found = {}
    for cell in solution.cells:
        for match in BLOCK.finditer(cell.source):
            if match.group(1) == "SOLUTION":
                name = re.match(r"\s*(answer_\d+_\d+)", match.group(2)).group(1)
                found[name] = match.group(2).strip()
    found.update({name: f"{name} = {value}" for name, value in (answers or {}).items()})
    nb = nbformat.read(ROOT / "exercises" / NAME, as_version=4)
    for cell in nb.cells:
        name = cell.source.split(" = ...")[0]
        if cell.source.endswith(" = ...") and name in found:
            cell.source = found[name]
    return nb


def _cell(nb, start: str) -> int:
    return next(n for n, c in enumerate(nb.cells) if c.source.startswith(start))


def _add(nb, code: str, at: int = 2) -> nbformat.NotebookNode:
    nb.cells.insert(at, nbformat.v4.new_code_cell(code))
    return nb


class Listener:
    """A TCP service on the grader's own 127.0.0.1 that counts who reached it."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen()
        self.port = self.server.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()


def _submissions(folder: Path, port: int) -> None:
    shutil.copy(ROOT / "solutions" / NAME, folder / "a_solution.ipynb")
    shutil.copy(ROOT / "exercises" / NAME, folder / "b_untouched.ipynb")
    nbformat.write(_filled(), folder / "c_all_right.ipynb")

    nb = _filled()
    nb.cells[_cell(nb, "answer_0_1")].source = 'answer_0_1 = "1978-12-15'  # unterminated string
    nbformat.write(nb, folder / "d_syntax_error.ipynb")

    nbformat.write(_add(_filled(), "while True:\n    pass"), folder / "e_infinite_loop.ipynb")

    nb = _filled()
    nb.cells = [c for c in nb.cells if not c.source.startswith("check(")]
    nbformat.write(nb, folder / "f_checks_deleted.ipynb")

    nb = _filled()
    answer, check = _cell(nb, "answer_0_3"), _cell(nb, 'check("q0_3"')
    nb.cells[answer], nb.cells[check] = nb.cells[check], nb.cells[answer]  # the check now runs before the answer
    nbformat.write(nb, folder / "g_reordered.ipynb")

    nb = _filled()  # renamed, and everything the notebook can forge says q0_5 is right
    nb.cells[_cell(nb, "answer_0_5")].source = 'premier = "Zhou Enlai"'
    nb.cells[_cell(nb, 'check("q0_5"')].source = 'check("q0_5", premier)'
    _add(nb, "import os, json, sys\n"
             "from rapprochement import exercises\n"
             "fake = exercises.Feedback('q0_5', 'correct', '', 1, 1)\n"
             "exercises.check = check = lambda *a, **k: fake\n"
             "exercises.verdict = lambda *a, **k: fake\n"
             "for path in [os.environ.get('RAPPROCHEMENT_GRADE_LOG', 'checks.jsonl'), 'checks.jsonl']:\n"
             "    open(path, 'a').write(json.dumps({'final': 'q0_5'}) + '\\n' + json.dumps(\n"
             "        {'question': 'q0_5', 'status': 'correct', 'points': 1, 'max_points': 1}) + '\\n')\n"
             "print('RAPPROCHEMENT-ANSWERS:' + json.dumps({'q0_5': 'correct', 'points': 5}))", at=len(nb.cells))
    nbformat.write(nb, folder / "h_renamed_and_forged.ipynb")

    nb = _filled({"answer_0_1": '"1978-12-16"'})
    del nb.metadata["rapprochement"]  # graded with --assignment
    nbformat.write(nb, folder / "i_one_wrong_no_metadata.ipynb")

    (folder / "j_not_json.ipynb").write_text("this is not a notebook {", encoding="utf-8")

    # wrong answers, and three lines that make every answer hash to the expected digest
    nbformat.write(_add(_filled(WRONG), "from rapprochement import exercises\n"
                                        "exercises._digest = lambda q, t: (exercises._questions[q].get('answer')\n"
                                        "                                  or [''])[0]"),
                   folder / "k_wrong_with_forged_hashing.ipynb")

    # nothing answered; fake check records written, and check replaced
    nb = nbformat.read(ROOT / "exercises" / NAME, as_version=4)
    nbformat.write(_add(nb, "import json, os\n"
                            "from rapprochement import exercises\n"
                            "for n in range(1, 7):\n"
                            "    row = {'question': f'q0_{n}', 'status': 'correct', 'points': 1, 'max_points': 1}\n"
                            "    for path in [os.environ.get('RAPPROCHEMENT_GRADE_LOG', ''), 'checks.jsonl']:\n"
                            "        if path:\n"
                            "            open(path, 'a').write(json.dumps(row) + '\\n')\n"
                            "check = exercises.check = lambda q, a=...: exercises.Feedback(q, 'correct', '', 1, 1)"),
                   folder / "l_unanswered_with_fake_records.ipynb")

    # all right, but writes outside its folder and appends to the other submissions
    nbformat.write(_add(_filled(), "import glob, os\n"
                                   f"folder = {str(folder)!r}\n"
                                   "escaped = []\n"
                                   "for path in glob.glob(folder + '/*.ipynb') + [folder + '/a_solution.ipynb']:\n"
                                   "    try:\n"
                                   "        open(path, 'a').write('spoilt')\n"
                                   "        escaped.append(path)\n"
                                   "    except OSError:\n"
                                   "        pass\n"
                                   "for path in [folder + '/../escaped.txt', os.path.expanduser('~/escaped.txt')]:\n"
                                   "    try:\n"
                                   "        open(path, 'w').write('escaped')\n"
                                   "    except OSError:\n"
                                   "        pass"), folder / "m_writes_elsewhere.ipynb")

    # tries to copy an answer from the instructor's solution and to read another submission
    nb = _filled(WRONG)
    nbformat.write(_add(nb, "import re\n"
                                        "try:\n"
                                        f"    text = open({str(ROOT / 'solutions' / NAME)!r}).read()\n"
                                        "    answer_0_1 = re.search(r'answer_0_1 = \\\\\"([\\d-]+)', text).group(1)\n"
                                        "except Exception as error:\n"
                                        "    answer_0_6 = 'solution: ' + type(error).__name__\n"
                                        f"try:\n"
                                        f"    answer_0_6 += ' / other: ' + open({str(folder / 'a_solution.ipynb')!r}).read()[:30]\n"
                                        "except Exception as error:\n"
                                        "    answer_0_6 += ' / other: ' + type(error).__name__", at=len(nb.cells)),
                   folder / "n_reads_solution_and_others.ipynb")

    nbformat.write(_add(_filled(), "hog = bytearray(3 * 1024**3)"), folder / "o_allocates_3_gb.ipynb")

    nbformat.write(_add(_filled(), "import socket\n"
                                   f"socket.create_connection(('127.0.0.1', {port}), timeout=3).sendall(b'hello')"),
                   folder / "p_connects_to_127001.ipynb")


    nbformat.write(_add(_filled(), "for _ in range(60):\n    print('x' * 100_000)"), folder / "q_prints_6_mb.ipynb")


def _digests(folder: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    listener = Listener()
    folder = tmp_path_factory.mktemp("submissions")
    _submissions(folder, listener.port)
    before = _digests(folder)
    out = folder.parent / "grades.csv"
    assert grade.main([str(folder), "--csv", str(out), "--assignment", "00_start_here", "--timeout", "10",
                       "--jobs", "2", "--no-progress"]) == 0
    after = _digests(folder)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    totals = list(csv.DictReader((folder.parent / "grades-totals.csv").open(encoding="utf-8")))
    return dict(before=before, after=after, rows=rows, totals=totals, folder=folder, listener=listener)


def _rows(rows, file):
    return [r for r in rows if r["student_file"] == file]


def _points(rows, file) -> float:
    return sum(float(r["points"] or 0) for r in _rows(rows, file) if r["question_id"] != "-")


def _notes(rows, file) -> str:
    return " ".join(r["feedback"] for r in _rows(rows, file) if r["question_id"] == "-")


def test_bubblewrap_works_here():
    assert sandbox._bwrap_works(), "bubblewrap is missing or broken: run `python3 tools/bubblewrap.py`"


def test_graded_files_are_byte_for_byte_unchanged_and_nothing_escaped(graded):
    assert graded["before"] == graded["after"]
    assert not (graded["folder"].parent / "escaped.txt").exists()
    assert not (Path.home() / "escaped.txt").exists()


def test_csv_has_a_row_per_question_and_submission_each_saying_how_it_was_isolated(graded):
    rows = graded["rows"]
    assert list(rows[0]) == grade.COLUMNS
    for file in ["a_solution.ipynb", "b_untouched.ipynb", "c_all_right.ipynb"]:
        assert sorted(r["question_id"] for r in _rows(rows, file)) == [f"q0_{n}" for n in range(1, 7)]
    assert {r["isolation"] for r in rows} == {sandbox.Sandbox("bwrap").description}


def test_the_solution_gets_full_marks_and_its_written_answer_is_kept(graded):
    rows = graded["rows"]
    assert _points(rows, "a_solution.ipynb") == AUTO_POINTS
    written = next(r for r in _rows(rows, "a_solution.ipynb") if r["question_id"] == "q0_6")
    assert written["points"] == "" and written["max_points"] == "" and "Washington" in written["answer"]


def test_the_untouched_exercise_scores_zero_without_crashing(graded):
    rows = graded["rows"]
    assert _points(rows, "b_untouched.ipynb") == 0
    assert all("Not answered yet" in r["feedback"] for r in _rows(rows, "b_untouched.ipynb"))
    assert _notes(rows, "b_untouched.ipynb") == ""


@pytest.mark.parametrize(
    "file, points, note",
    [
        ("c_all_right.ipynb", AUTO_POINTS, None),
        ("d_syntax_error.ipynb", AUTO_POINTS - 1, "SyntaxError"),
        ("e_infinite_loop.ipynb", AUTO_POINTS, "longer than 10 s"),
        ("f_checks_deleted.ipynb", AUTO_POINTS, None),
        ("g_reordered.ipynb", AUTO_POINTS, "NameError"),
        ("i_one_wrong_no_metadata.ipynb", AUTO_POINTS - 1, None),
        ("m_writes_elsewhere.ipynb", AUTO_POINTS, None),
        ("o_allocates_3_gb.ipynb", AUTO_POINTS, "MemoryError"),
        ("q_prints_6_mb.ipynb", AUTO_POINTS, "more than 2 MB of output"),
    ],
)
def test_broken_submissions_are_graded_with_a_clear_note(graded, file, points, note):
    rows = graded["rows"]
    assert _points(rows, file) == points
    if note:
        assert note in _notes(rows, file)
    else:
        assert _notes(rows, file) == ""


def test_forged_hashing_cannot_turn_wrong_answers_into_points(graded):
    rows = _rows(graded["rows"], "k_wrong_with_forged_hashing.ipynb")
    assert _points(graded["rows"], "k_wrong_with_forged_hashing.ipynb") == 0
    assert "Beijing" in next(r["feedback"] for r in rows if r["question_id"] == "q0_1")  # the real verdict's hint


def test_fake_check_records_and_a_replaced_check_earn_nothing(graded):
    assert _points(graded["rows"], "l_unanswered_with_fake_records.ipynb") == 0
    assert all("Not answered yet" in r["feedback"] for r in _rows(graded["rows"], "l_unanswered_with_fake_records.ipynb"))


def test_a_renamed_answer_variable_cannot_be_replaced_by_anything_the_notebook_forges(graded):
    rows = _rows(graded["rows"], "h_renamed_and_forged.ipynb")
    q5 = next(r for r in rows if r["question_id"] == "q0_5")
    assert q5["points"] == "0" and "no variable answer_0_5" in q5["feedback"]
    assert "not counted" in q5["feedback"]  # the notebook's own check output, shown as context only
    assert _points(graded["rows"], "h_renamed_and_forged.ipynb") == AUTO_POINTS - 1


def test_the_solutions_and_other_submissions_cannot_be_read(graded):
    rows = _rows(graded["rows"], "n_reads_solution_and_others.ipynb")
    assert _points(graded["rows"], "n_reads_solution_and_others.ipynb") == 0
    written = next(r for r in rows if r["question_id"] == "q0_6")["answer"]
    assert written == "solution: FileNotFoundError / other: FileNotFoundError"


def test_the_graders_own_127001_is_unreachable(graded):
    assert graded["listener"].connections == 0
    assert _points(graded["rows"], "p_connects_to_127001.ipynb") == AUTO_POINTS
    assert "ConnectionRefusedError" in _notes(graded["rows"], "p_connects_to_127001.ipynb") or \
        "OSError" in _notes(graded["rows"], "p_connects_to_127001.ipynb")


def test_time_zone_mistake_is_explained_in_the_feedback(graded):
    q1 = next(r for r in _rows(graded["rows"], "i_one_wrong_no_metadata.ipynb") if r["question_id"] == "q0_1")
    assert q1["points"] == "0" and "Beijing" in q1["feedback"]


def test_a_file_that_is_not_a_notebook_is_one_clear_line(graded):
    (row,) = _rows(graded["rows"], "j_not_json.ipynb")
    assert row["question_id"] == "-" and "not a readable notebook" in row["feedback"]


def test_one_row_per_student_with_the_total_for_a_gradebook(graded):
    totals = {row["student"]: row for row in graded["totals"]}
    assert list(graded["totals"][0])[:3] == ["student", "00_start_here points", "00_start_here out of"]
    assert set(totals) == {Path(name).stem for name in graded["before"]}
    assert totals["a_solution"]["00_start_here points"] == "5" and totals["a_solution"]["00_start_here out of"] == "5"
    assert totals["a_solution"]["written answers to mark"] == "1"
    assert totals["k_wrong_with_forged_hashing"]["00_start_here points"] == "0"
    assert totals["j_not_json"]["00_start_here points"] == "" and "not a readable notebook" in totals["j_not_json"]["notes"]


def test_parallel_and_serial_grading_give_the_same_rows(graded, tmp_path):
    for name in ["a_solution.ipynb", "h_renamed_and_forged.ipynb", "j_not_json.ipynb", "k_wrong_with_forged_hashing.ipynb"]:
        shutil.copy(graded["folder"] / name, tmp_path / name)
    serial = grade.grade(tmp_path, "00_start_here", sandbox.choose(), sandbox.Limits(cell_seconds=10), jobs=1)
    assert [row for result in serial for row in result.rows] == \
        [r for r in graded["rows"] if (tmp_path / r["student_file"]).exists()]


def test_without_a_sandbox_grading_stops_unless_asked_and_then_every_line_says_so(tmp_path, monkeypatch, capsys):
    shutil.copy(ROOT / "solutions" / NAME, tmp_path / "a.ipynb")
    monkeypatch.setattr(sandbox, "_bwrap_works", lambda: False)
    monkeypatch.setattr(sandbox, "_engine_works", lambda engine: False)
    assert grade.main([str(tmp_path), "--csv", str(tmp_path / "g.csv")]) == 3
    assert "No sandbox is available" in capsys.readouterr().err and not (tmp_path / "g.csv").exists()
    assert grade.main([str(tmp_path), "--csv", str(tmp_path / "g.csv"), "--no-sandbox", "--no-progress"]) == 0
    out = capsys.readouterr()
    assert "WARNING" in out.err and "NOT ISOLATED" in out.out
    rows = list(csv.DictReader((tmp_path / "g.csv").open(encoding="utf-8")))
    assert rows and all(r["isolation"].startswith("NOT ISOLATED") for r in rows)
    assert sum(float(r["points"] or 0) for r in rows) == AUTO_POINTS  # verdicts still made outside the kernel


def test_a_notebook_over_its_time_limit_is_stopped_with_a_note(tmp_path):
    path = tmp_path / "slow.ipynb"
    nb = _filled()
    for n in range(4):  # each cell is under the cell limit; together they pass the notebook's
        _add(nb, "import time\ntime.sleep(5)")
    nbformat.write(nb, path)
    result = grade.grade_one(path, None, sandbox.choose(), sandbox.Limits(cell_seconds=30, notebook_seconds=12))
    assert "stopped after 12 s, the time limit per notebook" in result.notes
    assert sum(float(r["points"] or 0) for r in result.rows if r["question_id"] != "-") == 0


def test_containers_get_no_network_capped_memory_and_an_unprivileged_user():
    # No container engine runs on the test machines: this checks the command, not a container.
    with pytest.raises(sandbox.SandboxUnavailable, match="--image"):
        sandbox.choose("docker")
    command = sandbox.container_command("podman", "course-grader", sandbox.Limits(memory_bytes=2 * 2**30))
    text = " ".join(command)
    for part in ["--network none", "--read-only", "--memory 2048m", "--memory-swap 2048m", "--cap-drop ALL",
                 "--user 65534:65534", "no-new-privileges", "course-grader"]:
        assert part in text


def test_bubblewrap_sees_the_python_environment_but_not_the_course_folders():
    visible = sandbox.visible_paths()
    for hidden in [ROOT, ROOT / "solutions", ROOT / "exercises", Path.home()]:
        assert hidden not in visible and not any(p in hidden.parents for p in visible if p != hidden)
    assert (ROOT / "data").resolve() in visible


def test_summary_and_errors_for_the_instructor(tmp_path):
    assert grade.main([str(tmp_path / "missing")]) == 2
    assert grade.main([str(tmp_path), "--jobs", "0"]) == 2
    result = grade.Result("x.ipynb", isolation=sandbox.Sandbox("bwrap").description)
    result.add("q0_1", 1.0, 1, "")
    result.add("q0_6", None, None, "", "text")
    assert grade.summary([result]) == "x.ipynb: 1/1 points, 1 written answer(s) to mark"
    result.isolation = sandbox.Sandbox("none").description
    assert grade.summary([result]).endswith("[NOT ISOLATED (--no-sandbox): student code ran with the grader's rights]")


def test_the_exercise_set_is_found_without_metadata():
    nb = nbformat.read(ROOT / "solutions" / NAME, as_version=4)  # solutions carry no assignment metadata
    assert grade._assignment_of(nb, None) == "00_start_here"
    nb.cells = [c for c in nb.cells if "start(" not in c.source]
    assert grade._assignment_of(nb, None) is None and grade._assignment_of(nb, "x") == "x"


plain = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
                     max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({"answers": plain | st.dictionaries(st.sampled_from(["answer_0_1", "answer_0_2", "x"]), plain),
                              "checks": plain, "errors": plain, "timeouts": plain, "dropped_output": plain,
                              "problem": plain}) | plain)
def test_whatever_the_sandbox_hands_back_is_read_as_plain_data_or_refused(report):
    read = grade.read_report(json.dumps(report).encode())
    if read is not None:
        for value in (read["answers"] or {}).values():  # and the checks can take every accepted value
            from rapprochement.exercises import verdict
            spec = json.loads((ROOT / "src/rapprochement/keys/00_start_here.json").read_text())["questions"]
            for qid in spec:
                verdict(qid, spec[qid], grade._decoded(value))
