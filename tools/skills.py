"""The "Skills across the course" table in the instructor guide, generated from the answer keys.

    python -m tools.skills --write      # rewrite the table in solutions/INSTRUCTOR_GUIDE.md
    python -m tools.skills              # print it

Each question declares the skill it practises (``question(..., skill=...)`` in its solution notebook; the key keeps
it). The table shows, lesson by lesson, which questions practise which skill, and lists the skills a lesson does not
practise, so instructors see the course's shape and authors see where new questions would fill a gap.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rapprochement.exercises import SKILLS
from tools.generated import replace_section

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "solutions" / "INSTRUCTOR_GUIDE.md"
KEYS = ROOT / "src" / "rapprochement" / "keys"
START, END = "<!-- skills-table -->", "<!-- /skills-table -->"


def by_lesson() -> dict[str, dict[str, list[str]]]:
    """For each exercise set, its question ids grouped by skill."""
    table: dict[str, dict[str, list[str]]] = {}
    for key in sorted(KEYS.glob("*.json")):
        questions = json.loads(key.read_text(encoding="utf-8"))["questions"]
        table[key.stem] = {skill: sorted(q for q, spec in questions.items() if spec.get("skill") == skill)
                           for skill in SKILLS}
    return table


def markdown() -> str:
    table = by_lesson()
    sets = list(table)
    lines = ["| Skill | " + " | ".join(f"`{s[:2]}`" for s in sets) + " | Questions in all |",
             "|---|" + "---|" * len(sets) + "---|"]
    for skill in SKILLS:
        cells = [", ".join(table[s][skill]) or "—" for s in sets]
        lines.append(f"| {skill} | " + " | ".join(cells) + f" | {sum(len(table[s][skill]) for s in sets)} |")
    gaps = []
    for skill in SKILLS:
        missing = [s[:2] for s in sets if not table[s][skill]]
        if len(missing) == len(sets):
            gaps.append(f"- **{skill}**: no question in any set yet.")
        elif missing:
            gaps.append(f"- **{skill}**: not practised in set(s) {', '.join(missing)}.")
    return ("Generated from the answer keys by `python -m tools.skills --write`; columns are the exercise sets.\n\n"
            + "\n".join(lines) + "\n\n**Where a skill is missing:**\n\n" + "\n".join(gaps))


def main(argv: list[str]) -> int:
    text = GUIDE.read_text(encoding="utf-8")
    updated = replace_section(text, START, END, markdown())
    if "--write" in argv:
        GUIDE.write_text(updated, encoding="utf-8")
    else:
        print(markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
