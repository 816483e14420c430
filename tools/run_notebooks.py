"""Execute notebooks in a fresh kernel and save them with small, stable outputs.

Kept: text, tables and Vega-Lite charts (they render offline when the notebook is opened).
Dropped: widget views and saved widget state (they would show "Error displaying widget" until the cell
is run, and bloat the file), execution timings, and anything else that changes from run to run.

    python tools/run_notebooks.py notebooks/*.ipynb
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove widget views, widget state and run-specific metadata from an executed notebook."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        cell.outputs = [o for o in cell.outputs if WIDGET_VIEW not in o.get("data", {})]
    return nb


def execute(path: Path, timeout: int = 120) -> nbformat.NotebookNode:
    """Execute ``path`` in a fresh kernel with its own folder as the working directory, as JupyterLab does."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    return nb


def run(path: Path, timeout: int = 120) -> nbformat.NotebookNode:
    """Execute ``path`` and return it cleaned, ready to commit."""
    return clean(execute(path, timeout))


def main(paths: list[str]) -> None:
    for name in paths:
        path = Path(name)
        nb = run(path)
        nbformat.write(nb, path)
        print(f"{path}: {path.stat().st_size / 1000:.0f} KB")


if __name__ == "__main__":
    main(sys.argv[1:])
