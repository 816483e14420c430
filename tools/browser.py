"""The browser for the browser tests: one already on the machine, else the system's own package, else a clear stop.

    python3 tools/browser.py

`make test` runs this before it installs anything (so `.ci/run` gets its browser the same way), and
`tests/test_browser.py` asks `find_browser()` which binary to drive: the rule lives here only.

1. A Chromium or Google Chrome already on the machine (``$TEST_BROWSER`` if set, else the usual names and
   places) is used as it is.
2. Otherwise, on Debian or Ubuntu as root or with password-less sudo, the distribution's package is installed
   with apt-get (with a font, so pages and screenshots show text).
3. Otherwise it prints one message naming the command that installs a browser on this system, and exits 1.

No browser is ever downloaded from anywhere but the system's package manager (Playwright's own browser
download is never used). Standard library only: this runs before the project's environment exists.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

OVERRIDE = "TEST_BROWSER"  # the path of a browser to use instead of searching
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
PLACES = (  # browsers that are not on PATH as a rule (macOS apps)
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)
FONT = "fonts-dejavu-core"  # without any font, Chromium draws text as nothing


def version(path: str) -> str | None:
    """What ``path --version`` prints, or None when it is no working browser (a stub or a broken install)."""
    try:
        done = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    text = done.stdout.strip()
    return text if done.returncode == 0 and ("Chrom" in text or "Google" in text) else None


def candidates(env: dict | None = None) -> list[str]:
    """Paths worth trying, best first: the override alone if it is set, else every name on PATH and known place."""
    env = os.environ if env is None else env
    if env.get(OVERRIDE):
        return [env[OVERRIDE]]
    found = [shutil.which(name, path=env.get("PATH")) for name in NAMES]
    return list(dict.fromkeys([p for p in found if p] + [p for p in PLACES if Path(p).exists()]))


def find_browser(env: dict | None = None) -> str | None:
    """The first working Chromium or Chrome on this machine, or None."""
    return next((path for path in candidates(env) if version(path)), None)


def read_os_release(path: str = "/etc/os-release") -> dict[str, str]:
    """The fields of os-release (ID, ID_LIKE, PRETTY_NAME...), or {} where there is none (macOS)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    pairs = (line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))
    return {key.strip(): value.strip().strip("\"'") for key, value in pairs}


@dataclass
class Plan:
    """What to do when no browser was found: commands to run (maybe none), and the command a person would type."""

    commands: list[list[str]] = field(default_factory=list)
    by_hand: str = ""
    system: str = "this system"


def plan_install(system: str, os_release: dict[str, str], is_root: bool, sudo_without_password: bool) -> Plan:
    """Decide how to get a browser on this system; pure, so every branch is tested without touching the machine."""
    family = {os_release.get("ID", "")} | set(os_release.get("ID_LIKE", "").split())
    name = os_release.get("PRETTY_NAME") or system
    if system == "Linux" and family & {"debian", "ubuntu"}:
        # Debian's package is `chromium`; Ubuntu's is `chromium-browser` (which installs the snap).
        package = "chromium-browser" if os_release.get("ID") == "ubuntu" else "chromium"
        by_hand = f"sudo apt-get install {package}"
        if not (is_root or sudo_without_password):
            return Plan(by_hand=by_hand, system=name)
        # sudo resets the environment, so DEBIAN_FRONTEND (no questions asked) is passed through `env`
        prefix = [] if is_root else ["sudo", "-n", "env", "DEBIAN_FRONTEND=noninteractive"]
        return Plan(commands=[prefix + ["apt-get", "update", "-qq"],
                              prefix + ["apt-get", "install", "-y", "-qq", "--no-install-recommends", package, FONT]],
                    by_hand=by_hand, system=name)
    if system == "Linux" and family & {"fedora", "rhel", "centos"}:
        return Plan(by_hand="sudo dnf install chromium", system=name)
    if system == "Linux" and family & {"arch"}:
        return Plan(by_hand="sudo pacman -S chromium", system=name)
    if system == "Linux" and family & {"suse", "opensuse"}:
        return Plan(by_hand="sudo zypper install chromium", system=name)
    if system == "Darwin":
        return Plan(by_hand="brew install --cask google-chrome", system="macOS")
    return Plan(system=name)


def stop_message(plan: Plan) -> str:
    """The one message shown when the tests cannot have a browser: what is missing and the command that fixes it."""
    how = (f"Install one on {plan.system} with:\n\n    {plan.by_hand}\n\n" if plan.by_hand else
           "Install Chromium or Google Chrome with your system's package manager.\n\n")
    return ("make test needs Chromium or Google Chrome for its browser tests (JupyterLab driven headless), "
            "and none was found.\n" + how +
            f"Then run make test again, or point {OVERRIDE} at a browser you already have "
            f"(make test {OVERRIDE}=/path/to/chrome). No test has been run.")


def _sudo_without_password() -> bool:
    if not shutil.which("sudo"):
        return False
    return subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0


def _run(command: list[str], env: dict) -> bool:
    try:
        return subprocess.run(command, env={**env, "DEBIAN_FRONTEND": "noninteractive"}).returncode == 0
    except OSError:  # the program is not there
        return False


def ensure(env: dict | None = None, os_release: str = "/etc/os-release", is_root: bool | None = None,
           sudo_without_password: bool | None = None) -> int:
    """Find or install the browser; print which one; 0 when there is one, 1 (after one clear message) when not.

    The arguments default to this machine; tests pass a PATH of fake programs instead.
    """
    env = dict(os.environ if env is None else env)
    if env.get(OVERRIDE) and not find_browser(env):
        print(f"{OVERRIDE}={env[OVERRIDE]} is not a working Chromium or Chrome "
              f"(`{env[OVERRIDE]} --version` failed). Unset it or fix the path. No test has been run.",
              file=sys.stderr)
        return 1
    path = find_browser(env)
    if path is None:
        if is_root is None:
            is_root = hasattr(os, "geteuid") and os.geteuid() == 0
        if sudo_without_password is None:
            sudo_without_password = not is_root and _sudo_without_password()
        plan = plan_install(platform.system(), read_os_release(os_release), is_root, sudo_without_password)
        if not plan.commands:
            print(stop_message(plan), file=sys.stderr)
            return 1
        print(f"No Chromium or Chrome found: installing {plan.system}'s package with apt-get.", flush=True)
        for command in plan.commands:
            if not _run(command, env):
                print(f"\n`{' '.join(command)}` failed.\n" + stop_message(plan), file=sys.stderr)
                return 1
        path = find_browser(env)
        if path is None:
            print("The package installed, but no working browser was found after it.\n" + stop_message(plan),
                  file=sys.stderr)
            return 1
    print(f"Browser for the tests: {path} ({version(path)})")
    return 0


if __name__ == "__main__":
    sys.exit(ensure())
