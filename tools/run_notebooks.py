"""Execute notebooks in a fresh kernel and save them with small, stable outputs.

Kept: text, tables and Vega-Lite charts (they render offline when the notebook is opened).
Added: a small PNG preview beside each chart, carrying the chart's description as its alternative text. JupyterLab adds a PNG to any chart it draws that lacks one,
which marks a notebook "modified" the moment a student opens it; with the preview in place it does not,
and viewers that cannot draw Vega-Lite (GitHub, nbviewer) show the preview instead.
Dropped: widget views and saved widget state (they would show "Error displaying widget" until the cell
is run, and bloat the file), execution timings, and anything else that changes from run to run.

    python tools/run_notebooks.py notebooks/*.ipynb
"""

from __future__ import annotations

import base64
import io
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from rapprochement.charts import chart_description
from rapprochement.widgets import VEGA_LITE

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
PREVIEW_SCALE = 0.4  # a thumbnail: at full size the previews would push notebooks past the 300 KB budget


def png_preview(spec: dict) -> str:
    """A base64 PNG of a Vega-Lite chart, drawn offline by vl-convert, in a 256-colour palette.

    A chart has few colours, so the palette loses nothing visible and makes the preview about ten times smaller.
    """
    import vl_convert  # development dependencies: only `make notebooks` needs them
    from PIL import Image

    drawn = Image.open(io.BytesIO(vl_convert.vegalite_to_png(spec, scale=PREVIEW_SCALE)))
    small = io.BytesIO()
    drawn.convert("RGB").quantize(colors=256).save(small, format="PNG", optimize=True)
    return base64.b64encode(small.getvalue()).decode("ascii")


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove widget views, widget state and run-specific metadata; give each chart its PNG preview."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        cell.outputs = [o for o in cell.outputs if WIDGET_VIEW not in o.get("data", {})]
        for output in cell.outputs:
            data = output.get("data", {})
            if VEGA_LITE in data:
                if "image/png" not in data:
                    data["image/png"] = png_preview(data[VEGA_LITE])
                # the preview's alternative text (the static edition and any viewer that reads it)
                output.setdefault("metadata", {}).setdefault("image/png", {})["alt"] = chart_description(data[VEGA_LITE])
    return nb


def execute(path: Path, timeout: int = 120, store_widget_state: bool = False) -> nbformat.NotebookNode:
    """Execute ``path`` in a fresh kernel with its own folder as the working directory, as JupyterLab does.

    ``store_widget_state`` keeps what the widgets show first (the static edition draws it)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=store_widget_state,
                            resources={"metadata": {"path": str(path.parent)}})
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
