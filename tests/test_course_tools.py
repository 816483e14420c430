"""The course tools instructors already run: nbgitpuller links on a Jupyter server, and nbgrader's real commands."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import nbformat
import pytest

from rapprochement import nbgitpuller_link, nbgrader_export

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NAME = "00_start_here"
GIT = dict(os.environ, GIT_AUTHOR_NAME="Instructor", GIT_AUTHOR_EMAIL="instructor@example.edu",
           GIT_COMMITTER_NAME="Instructor", GIT_COMMITTER_EMAIL="instructor@example.edu")


# --- nbgitpuller --------------------------------------------------------------------------------------------

def test_a_hub_link_opens_the_notebook_in_jupyterlab_after_the_pull():
    made = nbgitpuller_link.link("https://hub.example.edu/", "https://github.com/o/rapprochement.git",
                                 "exercises/00_start_here.ipynb", "main")
    parsed = urlparse(made)
    assert parsed.netloc == "hub.example.edu" and parsed.path == "/hub/user-redirect/git-pull"
    assert parse_qs(parsed.query) == {"repo": ["https://github.com/o/rapprochement.git"], "branch": ["main"],
                                      "urlpath": ["lab/tree/rapprochement.git/exercises/00_start_here.ipynb"]}
    for bad_hub, bad_path in [("hub.example.edu", "exercises/x.ipynb"), ("https://h.edu", "../x.ipynb"),
                              ("https://h.edu", "/etc/passwd")]:
        with pytest.raises(ValueError):
            nbgitpuller_link.link(bad_hub, "https://github.com/o/r", bad_path)
    assert nbgitpuller_link.main(["hub.example.edu", "x.ipynb", "--repo", "https://github.com/o/r"]) == 2


def _git(*args, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env=GIT, check=True, capture_output=True, text=True).stdout


def _upstream(tmp: Path) -> Path:
    """A local clone of this repository (or, in a checkout without history, a repository of its exercises)."""
    upstream = tmp / "rapprochement"
    if (ROOT / ".git").exists():
        _git("clone", "--quiet", "--no-hardlinks", str(ROOT), str(upstream), cwd=tmp)
        _git("checkout", "--quiet", "-B", "main", cwd=upstream)
    else:
        shutil.copytree(ROOT / "exercises", upstream / "exercises")
        _git("init", "--quiet", "-b", "main", cwd=upstream)
        _git("add", ".", cwd=upstream)
        _git("commit", "--quiet", "-m", "exercises", cwd=upstream)
    return upstream


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def jupyter_server(tmp_path):
    """A Jupyter server with the nbgitpuller extension, serving a student's empty home folder."""
    home = tmp_path / "home"
    home.mkdir()
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(GIT, JUPYTER_CONFIG_DIR=str(tmp_path / ".jupyter"), PATH=f"{BIN}:{os.environ.get('PATH', '')}")
    server = subprocess.Popen([sys.executable, "-m", "jupyter_server", "--no-browser", "--ip=127.0.0.1",
                               f"--port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={home}",
                               "--allow-root"], env=env, cwd=home, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5).read()
            break
        except OSError:
            if time.time() > deadline:
                server.kill()
                pytest.fail("the Jupyter server did not start within 60 s")
            time.sleep(0.5)
    yield base, token, home
    server.terminate()
    server.wait(timeout=20)


def _pull(link: str, token: str) -> list[dict]:
    """Follow the link as a browser does: its page, then the event stream its script opens (same query)."""
    page = urllib.request.urlopen(f"{link}&token={token}", timeout=30).read().decode()
    assert "git-pull" in page  # nbgitpuller's own page, which starts the pull
    parsed = urlparse(link)
    api = f"{parsed.scheme}://{parsed.netloc}{parsed.path}/api?{parsed.query}&token={token}"
    events = []
    with urllib.request.urlopen(api, timeout=120) as stream:
        for line in stream:
            if line.startswith(b"data: "):
                events.append(json.loads(line[6:]))
                if events[-1].get("phase") in ("finished", "error"):
                    break
    return events


def test_nbgitpuller_pulls_the_collection_and_a_second_pull_keeps_the_students_answer(jupyter_server, tmp_path):
    base, token, home = jupyter_server
    upstream = _upstream(tmp_path)
    link = nbgitpuller_link.link(base, str(upstream), f"exercises/{NAME}.ipynb", "main", hub=False)
    assert "/git-pull?" in link

    events = _pull(link, token)
    assert events[-1]["phase"] == "finished", events[-1]
    student_copy = home / "rapprochement" / "exercises" / f"{NAME}.ipynb"
    assert student_copy.read_bytes() == (upstream / "exercises" / f"{NAME}.ipynb").read_bytes()

    # the student answers question 0.1; meanwhile the instructor fixes the same notebook's last cell and adds a file
    nb = nbformat.read(student_copy, as_version=4)
    answer = next(c for c in nb.cells if c.source == "answer_0_1 = ...")
    answer.source = 'answer_0_1 = "1978-12-15"  # my answer'
    nbformat.write(nb, student_copy)
    theirs = nbformat.read(upstream / "exercises" / f"{NAME}.ipynb", as_version=4)
    next(c for c in theirs.cells if c.source == "answer_0_1 = ...").source = 'answer_0_1 = ...  # a date, as text'
    theirs.cells[-1].source += "\n\nUpdated by your instructor."
    nbformat.write(theirs, upstream / "exercises" / f"{NAME}.ipynb")
    (upstream / "exercises" / "NEW_READING.md").write_text("A new reading.\n", encoding="utf-8")
    _git("add", "-A", cwd=upstream)
    _git("commit", "--quiet", "-m", "Instructor's update", cwd=upstream)

    events = _pull(link, token)
    assert events[-1]["phase"] == "finished", events[-1]
    merged = nbformat.read(student_copy, as_version=4)  # still a valid notebook
    sources = [c.source for c in merged.cells]
    assert 'answer_0_1 = "1978-12-15"  # my answer' in sources  # the student's edit won the conflicting line
    assert merged.cells[-1].source.endswith("Updated by your instructor.")  # the other change arrived
    assert (home / "rapprochement" / "exercises" / "NEW_READING.md").is_file()


# --- nbgrader -----------------------------------------------------------------------------------------------

def _nbgrader(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=f"{BIN}:{os.environ.get('PATH', '')}")  # nbgrader calls alembic from PATH
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done


def test_an_exercise_set_becomes_an_nbgrader_assignment_that_autogrades_solution_and_untouched(tmp_path):
    course = tmp_path / "course"
    assert nbgrader_export.main(["--course", str(course), NAME]) == 0
    assert nbgrader_export.main(["--course", str(course), NAME]) == 1  # an instructor's edits are not replaced
    source = nbformat.read(course / "source" / NAME / f"{NAME}.ipynb", as_version=4)
    kinds = [c.metadata["nbgrader"] for c in source.cells]
    tests = [m for m in kinds if m["grade"] and not m["solution"]]
    assert [m["grade_id"] for m in tests] == [f"test_q0_{n}" for n in range(1, 6)] and all(m["locked"] for m in tests)
    assert [m["points"] for m in kinds if m["grade"] and m["solution"]] == [3]  # the written answer, marked by hand
    assert "question(" not in json.dumps([c.source for c in source.cells])

    _nbgrader("generate_assignment", NAME, cwd=course)
    release = (course / "release" / NAME / f"{NAME}.ipynb").read_text(encoding="utf-8")
    assert "1978-12-15" not in release and "Zhou Enlai" not in release and "HIDDEN TESTS" not in release

    for student, notebook in [("solution", course / "source" / NAME / f"{NAME}.ipynb"),
                              ("untouched", course / "release" / NAME / f"{NAME}.ipynb")]:
        folder = course / "submitted" / student / NAME
        folder.mkdir(parents=True)
        shutil.copy(notebook, folder / f"{NAME}.ipynb")
    _nbgrader("autograde", NAME, cwd=course)

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        def auto(student):
            return {g.name: (g.auto_score, g.max_score) for g in
                    gradebook.find_submission_notebook(NAME, NAME, student).grades if g.name.startswith("test_")}
        assert auto("solution") == {f"test_q0_{n}": (1.0, 1.0) for n in range(1, 6)}
        assert auto("untouched") == {f"test_q0_{n}": (0.0, 1.0) for n in range(1, 6)}
