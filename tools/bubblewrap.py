"""The grader's sandbox for the tests: bubblewrap already working, else the system's package, else a clear stop.

    python3 tools/bubblewrap.py

`make test` runs this after tools/browser.py, before anything else is installed. The grading tests run real
student notebooks inside bubblewrap (`bwrap`), the sandbox `python -m rapprochement.grade` uses on Linux.
On Debian or Ubuntu, as root or with password-less sudo, the package `bubblewrap` is installed with apt-get;
elsewhere on Linux it prints the command that installs it and exits 1. Other systems have no bubblewrap: it says
so and exits 0, and the grading tests are skipped there (the grader itself then needs Docker, Podman or
--no-sandbox). Standard library only.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # run as a script, before the environment exists
from browser import _run, _sudo_without_password, read_os_release  # noqa: E402

PROBE = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--unshare-net", "true"]


def works() -> bool:
    if not shutil.which("bwrap"):
        return False
    try:
        return subprocess.run(PROBE, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def by_hand(os_release: dict[str, str]) -> str:
    family = {os_release.get("ID", "")} | set(os_release.get("ID_LIKE", "").split())
    if family & {"fedora", "rhel", "centos"}:
        return "sudo dnf install bubblewrap"
    if family & {"arch"}:
        return "sudo pacman -S bubblewrap"
    if family & {"suse", "opensuse"}:
        return "sudo zypper install bubblewrap"
    return "sudo apt-get install bubblewrap"


def ensure() -> int:
    if platform.system() != "Linux":
        print("No bubblewrap on this system: the grading tests that run notebooks in its sandbox will be skipped.")
        return 0
    if works():
        print(f"Sandbox for the grading tests: {shutil.which('bwrap')}")
        return 0
    release = read_os_release()
    family = {release.get("ID", "")} | set(release.get("ID_LIKE", "").split())
    is_root = os.geteuid() == 0
    if family & {"debian", "ubuntu"} and (is_root or _sudo_without_password()):
        prefix = [] if is_root else ["sudo", "-n", "env", "DEBIAN_FRONTEND=noninteractive"]
        print("bubblewrap not found: installing the system's package with apt-get.", flush=True)
        for command in (prefix + ["apt-get", "update", "-qq"],
                        prefix + ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "bubblewrap"]):
            if not _run(command, dict(os.environ)):
                break
        if works():
            print(f"Sandbox for the grading tests: {shutil.which('bwrap')}")
            return 0
    print("make test needs bubblewrap (`bwrap`), the sandbox in which the grader runs student notebooks, and it is "
          f"missing or does not work here. Install it with:\n\n    {by_hand(release)}\n\n"
          "(If it is installed, this system may forbid unprivileged user namespaces.) No test has been run.",
          file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(ensure())
