"""Exercise checks, the hashed key, the student edition generated from the solution, and saving work."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nbclient import NotebookClient

from rapprochement import exercises, keep
from rapprochement.authoring import BLOCK, stale, student_edition
from rapprochement.exercises import SKILLS, check, question

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))


@pytest.fixture
def quiz():
    """A fresh set of questions of every kind, declared as a solution notebook would."""
    exercises._questions.clear()
    exercises._answers.clear()
    question("t_date", "date", "1978-12-15", mistakes={"1979-01-01": "That is when relations took effect."}, skill="data: finding a record")
    question("t_number", "number", 95.9, decimals=1, skill="data: finding a record")
    question("t_count", "number", 35, skill="data: finding a record")
    question("t_name", "name", "Zhou Enlai", skill="data: finding a record")
    question("t_either", "name", "Zhou Enlai", accept="either", skill="data: finding a record")
    question("t_choice", "choice", "joint-communique-1979", skill="data: finding a record")
    question("t_order", "order", ["ev059", "ev089", "ev090"], skill="data: finding a record")
    question("t_set", "set", ["ev001", "ev002", "ev003"], skill="data: finding a record")
    question("t_text", "text", "", points=3, min_words=5, rubric=["1 point: names both time zones"], skill="data: finding a record")
    yield
    exercises._questions.clear()


def test_right_answers_are_right(quiz):
    for qid, answer in [("t_date", "1978-12-15"), ("t_date", dt.date(1978, 12, 15)), ("t_date", pd.Timestamp("1978-12-15")),
                        ("t_date", "15 December 1978"), ("t_number", 95.9), ("t_number", np.float64(95.94)),
                        ("t_count", 35), ("t_count", np.int64(35)), ("t_name", " zhou  enlai "),
                        ("t_choice", "Joint-Communique-1979"), ("t_order", ["EV059", "ev089", "ev090"]),
                        ("t_order", pd.Series(["ev059", "ev089", "ev090"])), ("t_set", {"ev003", "ev001", "ev002"}),
                        ("t_set", "ev002, ev001, ev003")]:
        assert check(qid, answer).correct, (qid, answer)


@pytest.mark.parametrize(
    "qid, answer, fragment",
    [
        ("t_date", "1978-12-16", "time zone"),
        ("t_date", "1978-12-14", "time zone"),
        ("t_date", "1978-12-03", "Right month, wrong day"),
        ("t_date", "1978-12", "full date"),
        ("t_date", "1979-01-01", "took effect"),
        ("t_date", "15/12/1978", "YYYY-MM-DD"),
        ("t_date", "1978-02-30", "not a real date"),
        ("t_date", 1978, "Wrong type"),
        ("t_number", "95.9", "without the quotes"),
        ("t_number", 95900, "unit"),
        ("t_number", 0.0959, "unit"),
        ("t_number", float("nan"), "finite"),
        ("t_number", 10**300, "far too large"),
        ("t_count", pd.DataFrame({"a": [1]}), "len(table)"),
        ("t_count", 164, "Not this number"),
        ("t_name", "Chou En-lai", "Wade–Giles"),
        ("t_name", "Mao Zedong", "Not this name"),
        ("t_choice", "unga-resolution-2758", "really supports"),
        ("t_order", ["ev089", "ev059", "ev090"], "1 of 3 in the right place"),
        ("t_order", ["ev059", "ev089"], "exactly the 3 ids"),
        ("t_order", [], "empty"),
        ("t_set", ["ev001", "ev002", "ev999"], "2 of 3 right, and 1 that do not belong"),
        ("t_set", [1, 2], "text in quotes"),
    ],
)
def test_wrong_answers_say_what_kind_of_wrong(quiz, qid, answer, fragment):
    feedback = check(qid, answer)
    assert not feedback.correct
    assert fragment in feedback.message, feedback.message


def test_pinyin_or_wade_giles_accepted_where_either_is_the_point(quiz):
    assert check("t_either", "Chou En-lai").correct and check("t_either", "周恩来").correct


def test_unanswered_and_unknown_questions(quiz):
    assert check("t_date", ...).status == "unanswered"
    assert "Not answered yet" in str(check("t_date", ...))
    assert "no question 'q9_9'" in check("q9_9", "x").message
    assert check(None, None).status == "invalid"


def test_written_answers_are_recorded_with_their_rubric(quiz):
    feedback = check("t_text", "It was evening in Washington and morning in Beijing.")
    assert feedback.status == "recorded" and "names both time zones" in feedback.message
    assert feedback.points is None
    assert "at least 5" in check("t_text", "Too short.").message
    assert check("t_text", "").status == "invalid"


_anything = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text()
    | st.dates() | st.binary() | st.just(...) | st.just(ValueError("x")) | st.just(pd.DataFrame())
    | st.just(pd.DataFrame({"a": [None]})) | st.just(pd.Series(dtype=float)) | st.just(np.nan) | st.just(10**400),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=3), children, max_size=3)
    | st.sets(st.text(max_size=4), max_size=3),
    max_leaves=8,
)


# the quiz is declared once and only read by check(), so sharing it across generated inputs is safe
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(qid=st.sampled_from(["t_date", "t_number", "t_count", "t_name", "t_either", "t_choice", "t_order", "t_set",
                            "t_text", "nope", ""]) | st.integers() | st.none(),
       answer=_anything)
def test_no_check_ever_raises(quiz, qid, answer):
    feedback = check(qid, answer)
    assert feedback.status in {"correct", "incorrect", "unanswered", "recorded", "invalid"}
    assert isinstance(feedback._repr_html_(), str) and str(feedback)


# --- the key and the student edition ----------------------------------------------------------------------

def _solution_literals(solution: Path) -> list[str]:
    nb = nbformat.read(solution, as_version=4)
    blocks = [m.group(2) for c in nb.cells for m in BLOCK.finditer(c.source) if m.group(1) == "SOLUTION"]
    return [v.strip().strip("\"'") for b in blocks for v in re.findall(r"=\s*(.+)", b) if len(v.strip()) > 5]


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_no_answer_is_readable_in_the_key_or_the_student_edition(solution):
    key = (ROOT / "src" / "rapprochement" / "keys" / f"{solution.stem}.json").read_text(encoding="utf-8")
    student = (ROOT / "exercises" / solution.name).read_text(encoding="utf-8")
    literals = _solution_literals(solution)
    assert literals
    for literal in literals:
        assert literal not in key and literal not in student, literal


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_student_edition_and_key_are_up_to_date(solution):
    assert stale(solution) == []


def test_a_stale_student_edition_or_key_is_caught(tmp_path):
    solution = SOLUTIONS[0]
    (tmp_path / "solutions").mkdir()
    (tmp_path / "exercises").mkdir()
    shutil.copy(ROOT / "exercises" / solution.name, tmp_path / "exercises" / solution.name)
    changed = solution.read_text(encoding="utf-8").replace('answer_0_1 = \\"1978-12-15\\"', 'answer_0_1 = \\"1978-12-16\\"')
    assert changed != solution.read_text(encoding="utf-8")
    changed = changed.replace("How is his", "How is the premier's")  # a visible change to the student edition
    (tmp_path / "solutions" / solution.name).write_text(changed, encoding="utf-8")
    problems = stale(tmp_path / "solutions" / solution.name)
    assert any("exercises" in p for p in problems) and any("keys" in p for p in problems)


def test_solution_markers_become_placeholders():
    edition = json.loads(student_edition(SOLUTIONS[0]))
    sources = ["".join(c["source"]) for c in edition["cells"]]
    assert "answer_0_1 = ..." in sources
    assert not any("### BEGIN" in s or "question(" in s for s in sources)
    assert edition["metadata"]["rapprochement"] == {"assignment": SOLUTIONS[0].stem, "edition": "student"}
    assert all(not c.get("outputs") for c in edition["cells"])


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_questions_are_numbered_with_a_check_right_after_each_answer(solution):
    cells = nbformat.read(ROOT / "exercises" / solution.name, as_version=4).cells
    ids = re.findall(r"\*\*Question (\d+)\.(\d+)\.\*\* \(`q(\d+)_(\d+)`", "\n".join(c.source for c in cells))
    assert ids and all(a == c and b == d for a, b, c, d in ids)
    for n, cell in enumerate(cells):
        match = re.fullmatch(r"answer_(\d+_\d+) = \.\.\.", cell.source)
        if match:
            assert cells[n + 1].source.strip() == f'check("q{match.group(1)}", answer_{match.group(1)})'


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.name)
def test_the_student_edition_runs_clean_and_every_check_says_not_answered_yet(solution):
    path = ROOT / "exercises" / solution.name
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    checks = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("check(")]
    assert checks
    for cell in checks:
        (output,) = cell.outputs
        assert "Not answered yet" in output["data"]["text/plain"]
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]


# --- keeping work -----------------------------------------------------------------------------------------

def test_saved_answers_download_and_restore(quiz, tmp_path):
    exercises._assignment = "00_start_here"
    question("q9_1", "date", "1978-12-15", skill="data: finding a record")
    check("q9_1", "1978-12-15")
    check("t_set", {"ev002", "ev001"})
    path, link = keep.save(tmp_path)
    saved = json.loads(path.read_text())
    assert saved["answers"]["q9_1"] == "1978-12-15" and sorted(saved["answers"]["t_set"]) == ["ev001", "ev002"]
    uri = re.search(r'href="data:application/json;base64,([^"]+)"', link).group(1)
    assert json.loads(base64.b64decode(uri)) == saved
    restored = keep.restore(path.read_bytes())
    assert "answer_9_1 = &#x27;1978-12-15&#x27;" in restored


@pytest.mark.parametrize("content", [b"", b"not json", b"[]", b'{"answers": 3}', b"\xff\xfe"])
def test_restoring_something_else_says_so(content):
    assert "not a saved-answers file" in keep.restore(content)


def test_keep_your_work_shows_save_and_restore_controls():
    box = keep.keep_your_work()
    labels = [w.description for w in box.children[0].children]
    assert labels == ["Save my answers", "Restore answers"]


def test_every_question_practises_a_named_skill():
    with pytest.raises(ValueError, match="skill must be one of"):
        question("t_untagged", "date", "1978-12-15")
    for key in (ROOT / "src" / "rapprochement" / "keys").glob("*.json"):
        for qid, spec in json.loads(key.read_text(encoding="utf-8"))["questions"].items():
            assert spec["skill"] in SKILLS, f"{key.name}: {qid}"
