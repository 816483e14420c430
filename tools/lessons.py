"""The teaching order, read from notebooks/lessons.toml, and the README table generated from it.

    python -m tools.lessons          # print the table
    python -m tools.lessons --write  # rewrite it in README.md between the markers
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

from tools.generated import replace_section

ROOT = Path(__file__).resolve().parents[1]
ORDER = ROOT / "notebooks" / "lessons.toml"
START, END = "<!-- lessons:start -->", "<!-- lessons:end -->"


def read_order() -> dict:
    """The parsed lessons.toml: ``binder_repository`` and a list of ``lesson`` tables."""
    return tomllib.loads(ORDER.read_text(encoding="utf-8"))


def all_notebooks() -> list[str]:
    """Every notebook the collection ships, as repository-relative paths, in teaching order."""
    paths = []
    for lesson in read_order()["lesson"]:
        paths += [lesson["notebook"]] + [lesson[k] for k in ("exercises", "solutions") if k in lesson]
    return paths


def binder_link(path: str) -> str:
    """A Binder link that opens ``path`` in JupyterLab."""
    repo = read_order()["binder_repository"]
    return f"https://mybinder.org/v2/gh/{repo}/HEAD?urlpath=lab/tree/{path}"


def table() -> str:
    """The README's notebook table."""
    rows = ["| # | Notebook | What it covers | Time | Launch | Exercises |", "|---|---|---|---|---|---|"]
    for number, lesson in enumerate(read_order()["lesson"]):
        path = lesson["notebook"]
        badge = f"[![Binder](https://mybinder.org/badge_logo.svg)]({binder_link(path)})"
        time = f"{lesson['teaching_minutes']} min + {lesson['exercise_minutes']} min exercises"
        exercises = f"[student edition]({binder_link(lesson['exercises'])})" if "exercises" in lesson else ""
        rows.append(f"| {number:02d} | [{lesson['title']}]({path}) | {lesson['covers']} | {time} | {badge} | {exercises} |")
    return "\n".join(rows)


def readme_with_table(readme: str) -> str:
    """README text with the table between the markers replaced by the current one."""
    return replace_section(readme, START, END, table())


if __name__ == "__main__":
    if "--write" in sys.argv:
        readme = ROOT / "README.md"
        readme.write_text(readme_with_table(readme.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print(table())
