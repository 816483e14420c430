"""Install the collection's JupyterLab settings into a Python environment: no news prompt, no update check.

    python tools/install_lab_settings.py            # into the running Python's environment (sys.prefix)
    python tools/install_lab_settings.py PREFIX     # into another environment, e.g. a JupyterHub user image

`make` runs it for `.venv/`, and Binder's `postBuild` for Binder's environment, so JupyterLab started in
any of them (by `make lab`, the tests or Binder) neither asks "Would you like to get notified about official
Jupyter news?" nor reaches a website. Two files in `tools/offline/` do it:

- `overrides.json`, JupyterLab's defaults for its settings, goes to PREFIX/share/jupyter/lab/settings/;
- `jupyter_server_config.json` goes to PREFIX/etc/jupyter/ and turns off the server's news feed and update
  check, so not even a setting a student changes makes a request. (It must be that file: LabApp does not read
  the `jupyter_server_config.d/` folder, which is for turning extensions on.)

Each is merged into a file already there: our keys win, every other key is kept.

Standard library only; running it twice changes nothing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent / "offline"
OVERRIDES = HERE / "overrides.json"
SERVER_CONFIG = HERE / "jupyter_server_config.json"


def merged(base: dict, ours: dict) -> dict:
    """``base`` with ``ours`` laid over it, one level (plugin or class) deep: our keys win, other keys are kept."""
    result = dict(base)
    for section, values in ours.items():
        result[section] = {**result.get(section, {}), **values} if isinstance(values, dict) else values
    return result


def install(prefix: Path) -> list[Path]:
    """Merge both settings files into their places under ``prefix``; return the paths written."""
    targets = {OVERRIDES: prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json",
               SERVER_CONFIG: prefix / "etc" / "jupyter" / "jupyter_server_config.json"}
    for ours, path in targets.items():
        existing = {}
        if path.exists():
            try:
                existing = json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                sys.exit(f"{path} is not valid JSON; fix or remove it, then run this again.")
        path.parent.mkdir(parents=True, exist_ok=True)
        content = merged(existing, json.loads(ours.read_text(encoding="utf-8")))
        path.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
    return list(targets.values())


if __name__ == "__main__":
    for written in install(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(sys.prefix)):
        print(f"JupyterLab offline settings: {written}")
