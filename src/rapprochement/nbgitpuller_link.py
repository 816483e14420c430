"""Make an nbgitpuller link: one click puts the collection (or its updates) in each student's JupyterHub folder.

    python -m rapprochement.nbgitpuller_link https://hub.example.edu exercises/00_start_here.ipynb \\
        --repo https://github.com/you/your-fork [--branch main]

Clicking the link logs the student in, clones the repository into their home folder the first time (as a folder
named after the repository), pulls upstream changes every later time, and opens the notebook in JupyterLab. nbgitpuller
merges so that a student's own edits win: a file they changed keeps their changes where upstream changed the same
lines, upstream changes to other lines and new files arrive, and a file they deleted comes back. The hub needs the
``nbgitpuller`` package in the users' environment.

``--server`` makes a link for a single Jupyter server (no ``/hub/user-redirect``), e.g. one started on a lab machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import PurePosixPath
from urllib.parse import urlencode, urlparse

from .authoring import ROOT


def target_folder(repo: str) -> str:
    """The folder nbgitpuller clones ``repo`` into: the last part of its URL (as nbgitpuller computes it)."""
    return repo.rstrip("/").split("/")[-1]


def link(base: str, repo: str, path: str, branch: str | None = "main", app: str = "lab", hub: bool = True) -> str:
    """The nbgitpuller link that opens ``path`` (a file in the repository) for each user of ``base``."""
    parsed = urlparse(base)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError(f"{base!r} is not a hub address; give it as https://hub.example.edu")
    relative = PurePosixPath(path)
    if relative.is_absolute() or ".." in relative.parts:
        raise ValueError(f"{path!r} should be a path inside the repository, such as exercises/00_start_here.ipynb")
    opened = f"{app}/tree/{target_folder(repo)}/{relative}" if app == "lab" else f"tree/{target_folder(repo)}/{relative}"
    query = {"repo": repo, **({"branch": branch} if branch else {}), "urlpath": opened}
    prefix = "/hub/user-redirect/git-pull" if hub else "/git-pull"
    return base.rstrip("/") + prefix + "?" + urlencode(query)


def _origin() -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(ROOT), "remote", "get-url", "origin"], capture_output=True, text=True)
    except OSError:
        return None
    url = done.stdout.strip()
    return url if done.returncode == 0 and url.startswith(("https://", "http://")) else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rapprochement.nbgitpuller_link", description=__doc__.splitlines()[0])
    parser.add_argument("hub", help="the hub's address, e.g. https://hub.example.edu")
    parser.add_argument("path", help="the notebook to open, e.g. exercises/00_start_here.ipynb")
    parser.add_argument("--repo", default=_origin(), help="the repository's public URL (default: this clone's origin)")
    parser.add_argument("--branch", default="main")
    parser.add_argument("--server", action="store_true", help="a single Jupyter server, not a JupyterHub")
    args = parser.parse_args(argv)
    if not args.repo:
        print("give the repository's public address with --repo https://...", file=sys.stderr)
        return 2
    try:
        print(link(args.hub, args.repo, args.path, args.branch, hub=not args.server))
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
