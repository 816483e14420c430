"""What a committed notebook must look like before anyone runs it: small, clean, and in the house skeleton."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import nbformat
import pytest

from tools.lessons import all_notebooks, read_order
from tools.run_notebooks import VEGA_LITE

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = all_notebooks()
LESSONS = [lesson["notebook"] for lesson in read_order()["lesson"]]


def _nb(path: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / path, as_version=4)


def test_every_notebook_on_disk_is_listed_in_the_teaching_order():
    on_disk = {str(p.relative_to(ROOT)) for d in ("notebooks", "exercises", "solutions") for p in (ROOT / d).glob("*.ipynb")}
    assert on_disk == set(NOTEBOOKS), "list new notebooks in notebooks/lessons.toml; remove stray ones"


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_notebook_is_small(path):
    assert (ROOT / path).stat().st_size < 300_000


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_every_chart_preview_is_a_small_palette_png(path):
    for cell in _nb(path).cells:
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            if png:
                raw = base64.b64decode(png)
                assert raw[:8] == b"\x89PNG\r\n\x1a\n" and raw[25] == 3, "a palette PNG (colour type 3): run `make notebooks`"
                assert len(raw) < 20_000, f"a {len(raw)} byte preview in {path}"


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_every_saved_chart_has_its_png_preview(path):
    """Without one, JupyterLab adds a PNG as it draws the chart and marks the just-opened notebook modified."""
    charts = [o.data for c in _nb(path).cells if c.cell_type == "code" for o in c.outputs
              if VEGA_LITE in o.get("data", {})]
    assert all(d.get("image/png", "").startswith("iVBORw0KGgo") for d in charts), "run `make notebooks`"


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_opening_the_notebook_shows_no_broken_placeholders(path):
    nb = _nb(path)
    assert "widgets" not in nb.metadata, "saved widget state: run tools/run_notebooks.py"
    text = json.dumps(nb)
    assert "application/vnd.jupyter.widget-view+json" not in text
    assert "cdn.jsdelivr" not in text and "Error loading script" not in text
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.get("name") == "stderr"]


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_notebook_loads_data_through_the_package(path):
    code = "\n".join(c.source for c in _nb(path).cells if c.cell_type == "code")
    assert "import rapprochement" in code or "from rapprochement" in code
    assert "sys.path" not in code and "../data" not in code and "pip install" not in code


@pytest.mark.parametrize("path", LESSONS)
def test_lesson_follows_the_house_skeleton(path):
    cells = _nb(path).cells
    markdown = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
    for heading in ("Learning objectives", "Questions", "Estimated time", "Key points",
                    "Check your understanding", "Further reading"):
        assert re.search(rf"^#+ .*{heading}|\*\*{heading}", markdown, re.M | re.I), f"{path}: no '{heading}'"
    first_code = next(c for c in cells if c.cell_type == "code")
    assert "import" in first_code.source and "setup()" in first_code.source, "one setup cell with the imports first"
