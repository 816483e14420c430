"""The instructor guide covers every lesson and every question, and its skills table is generated from the keys."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tools import skills
from tools.lessons import read_order

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "solutions" / "INSTRUCTOR_GUIDE.md").read_text(encoding="utf-8")
LESSONS = read_order()["lesson"]


def _section(number: str) -> str:
    match = re.search(rf"^## Lesson {number}\b.*?(?=^## )", GUIDE, re.M | re.S)
    assert match, f"the guide has no section '## Lesson {number}'"
    return match.group(0)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: Path(lesson["notebook"]).stem)
def test_each_lesson_has_objectives_timings_discussion_misconceptions_and_its_questions(lesson):
    number = Path(lesson["notebook"]).stem[:2]
    section = _section(number)
    for heading in ("Learning objectives", "In a 50-minute class", "In a 75-minute class", "Discussion questions",
                    "Misconceptions", "The exercises"):
        assert f"### {heading}" in section, f"lesson {number}: no '{heading}'"
    key = json.loads((ROOT / "src" / "rapprochement" / "keys" / f"{Path(lesson['exercises']).stem}.json").read_text())
    for qid, spec in key["questions"].items():
        assert f"`{qid}`" in section, f"lesson {number}: {qid} is not in the guide"
        if spec["kind"] == "text":  # a written answer: its rubric, and a strong and a weak example
            for line in spec["rubric"]:
                assert line in section, f"{qid}: rubric line missing: {line}"
            assert re.search(r"strong answer", section, re.I) and re.search(r"weak answer", section, re.I)


def test_the_misconceptions_the_course_must_answer_are_there():
    assert "Nixon recognised the PRC in 1972" in GUIDE
    assert "Shanghai Communiqué settled Taiwan's status" in GUIDE


def test_the_skills_table_is_generated_from_the_keys():
    start, end = GUIDE.index(skills.START) + len(skills.START) + 1, GUIDE.index(skills.END) - 1
    assert GUIDE[start:end] == skills.markdown(), "run `python -m tools.skills --write`"


def test_the_guide_shows_how_to_adapt_the_collection_and_grade():
    for part in ("## Adapting the collection", "make exercises", "make test", "rapprochement.grade",
                 "rapprochement.nbgrader_export", "rapprochement.nbgitpuller_link"):
        assert part in GUIDE, part


def test_the_guides_links_to_files_resolve():
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", GUIDE):
        if not target.startswith(("http://", "https://", "mailto:")):
            assert (ROOT / "solutions" / target).exists(), target
