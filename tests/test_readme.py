"""The README stays true: its table matches the teaching order, its commands exist, its links resolve."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tools.lessons import readme_with_table

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_notebook_table_is_generated_from_lessons_toml():
    assert readme_with_table(README) == README, "run `make readme`"


def test_quick_start_commands_are_make_targets():
    targets = subprocess.run(["make", "-qp"], cwd=ROOT, capture_output=True, text=True).stdout
    for command in re.findall(r"^\s*make ([a-z-]+)\s*$", README, re.M):
        assert re.search(rf"^{command}:", targets, re.M), f"README mentions `make {command}`, the Makefile lacks it"


def test_local_links_point_to_files_that_exist():
    for target in re.findall(r"\]\(((?!https?://|#)[^)\s]+)\)", README):
        assert (ROOT / target.split("#")[0]).exists(), f"README links to missing {target}"


def test_binder_links_open_files_that_exist():
    for path in re.findall(r"urlpath=lab/tree/([^)\s]+)\)", README):
        assert (ROOT / path).is_file(), path


def test_ci_calls_the_readme_test_command():
    assert "make test" in README and "make test" in (ROOT / ".ci" / "run").read_text()
