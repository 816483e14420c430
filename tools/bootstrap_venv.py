"""Create the project's virtual environment with a working pip, using only the standard library.

Debian's python3 may lack ``ensurepip`` (it lives in the separate python3-venv package). In that case the
environment is created without pip and pip's own wheel is fetched from PyPI and used to install itself.
"""

import json
import subprocess
import sys
import tempfile
import urllib.request
import venv
from pathlib import Path


def main(target: str) -> None:
    env = Path(target)
    python = env / "bin" / "python"
    if python.exists() and subprocess.run([python, "-m", "pip", "--version"], capture_output=True).returncode == 0:
        return
    try:
        import ensurepip  # noqa: F401  (present on most Pythons; absent on bare Debian)

        venv.create(env, with_pip=True, clear=True)
        return
    except (ImportError, subprocess.CalledProcessError):
        venv.create(env, with_pip=False, clear=True)
    print("ensurepip is not available: fetching pip from PyPI to bootstrap the environment", flush=True)
    with urllib.request.urlopen("https://pypi.org/pypi/pip/json", timeout=60) as response:
        release = json.load(response)
    wheel = next(f for f in release["urls"] if f["filename"].endswith(".whl"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / wheel["filename"]
        urllib.request.urlretrieve(wheel["url"], path)
        subprocess.run([python, f"{path}/pip", "install", "--quiet", path], check=True)


if __name__ == "__main__":
    if sys.version_info < (3, 11):
        sys.exit(f"Python 3.11 or newer is needed; this is {sys.version.split()[0]}.")
    main(sys.argv[1] if len(sys.argv) > 1 else ".venv")
